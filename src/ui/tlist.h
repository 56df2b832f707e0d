#ifndef TB_UI_TLIST_H
#define TB_UI_TLIST_H
/*
 * The trace list's window onto the store: only the rows on screen plus a
 * margin are held, fetched by keyset pages (store_page_traces with
 * PAGE_AFTER / PAGE_BEFORE from the first or last row held), never by
 * offset.  Opening, scrolling, jumping to the newest or oldest trace and
 * searching cost the same on a million traces as on ten.
 *
 * Positions: the absolute index of the selected row is known while the
 * window is anchored to an end (rows before the first held row, or after
 * the last, are counted as the window moves), and derived from the total
 * once it is counted.  The total is counted on demand (tlist_count, run by
 * the browser when idle); until then it is a lower bound ("1,234+").
 *
 * Ownership: the list borrows the store and the strings of its page_req
 * (filter, search, me, names: the owner keeps them alive and calls
 * tlist_reload after changing them); it owns its rows.  Functions returning
 * int give 0 or -1 with struct err filled (the window is then unchanged).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"
#include "store/store.h"

struct tlist {
	struct store *st;
	struct page_req req;         /* experiment, sort, filter, quick, me, names */
	struct trace_row *rows;      /* display order */
	size_t n, cap;
	bool more_before, more_after;
	int64_t before, after;       /* rows outside the window; -1 unknown */
	int64_t total;               /* -1 until counted */
	size_t sel, top;             /* indexes into rows */
	int height;                  /* visible rows */
	unsigned fetches;            /* store pages read (for tests and the bench) */
};

void tlist_init(struct tlist *t, struct store *st);
void tlist_free(struct tlist *t);

/* Drops the window and the count and reads the first rows (selection on
 * the newest).  Call after changing the experiment, sort, filter or quick
 * filters. */
int tlist_reload(struct tlist *t, struct err *err);
/* Reloads keeping the selection on the same trace when it still matches
 * (used after a sort change and for refresh); else the first rows. */
int tlist_reload_at(struct tlist *t, const char *trace_id, struct err *err);
/* Visible rows; fetches what is missing. */
int tlist_set_height(struct tlist *t, int height, struct err *err);

/* Moves the selection by delta rows (negative: up), clamped at the ends. */
int tlist_move(struct tlist *t, long delta, struct err *err);
int tlist_first(struct tlist *t, struct err *err);
int tlist_last(struct tlist *t, struct err *err);
/* Next (dir > 0) or previous row matching free text after the selection,
 * wrapping around once; *found false when nothing matches; *wrapped when
 * the match came from the other end.  tlist_find does it all at once; the
 * browser looks in the window first (tlist_find_near) and asks the store
 * on its worker (struct tlist_search), so that no key waits on the scan. */
int tlist_find(struct tlist *t, const char *text, int dir, bool *found, bool *wrapped,
	       struct err *err);
/* A match among the rows held after (dir > 0) or before the selection:
 * selects it and returns 1; 0 when none is held; -1 on error. */
int tlist_find_near(struct tlist *t, const char *text, int dir, struct err *err);

/* A search of the store that stands alone: everything it needs is copied
 * from the list by tlist_search_init (it owns its strings), so that
 * tlist_search_run can run on any thread with any store open on the same
 * URL (a worker's).  The store walks the list's order from the selection
 * and stops at the first match (page_req.first); with none, it goes on
 * from the other end up to the selection (page_req.until), so that a
 * search with no match reads the list once. */
struct tlist_search {
	struct page_req req;        /* the list's, with owned strings */
	char *filter, *me, *text;
	struct question_ref *questions;
	struct trace_row from;      /* the selection when the search began */
	struct page_cursor at;      /* its keyset position */
	int dir;
	bool found, wrapped;        /* the result: */
	struct trace_row hit;       /* the row found (when found) */
};

void tlist_search_init(struct tlist_search *q, const struct tlist *t, const char *text, int dir);
int tlist_search_run(struct tlist_search *q, struct store *st, struct err *err);
/* Selects the row found (reading the rows around it when it is not held). */
int tlist_search_apply(struct tlist *t, const struct tlist_search *q, struct err *err);
void tlist_search_free(struct tlist_search *q);
/* Next (dir > 0) or previous row after the selection that also passes the
 * quick filters `quick` (e.g. QF_UNLABELLED, looking at the feedback
 * questions `qs`; NULL: the list's), by a store query from the selection's keyset
 * position; with `wrap`, from the other end when none is left. */
int tlist_find_quick(struct tlist *t, unsigned quick, const struct question_ref *qs, int dir,
		     bool wrap, bool *found, bool *wrapped, struct err *err);
/* Re-reads one row (after a write) when it is in the window. */
int tlist_refresh_row(struct tlist *t, const char *trace_id, struct err *err);

/* Rows near the visible ones are read ahead when idle: does the window
 * want some, and read them (one page). */
bool tlist_wants(const struct tlist *t);
int tlist_prefetch(struct tlist *t, struct err *err);

/* Counts the rows matching the filter (deferred work). */
int tlist_count(struct tlist *t, struct err *err);
/* The count, found elsewhere (on a worker) for the list's request. */
void tlist_set_total(struct tlist *t, int64_t n);
bool tlist_counted(const struct tlist *t);

const struct trace_row *tlist_selected(const struct tlist *t);
/* Absolute index (0-based) of window row i, or -1 when not known. */
int64_t tlist_abs(const struct tlist *t, size_t i);
/* Rows known to exist (a lower bound until counted); *exact when counted
 * or when the window reaches both ends. */
int64_t tlist_known(const struct tlist *t, bool *exact);

#endif
