#ifndef TB_JSON_CHAT_H
#define TB_JSON_CHAT_H
/*
 * A conversation found in a span's inputs and outputs, as styled lines
 * (core/textbuf.h) for the detail pane's chat tab; sanitised and bounded
 * as json/render.h's renderings are.  All input is borrowed for the call.
 */
#include <stddef.h>

#include "core/textbuf.h"
#include "json/span.h"

/* Finds a conversation in the span's inputs and outputs and renders it:
 * a role line per message (ROLE_* slots), the text indented under it, tool
 * calls as "→ name(args)", tool results as "← result", a blank line between
 * messages.  Understands OpenAI chat (messages, choices[].message,
 * tool_calls, role "tool"), Anthropic content blocks (text, tool_use,
 * tool_result), OTel GenAI messages (parts), LangChain messages
 * (type human/ai/system/tool) and a list of completion strings after chat
 * inputs.  Returns the number of messages (0: not a chat; nothing added). */
size_t chat_render(const struct span_detail *d, struct textbuf *tb);

#endif
