#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void (*fatal_hook)(void);

void util_set_fatal_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	if (fatal_hook)
		fatal_hook();
	fputs("tracelab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		fatal("out of memory (%zu bytes)", n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *p;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		fatal("bad format");
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 8;

	if (need <= *cap)
		return;
	while (c < need)
		c *= 2;
	*arr = xrealloc(*arr, c * size);
	*cap = c;
}

int64_t now_ms(void)
{
	const char *fixed = getenv("TRACELAB_NOW_MS");
	struct timespec ts;
	int64_t v;

	if (fixed && parse_int64(fixed, &v) == 0)
		return v;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void fmt_time_ms(char *buf, size_t size, int64_t ms, bool local)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (local)
		localtime_r(&t, &tm);
	else
		gmtime_r(&t, &tm);
	if (!strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) && size)
		buf[0] = '\0';
}

void fmt_rfc3339_ms(char *buf, size_t size, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	struct tm tm;
	char base[32];

	if (frac < 0) {
		frac += 1000;
		t -= 1;
	}
	gmtime_r(&t, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03dZ", base, frac);
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int parse_rfc3339_ns(const char *s, int64_t *ns)
{
	int y, mo, d, h, mi, sec, n = 0, off = 0;
	int64_t frac = 0, scale = 1000000000, v;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
		return -1;
	p = s + n;
	if (*p == '.') {
		int digits = 0;

		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			if (digits < 9) {
				frac = frac * 10 + (*p - '0');
				scale /= 10;
			}
		}
		if (!digits || digits > 12)
			return -1;
		frac *= scale;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;

		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return -1;
		off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    sec < 0 || sec > 60)
		return -1;
	v = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off * 60;
	/* Nanoseconds since 1970 fit in 64 bits from 1677 to 2262 only. */
	if (v > INT64_MAX / 1000000000 - 1 || v < INT64_MIN / 1000000000 + 1)
		return -1;
	*ns = v * 1000000000 + frac;
	return 0;
}

int parse_rfc3339_ms(const char *s, int64_t *ms)
{
	int64_t ns;
	const char *dot = strchr(s, '.');

	/* Milliseconds take at most 9 fraction digits, as before. */
	if (dot) {
		size_t k = strspn(dot + 1, "0123456789");

		if (k > 9)
			return -1;
	}
	if (parse_rfc3339_ns(s, &ns) < 0)
		return -1;
	*ms = ns >= 0 ? ns / 1000000 : -((-ns + 999999) / 1000000);
	return 0;
}

void fmt_duration_ms(char *buf, size_t size, int64_t ms)
{
	if (ms < 0)
		snprintf(buf, size, "-");
	else if (ms < 1000)
		snprintf(buf, size, "%" PRId64 "ms", ms);
	else if (ms < 60000)
		snprintf(buf, size, "%.2fs", (double)ms / 1000.0);
	else if (ms < 3600000)
		snprintf(buf, size, "%" PRId64 "m%02" PRId64 "s", ms / 60000, (ms / 1000) % 60);
	else
		snprintf(buf, size, "%" PRId64 "h%02" PRId64 "m", ms / 3600000, (ms / 60000) % 60);
}

void fmt_count(char *buf, size_t size, int64_t n)
{
	char tmp[32];
	size_t len, i, o = 0;
	int neg = n < 0;
	uint64_t u = neg ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;

	snprintf(tmp, sizeof tmp, "%" PRIu64, u);
	len = strlen(tmp);
	if (size == 0)
		return;
	if (neg && o + 1 < size)
		buf[o++] = '-';
	for (i = 0; i < len && o + 1 < size; i++) {
		if (i && (len - i) % 3 == 0 && o + 1 < size)
			buf[o++] = ',';
		if (o + 1 < size)
			buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool str_starts(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

int parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int double_to_int64(double d, int64_t *out)
{
	/* 2^63 is exact as a double; every double below it converts. */
	if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0))
		return -1;
	*out = (int64_t)d;
	return 0;
}

char *read_file(const char *path, size_t *len)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0, r;
	struct stat st;
	int fd, saved = 0;

	/* Non-blocking, so that opening a FIFO does not wait for a writer;
	 * anything but a regular file is refused before it is read. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		saved = S_ISREG(st.st_mode) ? errno : EINVAL;
		close(fd);
		errno = saved;
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = fdopen(fd, "rb");
	if (!f) {
		saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	for (;;) {
		GROW(buf, cap, n + 65536 + 1);
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		saved = errno;
		fclose(f);
		free(buf);
		errno = saved ? saved : EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}
