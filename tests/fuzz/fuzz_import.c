/*
 * Fuzz target: trace import (json/import.h) in every format it detects
 * (MLflow trace JSON V3/V2, arrays, JSON Lines, traces.json, OTLP/JSON),
 * and the store's writing of what it reads.
 *
 * The input is a whole file, read from memory.  Checks:
 *   - the reader ends: at most one result per input byte (plus a few);
 *   - a malformed record is reported as "fuzz.jsonl:LINE[:COL]: message";
 *   - the statistics agree with what was returned;
 *   - each trace has an id, 16-hex span ids, JSON assessment values, a span
 *     tree whose walk ends, and previews of at most 1000 characters;
 *   - each trace can be written to an MLflow store (in a transaction that
 *     is rolled back) without a crash: a refusal is fine, a crash is not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/model.h"
#include "core/textbuf.h"
#include "json/import.h"
#include "json/jtree.h"
#include "store/store.h"
#include "fuzz_safe.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *st;
static char dir[256];

static void cleanup(void)
{
	char path[300];

	store_close(st);
	st = NULL;
	snprintf(path, sizeof path, "%s/fuzz.db", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/fuzz.db-journal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/fuzz.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/fuzz.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char path[300];
	struct err err = { 0 };

	(void)argc;
	(void)argv;
	/* A memory file system when there is one: the store syncs on every
	 * transaction. */
	if (!tmp)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof dir, "%s/tracelab-fuzz-XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	snprintf(path, sizeof path, "%s/fuzz.db", dir);
	if (store_create(path, &err) != 0 || store_open(path, 0, &st, &err) != 0) {
		fprintf(stderr, "fuzz_import: %s\n", err.msg);
		abort();
	}
	atexit(cleanup);
	return 0;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void check_hex16(const char *what, const char *s)
{
	size_t i;

	if (!s || strlen(s) != 16)
		FUZZ_FAIL("%s [%s] is not 16 hex digits", what, s ? s : "(null)");
	for (i = 0; i < 16; i++)
		if (!strchr("0123456789abcdef", s[i]))
			FUZZ_FAIL("%s [%s] is not lowercase hex", what, s);
}

static void check_trace(struct trace *t)
{
	size_t i, visits = 0;

	if (!t->info.id || !t->info.id[0])
		FUZZ_FAIL("imported trace without an id");
	if (t->info.request_preview && utf8_chars(t->info.request_preview) > 1000)
		FUZZ_FAIL("request preview of %zu characters", utf8_chars(t->info.request_preview));
	if (t->info.response_preview && utf8_chars(t->info.response_preview) > 1000)
		FUZZ_FAIL("response preview of %zu characters",
			  utf8_chars(t->info.response_preview));
	for (i = 0; i < t->nspans; i++) {
		check_hex16("span id", t->spans[i].id);
		if (t->spans[i].parent_id)
			check_hex16("parent span id", t->spans[i].parent_id);
	}
	for (i = 0; i < t->assessments.n; i++) {
		const struct assessment *a = &t->assessments.v[i];

		if (!a->id || !a->name || !a->type || !a->value || !a->source_type)
			FUZZ_FAIL("assessment %zu lacks a required column", i);
		if (!jt_valid(a->value, strlen(a->value)))
			FUZZ_FAIL("assessment value is not JSON: %.200s", a->value);
		if (a->metadata && !jt_valid(a->metadata, strlen(a->metadata)))
			FUZZ_FAIL("assessment metadata is not JSON: %.200s", a->metadata);
		if (a->error && !jt_valid(a->error, strlen(a->error)))
			FUZZ_FAIL("assessment error is not JSON: %.200s", a->error);
	}
	span_tree_build(t);
	for (i = t->first_root; i != SPAN_NONE; i = span_tree_next(t, i, false))
		if (++visits > t->nspans)
			FUZZ_FAIL("span tree walk does not end");
}

/* "fuzz.jsonl:<digits>" at the start of the message. */
static void check_message(const char *msg)
{
	const char *p = msg + strlen("fuzz.jsonl:");

	if (strncmp(msg, "fuzz.jsonl:", strlen("fuzz.jsonl:")) != 0 || *p < '1' || *p > '9')
		FUZZ_FAIL("import error does not start with file:line: [%s]", msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_reader *r = NULL;
	struct err err = { 0 };
	size_t calls = 0, traces = 0, skipped = 0, spans = 0;
	const struct import_stats *stats;
	char *pv;
	int rc;

	if (import_open_text((const char *)data, size, "fuzz.jsonl", &r, &err) != 0) {
		check_message(err.msg);
		return 0;
	}
	if (store_begin(st, &err) != 0)
		FUZZ_FAIL("store_begin: %s", err.msg);
	for (;;) {
		struct trace t;

		memset(&t, 0, sizeof t);
		err_clear(&err);
		if (++calls > size + 16)
			FUZZ_FAIL("import_next called %zu times on %zu bytes", calls, size);
		rc = import_next(r, &t, &err);
		if (rc == 0)
			break;
		if (rc < 0) {
			check_message(err.msg);
			skipped++;
			continue;
		}
		traces++;
		spans += t.nspans;
		check_trace(&t);
		t.info.experiment_id = 0;
		err_clear(&err);
		(void)store_put_trace(st, &t, &err);
		trace_free(&t);
	}
	store_rollback(st);
	stats = import_stats(r);
	/* The error that reports a damage (text broken or cut off) stops the
	 * reading and is not a skipped record. */
	if (stats->damaged && !stats->stopped)
		FUZZ_FAIL("stats say damaged but not stopped");
	if (stats->traces != traces || stats->skipped + stats->damaged != skipped ||
	    stats->spans != spans)
		FUZZ_FAIL("stats say %zu traces, %zu spans, %zu skipped%s; saw %zu, %zu, %zu errors",
			  stats->traces, stats->spans, stats->skipped,
			  stats->damaged ? " and a damage" : "", traces, spans, skipped);
	import_close(r);

	/* Previews of arbitrary text. */
	if (size < 4096) {
		char *text = malloc(size + 1);

		memcpy(text, data, size);
		text[size] = '\0';
		pv = import_preview(text);
		if (utf8_chars(pv) > 1000)
			FUZZ_FAIL("preview of %zu characters", utf8_chars(pv));
		free(pv);
		free(text);
	}
	return 0;
}
