/*
 * Review queues over REST: the MLflow servers tracelab is tested against
 * (3.6) have no review-queue endpoints, so each call says so and changes
 * nothing.  A server that offers them is future work, for when one can be
 * run in the tests.
 */
#include "store/rest_int.h"

#include "store/backend.h"

static int no_queues(struct store *st, struct err *err)
{
	return err_set(err, ERR_SCHEMA, "review queues are not available on this server (%s): "
		       "its REST API has no review-queue endpoints", st->url);
}

int rs_list_queues(struct store *st, const char *user, struct queue_list *out,
		   struct err *err)
{
	(void)user;
	(void)out;
	return no_queues(st, err);
}

int rs_find_queue(struct store *st, int64_t experiment_id, const char *name_key,
		  struct review_queue *out, struct err *err)
{
	(void)experiment_id;
	(void)name_key;
	(void)out;
	return no_queues(st, err);
}

int rs_get_queue(struct store *st, const char *queue_id, struct review_queue *out,
		 struct err *err)
{
	(void)queue_id;
	(void)out;
	return no_queues(st, err);
}

int rs_create_queue(struct store *st, const struct queue_new *q, const char *name_key,
		    char *out_id, struct err *err)
{
	(void)q;
	(void)name_key;
	(void)out_id;
	return no_queues(st, err);
}

int rs_queue_items(struct store *st, const char *queue_id, const char *status, char ***ids,
		   size_t *n, struct err *err)
{
	(void)queue_id;
	(void)status;
	(void)ids;
	(void)n;
	return no_queues(st, err);
}

int rs_set_item_status(struct store *st, const char *queue_id, const char *item_id,
		       const char *status, const char *by, unsigned flags, int64_t at_ms,
		       bool *changed, struct err *err)
{
	(void)at_ms;
	(void)queue_id;
	(void)item_id;
	(void)status;
	(void)by;
	(void)flags;
	(void)changed;
	return no_queues(st, err);
}
