#include "config/diag.h"

#include <stdlib.h>

#include "core/strbuf.h"
#include "core/util.h"

void diag_addv(struct diag_list *dl, enum diag_level level, const char *fmt, va_list ap)
{
	if (!dl)
		return;
	GROW(dl->v, dl->cap, dl->n + 1);
	dl->v[dl->n].level = level;
	dl->v[dl->n].msg = xvasprintf(fmt, ap);
	dl->n++;
}

void diag_add(struct diag_list *dl, enum diag_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(dl, level, fmt, ap);
	va_end(ap);
}

size_t diag_count(const struct diag_list *dl, enum diag_level level)
{
	size_t i, n = 0;

	for (i = 0; dl && i < dl->n; i++)
		n += dl->v[i].level == level;
	return n;
}

char *diag_join(const struct diag_list *dl)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; dl && i < dl->n; i++) {
		if (i)
			sb_addc(&sb, '\n');
		sb_adds(&sb, dl->v[i].msg);
	}
	return sb_take(&sb);
}

void diag_print(const struct diag_list *dl, FILE *f, const char *prefix)
{
	size_t i;

	for (i = 0; dl && i < dl->n; i++)
		fprintf(f, "%s%s%s: %s\n", prefix ? prefix : "", prefix ? ": " : "",
			dl->v[i].level == DIAG_ERROR ? "error" : "warning", dl->v[i].msg);
}

void diag_list_free(struct diag_list *dl)
{
	size_t i;

	if (!dl)
		return;
	for (i = 0; i < dl->n; i++)
		free(dl->v[i].msg);
	FREE(dl->v);
	dl->n = dl->cap = 0;
}
