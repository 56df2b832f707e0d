#ifndef TB_CORE_UTIL_H
#define TB_CORE_UTIL_H
/*
 * Allocation that never returns NULL (out of memory is fatal: the registered
 * fatal hook restores the terminal first), small string helpers and time.
 * Every x*alloc result is owned by the caller and released with free().
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

void *xmalloc(size_t n) __attribute__((malloc, alloc_size(1), returns_nonnull));
void *xcalloc(size_t n, size_t size) __attribute__((malloc, returns_nonnull));
void *xrealloc(void *p, size_t n) __attribute__((returns_nonnull));
char *xstrdup(const char *s) __attribute__((malloc, returns_nonnull));
/* NULL in, NULL out. */
char *xstrdup_or_null(const char *s) __attribute__((malloc));
char *xstrndup(const char *s, size_t n) __attribute__((malloc, returns_nonnull));
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2), malloc, returns_nonnull));
char *xvasprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0), malloc, returns_nonnull));

/* Grows *arr (element size `size`) so that it holds at least `need` elements. */
void grow(void **arr, size_t *cap, size_t need, size_t size);
#define GROW(arr, cap, need) grow((void **)&(arr), &(cap), (need), sizeof *(arr))

/* Frees *p and sets it to NULL. */
#define FREE(p) do { free(p); (p) = NULL; } while (0)

/* Called once before the process dies of OOM; the UI sets it to leave curses.
 * The hook is process-wide state written once at start-up. */
void util_set_fatal_hook(void (*hook)(void));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Wall clock in milliseconds since the epoch. TRACELAB_NOW_MS, when set,
 * fixes it (tests and reproducible demo stores). */
int64_t now_ms(void);
/* A clock for timeouts and intervals (CLOCK_MONOTONIC), in ms. */
int64_t mono_ms(void);

/* Formats ms since the epoch as "2026-01-01 12:00:00" (UTC, or local time
 * when local is true) into buf (at least 20 bytes). */
void fmt_time_ms(char *buf, size_t size, int64_t ms, bool local);
/* RFC 3339 with milliseconds: "2026-01-01T12:05:00.123Z". */
void fmt_rfc3339_ms(char *buf, size_t size, int64_t ms);
/* Parses RFC 3339 ("2026-01-01T12:05:00.123Z", fraction 0-9 digits, Z or
 * +hh:mm); returns 0 and *ms, or -1. */
int parse_rfc3339_ms(const char *s, int64_t *ms);
/* The same to the nanosecond (up to 9 fraction digits are kept). */
int parse_rfc3339_ns(const char *s, int64_t *ns);
/* Human duration: "842ms", "1.24s", "3m05s", "-" for negative. */
void fmt_duration_ms(char *buf, size_t size, int64_t ms);
/* 1234567 -> "1,234,567" */
void fmt_count(char *buf, size_t size, int64_t n);

bool str_eq(const char *a, const char *b);          /* NULL-safe */
bool str_starts(const char *s, const char *prefix);
/* Parses a whole decimal integer; returns 0 or -1 (trailing junk, overflow). */
int parse_int64(const char *s, int64_t *out);
/* Rounds a double toward zero into *out; returns -1 for NaN, infinities and
 * values beyond what int64_t holds (*out untouched). */
int double_to_int64(double d, int64_t *out);

/* Reads a whole regular file into a NUL-terminated buffer (*len excludes
 * the NUL).  Returns NULL with errno set on failure; a FIFO, device or
 * directory is refused at once with EINVAL (never waited on). */
char *read_file(const char *path, size_t *len);

#endif
