#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *err, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct err *err, const char *fmt, ...)
{
	char head[ERR_MSG_MAX], old[ERR_MSG_MAX];
	size_t hl, ol, room;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	old[sizeof old - 1] = '\0';
	hl = strlen(head);
	if (hl > sizeof err->msg - 3)
		hl = sizeof err->msg - 3;
	memcpy(err->msg, head, hl);
	memcpy(err->msg + hl, ": ", 2);
	room = sizeof err->msg - hl - 3;
	ol = strlen(old);
	if (ol > room)
		ol = room;
	memcpy(err->msg + hl + 2, old, ol);
	err->msg[hl + 2 + ol] = '\0';
	return -1;
}

void err_clear(struct err *err)
{
	if (!err)
		return;
	err->code = ERR_NONE;
	err->msg[0] = '\0';
}

int err_exit_code(const struct err *err)
{
	return err && err->code == ERR_USAGE ? 2 : 1;
}
