#ifndef TB_CORE_MSG_H
#define TB_CORE_MSG_H
/*
 * A message sink: where a module sends what it has to tell the user (a
 * warning about a file it loaded, a confirmation), without knowing who
 * shows it: the browser's status line, stderr, a test.  The caller passes
 * one in; a module keeps no global one.
 *
 * The text handed to say() is borrowed for the call; the sink copies what
 * it keeps, and makes it safe to show if it shows it on a terminal.
 */
#include "core/slot.h"

struct msg_sink {
	void (*say)(void *arg, enum slot slot, const char *text);
	void *arg;
};

/* Formats a message and hands it to the sink; a NULL sink (or one without
 * say) drops it. */
void msg_say(const struct msg_sink *sink, enum slot slot, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
