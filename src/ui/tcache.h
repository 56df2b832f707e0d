#ifndef TB_UI_TCACHE_H
#define TB_UI_TCACHE_H
/*
 * Traces opened recently, kept after their view closes so that opening one
 * of them again shows it at once (on a tracking server a trace costs two
 * requests).  A small LRU of TCACHE_MAX traces; the oldest goes when a new
 * one comes.  A trace whose feedback changes (a label of mine, or another
 * writer's seen by the refresh probe) is dropped, so what it shows is never
 * older than what the browser already knew.
 *
 * Ownership: tcache_put takes the trace (the caller's is zeroed);
 * tcache_take hands one back to the caller, who frees it.
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"

#define TCACHE_MAX 8

struct tcache {
	struct trace v[TCACHE_MAX];
	char *id[TCACHE_MAX];
	uint64_t used[TCACHE_MAX];  /* 0: the slot is free */
	uint64_t tick;
};

/* Keeps *t under id (replacing a trace kept under it); zeroes *t. */
void tcache_put(struct tcache *c, const char *id, struct trace *t);
/* Moves the trace kept under id into *out: true, or false (out untouched). */
bool tcache_take(struct tcache *c, const char *id, struct trace *out);
/* Drops the trace kept under id (NULL: every trace). */
void tcache_drop(struct tcache *c, const char *id);
void tcache_free(struct tcache *c);

#endif
