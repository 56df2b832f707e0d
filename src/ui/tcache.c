/* Recently opened traces (see tcache.h). */
#include "ui/tcache.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static void slot_free(struct tcache *c, size_t i)
{
	trace_free(&c->v[i]);
	free(c->id[i]);
	c->id[i] = NULL;
	c->used[i] = 0;
}

static size_t find(const struct tcache *c, const char *id)
{
	size_t i;

	for (i = 0; id && i < TCACHE_MAX; i++)
		if (c->used[i] && strcmp(c->id[i], id) == 0)
			return i;
	return TCACHE_MAX;
}

void tcache_put(struct tcache *c, const char *id, struct trace *t)
{
	size_t i = find(c, id), k;

	if (i == TCACHE_MAX) {
		/* a free slot, else the least recently used */
		for (i = 0, k = 0; k < TCACHE_MAX; k++) {
			if (!c->used[k]) {
				i = k;
				break;
			}
			if (c->used[k] < c->used[i])
				i = k;
		}
	}
	if (c->used[i])
		slot_free(c, i);
	c->v[i] = *t;
	memset(t, 0, sizeof *t);
	c->id[i] = xstrdup(id);
	c->used[i] = ++c->tick;
}

bool tcache_take(struct tcache *c, const char *id, struct trace *out)
{
	size_t i = find(c, id);

	if (i == TCACHE_MAX)
		return false;
	*out = c->v[i];
	memset(&c->v[i], 0, sizeof c->v[i]);
	slot_free(c, i);
	return true;
}

void tcache_drop(struct tcache *c, const char *id)
{
	size_t i;

	for (i = 0; i < TCACHE_MAX; i++)
		if (c->used[i] && (!id || strcmp(c->id[i], id) == 0))
			slot_free(c, i);
}

void tcache_free(struct tcache *c)
{
	tcache_drop(c, NULL);
}
