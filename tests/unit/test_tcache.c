/*
 * The browser's recent traces (ui/tcache.h): kept, taken back, the least
 * recently used one going first, dropped when their feedback changes.
 */
#include "test.h"

#include <stdio.h>

#include "core/util.h"
#include "ui/tcache.h"

static struct trace named(const char *id)
{
	struct trace t;

	memset(&t, 0, sizeof t);
	t.info.id = xstrdup(id);
	return t;
}

TEST(tcache_keeps_and_gives_back)
{
	struct tcache c;
	struct trace t = named("tr-1"), out;

	memset(&c, 0, sizeof c);
	tcache_put(&c, "tr-1", &t);
	CHECK(t.info.id == NULL);  /* taken */
	CHECK(!tcache_take(&c, "tr-2", &out));
	CHECK(tcache_take(&c, "tr-1", &out));
	CHECK_STR(out.info.id, "tr-1");
	trace_free(&out);
	CHECK(!tcache_take(&c, "tr-1", &out));  /* taken once */
	tcache_free(&c);
}

TEST(tcache_least_recently_used_goes)
{
	struct tcache c;
	struct trace t, out;
	char id[32];
	int i;

	memset(&c, 0, sizeof c);
	for (i = 0; i <= TCACHE_MAX; i++) {
		snprintf(id, sizeof id, "tr-%d", i);
		t = named(id);
		tcache_put(&c, id, &t);
	}
	CHECK(!tcache_take(&c, "tr-0", &out));  /* the oldest went */
	CHECK(tcache_take(&c, "tr-1", &out));
	trace_free(&out);
	snprintf(id, sizeof id, "tr-%d", TCACHE_MAX);
	CHECK(tcache_take(&c, id, &out));
	trace_free(&out);
	tcache_drop(&c, "tr-2");
	CHECK(!tcache_take(&c, "tr-2", &out));
	CHECK(tcache_take(&c, "tr-3", &out));
	trace_free(&out);
	tcache_drop(&c, NULL);
	CHECK(!tcache_take(&c, "tr-4", &out));
	tcache_free(&c);
}

int main(void)
{
	RUN(tcache_keeps_and_gives_back);
	RUN(tcache_least_recently_used_goes);
	TEST_MAIN_END();
}
