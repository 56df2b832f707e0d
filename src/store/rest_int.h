#ifndef TB_STORE_REST_INT_H
#define TB_STORE_REST_INT_H
/*
 * Internals of the REST backend (an MLflow tracking server over HTTP):
 * rest_http.c speaks HTTP with libcurl (the only files that include
 * curl.h: rest_http.c), rest.c implements struct store_ops on top of it,
 * with the messages read and written by json/rest_wire.h.
 *
 * The connection.  One libcurl easy handle per store, reused so that the
 * connection stays open between requests; calls on one store come from one
 * thread at a time (svc/worker.h gives the UI a store of its own), except
 * rest_interrupt, which any thread may call: the running transfer is
 * aborted within ~100 ms (libcurl's progress callback) and the call
 * returns ERR_CANCELLED.
 *
 * Credentials, as MLflow's own client finds them: MLFLOW_TRACKING_USERNAME
 * and MLFLOW_TRACKING_PASSWORD (each, when unset, from ~/.mlflow/credentials,
 * section [mlflow], keys mlflow_tracking_username / mlflow_tracking_password)
 * give Basic auth; otherwise MLFLOW_TRACKING_TOKEN gives a Bearer token.
 * TLS: MLFLOW_TRACKING_INSECURE_TLS=true (no verification),
 * MLFLOW_TRACKING_SERVER_CERT_PATH (CA bundle; not with the former),
 * MLFLOW_TRACKING_CLIENT_CERT_PATH (client certificate .pem).  The secret
 * is held only in the Authorization header text, wiped on close; while it
 * is in memory the process makes no core dump.  No message names it.
 *
 * Timeouts: TRACELAB_CONNECT_TIMEOUT (seconds, default 10) to connect;
 * MLFLOW_HTTP_REQUEST_TIMEOUT (seconds, default 120, as MLflow's client)
 * for a whole request; a reply that stalls (no byte for
 * TRACELAB_READ_TIMEOUT seconds, default 30) fails as a timeout.  Reads
 * (GET and the search calls) are retried on a network failure or a
 * 408/429/500/502/503/504 reply, TRACELAB_HTTP_RETRIES times (default 3)
 * with a doubling backoff from 0.25 s; writes are never retried here.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/filter.h"
#include "core/model.h"
#include "core/queue.h"
#include "core/strbuf.h"

struct rest_conn;

/* Opens (no request yet) a connection to base ("http[s]://host[:port][/prefix]",
 * no trailing slash).  ERR_USAGE for a bad TLS setting. */
int rest_conn_open(const char *base, struct rest_conn **out, struct err *err);
void rest_conn_close(struct rest_conn *c);
void rest_conn_interrupt(struct rest_conn *c, bool on);
/* The base URL, for messages (holds no credentials). */
const char *rest_conn_base(const struct rest_conn *c);

enum rest_method {
	REST_GET,
	REST_POST,
	REST_PATCH,
	REST_DELETE,
};

/* One request.  path starts with '/' (its parts already URL-escaped);
 * body is JSON text or NULL.  read: a read-only call, retried as above.
 * what says what the call is for, for messages ("read the traces of
 * experiment 1", "write feedback on trace tr-..").  A 2xx reply: 0 with its
 * body in *reply (caller frees).  Otherwise -1 with err: ERR_AUTH for
 * 401/403 (who, which server, what is missing: one line, never the page),
 * ERR_NOTFOUND for 404, ERR_USAGE for 400, ERR_NETWORK when the server
 * could not be reached, timed out, or failed (5xx), ERR_CANCELLED after
 * rest_conn_interrupt.  The server's JSON message is kept (cut to one
 * line); an HTML or text page is never shown.  *status gets the HTTP
 * status (0: no reply). */
int rest_call(struct rest_conn *c, enum rest_method m, const char *path, const char *body,
	      bool read, const char *what, struct strbuf *reply, long *status,
	      struct err *err);

/* s URL-escaped (caller frees). */
char *rest_escape(struct rest_conn *c, const char *s);

/* ---- filters (rest_filter.c) ------------------------------------------- */

/* tracelab's filter text split for a server: `server` is MLflow filter
 * text for the comparisons of the top-level AND that its grammar takes
 * (exactly, or as a wider condition: feedback values), plus the free-text
 * search; when `client` is set, rest_filter_match must also hold, which
 * evaluates the rest (OR, NOT, IS NULL, feedback values as tracelab
 * compares them, valid rows only) on a TraceInfo.  Span conditions work
 * only server-side: inside OR or NOT they are refused (ERR_USAGE naming
 * the column), as are malformed filters (ERR_PARSE).  text under OR/NOT
 * looks at the previews and the name only. */
struct rest_filter {
	struct filter_node *tree;
	char *server;                        /* "" when nothing goes */
	bool client;
	const struct filter_node **exact;    /* nodes the server decides alone */
	size_t nexact, cap;
};

int rest_filter_init(struct rest_filter *rf, const char *text, const char *search,
		     struct err *err);
bool rest_filter_match(const struct rest_filter *rf, const struct trace *t);
void rest_filter_free(struct rest_filter *rf);

/* ---- rest_queue.c: review queues (none on the servers of today) ------- */

struct store;

int rs_list_queues(struct store *st, const char *user, struct queue_list *out,
		   struct err *err);
int rs_find_queue(struct store *st, int64_t experiment_id, const char *name_key,
		  struct review_queue *out, struct err *err);
int rs_get_queue(struct store *st, const char *queue_id, struct review_queue *out,
		 struct err *err);
int rs_create_queue(struct store *st, const struct queue_new *q, const char *name_key,
		    char *out_id, struct err *err);
int rs_queue_items(struct store *st, const char *queue_id, const char *status, char ***ids,
		   size_t *n, struct err *err);
int rs_set_item_status(struct store *st, const char *queue_id, const char *item_id,
		       const char *status, const char *by, unsigned flags, int64_t at_ms,
		       bool *changed, struct err *err);

#endif
