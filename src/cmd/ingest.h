#ifndef TB_CMD_INGEST_H
#define TB_CMD_INGEST_H
/*
 * Writing what import readers yield into a store, for `tracelab import` and
 * `tracelab demo`: batched transactions (INGEST_BATCH traces each), the
 * experiment of each trace (a forced one, else the record's own when the
 * store has it, else 0 with one warning per unknown id), malformed records
 * reported as "file:line:col: message" on stderr (the first 20) and
 * skipped, a damaged file read up to the damage, a trace that comes again
 * (in a later record) joined with what was written of it (json/import.h
 * import_merge), counts for the summary
 * line and a progress bar (by bytes read) on a terminal.  Each file is read
 * and parsed on a thread of its own while the calling thread writes the
 * traces read before (the reader touches neither the store nor the
 * terminal).
 *
 * struct ingest is owned by the caller; the store is borrowed.  After an
 * error the open batch is rolled back by ingest_free (earlier batches stay
 * committed).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cmd/progress.h"
#include "core/err.h"
#include "core/model.h"
#include "store/store.h"

struct cmd_ctx;

#define INGEST_BATCH 500

struct ingest {
	const struct cmd_ctx *ctx;
	struct store *st;
	bool forced;                /* every trace goes to `experiment` */
	int64_t experiment;
	struct experiment_list known;
	int64_t *warned;            /* record experiments mapped to 0, already reported */
	size_t nwarned, cap_warned;
	bool in_tx;
	size_t batch;
	int64_t traces, spans, assessments, skipped;   /* assessments: rows written */
	int64_t existed;            /* traces already in the store (replaced, feedback kept) */
	int64_t kept;               /* assessment rows those had, kept */
	int64_t readded;            /* rows of those traces added from the files */
	int64_t dup_assessments;    /* rows not written: the store had their ids */
	int64_t parts;              /* later parts of traces written before, joined */
	uint64_t *seen;             /* hashes of the trace ids written (open addressing) */
	size_t nseen, cap_seen;
	int64_t merged;             /* second copies of spans merged (start/end dumps) */
	bool stopped;               /* a file was damaged: read up to the damage */
	char *stopped_file;         /* the first such file */
	bool show_progress;
	struct progress prog;
};

/* Starts; with forced, every trace is written to experiment `exp`. */
int ingest_begin(struct ingest *in, const struct cmd_ctx *ctx, struct store *st, bool forced,
		 int64_t exp, struct err *err);
/* Reads a file (path) or, with data set, len bytes of memory named path
 * in messages, to its end.  -1 on a store error or when the input cannot
 * be opened; malformed records only count as skipped. */
int ingest_source(struct ingest *in, const char *path, const char *data, size_t len,
		  struct err *err);
/* Commits the last batch. */
int ingest_end(struct ingest *in, struct err *err);
void ingest_free(struct ingest *in);
/* "imported 9,812 traces, 41,200 spans, 120 assessments; 12 traces were
 * already in the store: 30 of their assessments kept, 2 new ones added, 28
 * assessments already there, skipped; 40 later parts of traces joined; 38
 * duplicate span copies merged; 3 records skipped" (the parts after the
 * first only when not zero) */
void ingest_summary(const struct ingest *in, FILE *f);

#endif
