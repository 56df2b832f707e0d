#ifndef TB_CMD_PROGRESS_H
#define TB_CMD_PROGRESS_H
/*
 * A one-line progress bar on stderr for long commands (import, export),
 * drawn only when stderr is a terminal and at most ten times a second:
 *
 *   importing traces.jsonl  [##########..........]  52%  5,102 traces
 *
 * The struct is owned by the caller; progress_end clears the line.
 */
#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool on;
	const char *label;   /* borrowed */
	const char *unit;    /* "traces" */
	int64_t total;       /* <= 0: unknown (no bar, just the count) */
	int64_t last_ms;
	bool drawn;
};

void progress_begin(struct progress *p, bool on, const char *label, const char *unit,
		    int64_t total);
/* done: how far along (same unit as total); count: items so far. */
void progress_update(struct progress *p, int64_t done, int64_t count);
void progress_end(struct progress *p);

#endif
