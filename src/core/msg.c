#include "core/msg.h"

#include <stdarg.h>
#include <stdlib.h>

#include "core/util.h"

void msg_say(const struct msg_sink *sink, enum slot slot, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (!sink || !sink->say)
		return;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	sink->say(sink->arg, slot, text);
	free(text);
}
