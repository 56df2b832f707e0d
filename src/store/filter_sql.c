#include "store/filter_sql.h"

#include <stdlib.h>
#include <string.h>

/* Placeholder until the filter compiler lands: every filter is refused. */
int filter_to_sql(const char *filter, struct sql_where *out, struct err *err)
{
	(void)filter;
	memset(out, 0, sizeof *out);
	return err_set(err, ERR_USAGE, "filters are not supported yet");
}

void sql_where_free(struct sql_where *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->params[i].text);
	free(w->params);
	sb_free(&w->sql);
	memset(w, 0, sizeof *w);
}
