#include "ui/script.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void script_load_text(struct script *s, const char *text, const char *name)
{
	const char *p = text;

	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n && p[n - 1] == '\r')
			n--;
		GROW(s->lines, s->cap, s->n + 1);
		s->lines[s->n++] = xstrndup(p, n);
		if (!e)
			break;
		p = e + 1;
	}
}

int script_load_file(struct script *s, const char *path, struct err *err)
{
	size_t len;
	char *text = read_file(path, &len);

	if (!text)
		return err_set(err, ERR_USAGE, "%s: %s", path, strerror(errno));
	script_load_text(s, text, path);
	free(text);
	return 0;
}

const char *script_next(struct script *s, size_t *lineno)
{
	while (s->pos < s->n) {
		char *l = s->lines[s->pos++], *e;

		*lineno = s->pos;
		if (strcmp(l, " ") == 0)
			return l;
		while (*l == ' ' || *l == '\t')
			l++;
		e = l + strlen(l);
		while (e > l && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (!*l || *l == '#')
			continue;
		return l;
	}
	return NULL;
}

void script_free(struct script *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->lines[i]);
	free(s->lines);
	free(s->name);
	memset(s, 0, sizeof *s);
}
