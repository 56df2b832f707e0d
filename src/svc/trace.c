#include "svc/trace.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* traces.json larger than this is not loaded (it would be parsed whole). */
#define TRACES_JSON_MAX ((off_t)512 << 20)

/* Reads a regular file whole; never blocks on a FIFO or a device and never
 * reads more than TRACES_JSON_MAX.  NULL with *why set (malloc'd) or errno
 * (ENOENT / ENOTDIR: there is no such file). */
static char *read_regular(const char *path, size_t *len, char **why)
{
	struct stat sb;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd;

	*why = NULL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) != 0) {
		*why = xasprintf("cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		*why = xasprintf("%s is not a regular file", path);
		goto out;
	}
	if (sb.st_size > TRACES_JSON_MAX) {
		*why = xasprintf("%s is too large to load (%lld MB)", path,
				 (long long)(sb.st_size >> 20));
		goto out;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size &&
	       (n = read(fd, buf + got, (size_t)sb.st_size - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*why = xasprintf("cannot read %s: %s", path, strerror(errno));
			FREE(buf);
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
out:
	close(fd);
	return buf;
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
	char *dir = NULL, *path = NULL, *text = NULL, *why = NULL;
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
	text = read_regular(path, &len, &why);
	if (!text) {
		if (why)
			set_note(t, SPANS_ERROR, why);
		else if (errno == ENOENT || errno == ENOTDIR)
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
