#ifndef TB_SVC_SYNTH_H
#define TB_SVC_SYNTH_H
/*
 * Synthetic MLflow traces at scale, for trying tracelab on a store the
 * size of a busy production one and for its benchmark (`tracelab demo
 * --traces N`, tests/bench.sh): deterministic (the same seed gives the same
 * file), realistic in shape and MLflow's own formats.
 *
 * A store (synth_store) holds `traces` traces in experiment "bench", one
 * every ~2.6 s of simulated time ending at SYNTH_NEWEST_MS: tags
 * (mlflow.traceName, mlflow.trace.spansLocation, mlflow.artifactLocation,
 * environment, app_version), metadata (schema version, user, session,
 * token usage), previews, 2 to 4 spans in the spans table with MLflow's v3
 * span JSON (a retriever, tool calls to get_invoice, which fails now and
 * then, and lookup_account, chat models or, for summarize and
 * classify_ticket, LLM spans), LLM_JUDGE feedback on about 20% of the
 * traces (relevance_to_query "yes"/"no", safety true/false) and a little
 * HUMAN feedback (correct true/false).  One trace, in the middle, has 10,000
 * spans; in a store of 10,000 traces or more, one, a third of the way, has
 * 100,000 assessments with overrides.
 * The words needle-top-100 and needle-middle are in one request each: the
 * 101st newest trace's and one in the middle of the list.  The file is new (store_create refuses one that exists) and is
 * loaded in bulk (store/bulk.h); a file it made and could not finish is
 * removed.
 *
 * JSON Lines (synth_jsonl): the same kind of traces as Trace.to_dict(), one
 * a line, each with `spans` spans, in experiment "1", for `tracelab import`.
 * The file must not exist yet; one it could not finish is removed.
 *
 * Ownership: the caller owns every struct; strings are borrowed.  Both
 * return 0, or -1 with struct err filled.
 */
#include <stdint.h>

#include "core/err.h"

#define SYNTH_NEWEST_MS 1772323200000LL   /* 2026-03-01T00:00:00Z */
#define SYNTH_SEED 20260301ull

struct synth {
	long long traces;          /* >= 1 */
	uint64_t seed;
	int spans;                 /* spans per trace in JSON Lines (>= 1) */
	/* Called now and then with the traces written so far (may be NULL). */
	void (*progress)(void *ctx, long long done, long long total);
	void *ctx;
};

/* What was written, and the ids a benchmark looks for. */
struct synth_report {
	long long traces, spans, assessments;
	int64_t experiment;
	char big_trace[40];        /* the 10,000-span trace */
	char newest_trace[40], oldest_trace[40];
	char error_trace[40];      /* an ERROR trace in the newer half */
	char many_trace[40];       /* the trace with 100,000 assessments, or "" */
};

int synth_store(const char *path, const struct synth *o, struct synth_report *rep,
		struct err *err);
int synth_jsonl(const char *path, const struct synth *o, struct synth_report *rep,
		struct err *err);

#endif
