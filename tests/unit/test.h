/*
 * A tiny test harness for the unit tests.  Each test binary defines test
 * functions with TEST(name) and runs them from main() with RUN(name); a test
 * passes when none of its checks failed.  Output, read by tests/run.sh:
 *   ok - name
 *   not ok - name: file:line: what failed
 * TEST_MAIN_END returns non-zero when any test failed.
 *
 * Helpers for real store files: test_tmpdir() makes a private temporary
 * directory (removed at exit unless TRACELAB_KEEP_TMP is set) and
 * test_copy_fixture() copies a file from tests/fixtures/third_party into
 * it, so fixtures are never modified in place.
 */
#ifndef TB_TEST_H
#define TB_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int test_failed_checks;
static int test_passed;
static int test_failed;
static char test_dir[256];

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		test_failed_checks++; \
	} \
} while (0)

#define CHECK_INT(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { \
		printf("    %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
		test_failed_checks++; \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
		printf("    %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
		       a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
		test_failed_checks++; \
	} \
} while (0)

#define CHECK_NULL(a) do { \
	const void *a_ = (a); \
	if (a_) { \
		printf("    %s:%d: %s is not NULL\n", __FILE__, __LINE__, #a); \
		test_failed_checks++; \
	} \
} while (0)

/* Checks that haystack contains needle. */
#define CHECK_HAS(hay, needle) do { \
	const char *h_ = (hay), *n_ = (needle); \
	if (!h_ || !strstr(h_, n_)) { \
		printf("    %s:%d: %s == \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, #hay, \
		       h_ ? h_ : "(null)", n_); \
		test_failed_checks++; \
	} \
} while (0)

#define TEST(name) static void name(void)

#define RUN(name) do { \
	test_failed_checks = 0; \
	name(); \
	if (test_failed_checks) { \
		printf("not ok - %s\n", #name); \
		test_failed++; \
	} else { \
		printf("ok - %s\n", #name); \
		test_passed++; \
	} \
	fflush(stdout); \
} while (0)

static void test_cleanup_dir(void)
{
	char cmd[300];

	if (test_dir[0] && !getenv("TRACELAB_KEEP_TMP")) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", test_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", test_dir);
	}
}

/* A private temporary directory for this test binary. */
static inline const char *test_tmpdir(void)
{
	if (!test_dir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(test_dir, sizeof test_dir, "%s/tracelab-test-XXXXXX", base ? base : "/tmp");
		if (!mkdtemp(test_dir)) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(test_cleanup_dir);
	}
	return test_dir;
}

/* Where the fixture files are: tests/fixtures/third_party (TRACELAB_FIXTURES overrides). */
static inline const char *test_fixtures(void)
{
	const char *f = getenv("TRACELAB_FIXTURES");

	return f ? f : "tests/fixtures/third_party";
}

/* Copies fixture `name` to tmpdir/`as`; returns the new path (static buffer
 * per call site is not needed: the result is malloc'd, caller frees). */
static inline char *test_copy_fixture(const char *name, const char *as)
{
	char src[512], *dst = malloc(512);
	FILE *in, *out;
	char buf[65536];
	size_t n;

	snprintf(src, sizeof src, "%s/%s", test_fixtures(), name);
	snprintf(dst, 512, "%s/%s", test_tmpdir(), as);
	in = fopen(src, "rb");
	out = fopen(dst, "wb");
	if (!in || !out) {
		fprintf(stderr, "cannot copy %s to %s\n", src, dst);
		exit(1);
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			exit(1);
	fclose(in);
	if (fclose(out) != 0)
		exit(1);
	return dst;
}

/* A path inside the temporary directory; caller frees. */
static inline char *test_path(const char *name)
{
	char *p = malloc(512);

	snprintf(p, 512, "%s/%s", test_tmpdir(), name);
	return p;
}

#define TEST_MAIN_END() do { \
	printf("# %d passed, %d failed\n", test_passed, test_failed); \
	return test_failed ? 1 : 0; \
} while (0)

#endif
