#include "svc/trace.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "json/span.h"

/* "%2F" -> '/'; other bytes as they are.  Caller frees. */
static char *percent_decode(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *s; s++) {
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			char hex[3] = { s[1], s[2], '\0' };

			sb_addc(&sb, (char)strtol(hex, NULL, 16));
			s += 2;
		} else {
			sb_addc(&sb, *s);
		}
	}
	return sb_take(&sb);
}

/* "scheme:" at the start (two letters or more, so "C:\x" is not one). */
static bool has_scheme(const char *s)
{
	const char *p = s;

	if (!isalpha((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':' && p - s >= 2;
}

static bool is_windows_path(const char *s)
{
	return isalpha((unsigned char)s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/');
}

char *svc_artifact_dir(const char *location, const char *store_dir)
{
	const char *p;

	if (!location || !*location || is_windows_path(location) || strchr(location, '\\'))
		return NULL;
	if (str_starts(location, "file:")) {
		p = location + 5;
		if (str_starts(p, "//")) {
			p += 2;
			/* file://host/path: only the local host. */
			if (str_starts(p, "localhost/"))
				p += 9;
			else if (*p != '/')
				return NULL;
		}
		if (is_windows_path(p + (*p == '/')))
			return NULL;
		location = p;
		if (*location != '/')
			goto relative;
		return percent_decode(location);
	}
	if (has_scheme(location))
		return NULL;
	if (*location == '/')
		return xstrdup(location);
relative:
	if (!store_dir || !*store_dir)
		return xstrdup(location);
	return xasprintf("%s/%s", store_dir, location);
}

static void set_note(struct trace *t, enum spans_state state, char *note)
{
	t->spans_state = state;
	free(t->spans_note);
	t->spans_note = note;
}

/* Spans from traces.json under the trace's artifact location. */
static void load_artifact_spans(struct store *st, struct trace *t)
{
	const char *loc = kv_list_get(&t->tags, "mlflow.artifactLocation");
	char *dir = NULL, *path = NULL, *text = NULL;
	struct err e = { 0 };
	size_t len;

	if (!loc) {
		set_note(t, SPANS_MISSING, xstrdup("spans are not in the store and the trace has "
						   "no mlflow.artifactLocation tag"));
		goto out;
	}
	dir = svc_artifact_dir(loc, store_dir(st));
	if (!dir) {
		set_note(t, SPANS_MISSING, xasprintf("spans are stored elsewhere (%s)", loc));
		goto out;
	}
	path = xasprintf("%s/traces.json", dir);
	text = read_file(path, &len);
	if (!text) {
		if (errno == ENOENT || errno == ENOTDIR)
			set_note(t, SPANS_MISSING, xasprintf("spans not found: %s does not exist",
							     path));
		else
			set_note(t, SPANS_ERROR, xasprintf("cannot read %s: %s", path,
							   strerror(errno)));
		goto out;
	}
	if (spans_parse_traces_json(text, len, t, &e) < 0) {
		set_note(t, SPANS_ERROR, xasprintf("%s: %s", path, e.msg));
		goto out;
	}
	set_note(t, SPANS_LOADED, NULL);
out:
	free(text);
	free(path);
	free(dir);
}

int svc_load_trace(struct store *st, const char *trace_id, struct trace *out, struct err *err)
{
	if (store_load_trace(st, trace_id, out, err) < 0)
		return -1;
	if (out->spans_state == SPANS_MISSING)
		load_artifact_spans(st, out);
	span_tree_build(out);
	return 0;
}
