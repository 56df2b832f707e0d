#include "cmd/progress.h"

#include <stdio.h>

#include "core/util.h"

#define BAR_WIDTH 20

void progress_begin(struct progress *p, bool on, const char *label, const char *unit,
		    int64_t total)
{
	p->on = on;
	p->label = label;
	p->unit = unit;
	p->total = total;
	p->last_ms = 0;
	p->drawn = false;
}

void progress_update(struct progress *p, int64_t done, int64_t count)
{
	char n[32], bar[BAR_WIDTH + 1];
	int64_t t;
	int i, fill, pct;

	if (!p->on)
		return;
	t = mono_ms();
	if (p->drawn && t - p->last_ms < 100)
		return;
	p->last_ms = t;
	p->drawn = true;
	fmt_count(n, sizeof n, count);
	if (p->total <= 0) {
		fprintf(stderr, "\r%s  %s %s\033[K", p->label, n, p->unit);
		fflush(stderr);
		return;
	}
	if (done > p->total)
		done = p->total;
	pct = (int)(done * 100 / p->total);
	fill = (int)(done * BAR_WIDTH / p->total);
	for (i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%s  [%s] %3d%%  %s %s\033[K", p->label, bar, pct, n, p->unit);
	fflush(stderr);
}

void progress_end(struct progress *p)
{
	if (p->on && p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->drawn = false;
}
