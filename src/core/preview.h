#ifndef TB_CORE_PREVIEW_H
#define TB_CORE_PREVIEW_H
/*
 * The text a trace's request or response preview says.  MLflow keeps
 * request_preview / response_preview as JSON text cut at 1000 characters,
 * so it is seldom valid JSON, and fifteen traces of one agent all begin
 * `{"user_request": "…`.  preview_text reads such text leniently (what is
 * cut off is simply missing) and finds the words in it:
 *
 *   "some text"                          the string
 *   {"question": "…"}                    an object with one field that is
 *                                        a string: the string
 *   [{"role": "user", "content": "…"}…]  chat messages (also under a
 *   {"messages": [...]}                  "messages" key, contents as
 *                                        strings, or as parts / blocks with
 *                                        text): the last user message, else
 *                                        the last message
 *   {"choices": [{"message": {…}}]}      an OpenAI chat completion: the
 *                                        first choice's message
 *   ["…"]                                a list of one string: the string
 *
 * Anything else is left as it is (false).  The text found is as stored
 * (untrusted: the caller sanitises it for display).  Pure; input borrowed.
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* Appends the text of the preview to out and returns true, or returns
 * false (out untouched) when the preview has no such shape. */
bool preview_text(const char *preview, size_t len, struct strbuf *out);

#endif
