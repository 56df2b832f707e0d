/*
 * Review queue values and MLflow's normalisation rules (see core/queue.h).
 */
#include "core/queue.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void queue_strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void review_queue_free(struct review_queue *q)
{
	if (!q)
		return;
	free(q->queue_id);
	free(q->name);
	free(q->queue_type);
	free(q->created_by);
	queue_strv_free(q->users, q->nusers);
	queue_strv_free(q->schema_ids, q->nschemas);
	queue_strv_free(q->schema_names, q->nschema_names);
	memset(q, 0, sizeof *q);
}

void queue_list_free(struct queue_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		review_queue_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Python's str.isspace for the ASCII range (what str.strip() removes). */
static bool py_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static char *strip_dup(const char *s)
{
	const char *e;

	while (py_space((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && py_space((unsigned char)e[-1]))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

static void ascii_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Characters (code points) of UTF-8 text, as Python's len() counts them. */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

char *queue_norm_user(const char *user)
{
	char *u = strip_dup(user);

	ascii_lower(u);
	return u;
}

char *queue_name_key(const char *name, struct err *err)
{
	const unsigned char *p;
	char *k;

	for (p = (const unsigned char *)name; *p; p++)
		if (*p >= 0x80) {
			err_set(err, ERR_USAGE, "queue name '%s' has characters beyond ASCII: "
				"tracelab cannot derive MLflow's name_key (name.lower()) for them", name);
			return NULL;
		}
	k = xstrdup(name);
	ascii_lower(k);
	return k;
}

char *queue_norm_name(const char *name, struct err *err)
{
	char *n = strip_dup(name), *k;

	if (!*n) {
		err_set(err, ERR_USAGE, "a queue name must be a non-empty string");
		goto fail;
	}
	if (chars(n) > QUEUE_NAME_MAX) {
		err_set(err, ERR_USAGE, "a queue name must be at most %d characters; got %zu",
			QUEUE_NAME_MAX, chars(n));
		goto fail;
	}
	k = queue_name_key(n, err);
	if (!k)
		goto fail;
	if (strcmp(k, QUEUE_RESERVED_NAME) == 0) {
		free(k);
		err_set(err, ERR_USAGE, "'%s' is a reserved queue name and cannot be used for a "
			"custom queue", n);
		goto fail;
	}
	free(k);
	return n;
fail:
	free(n);
	return NULL;
}

static bool seen(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* Normalises each of v with norm, checks its length, drops repeats. */
static int norm_list(const char *const *in, size_t n, char *(*norm)(const char *),
		     const char *what, size_t max, char ***out, size_t *nout, struct err *err)
{
	char **v = xcalloc(n ? n : 1, sizeof *v);
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		char *s = norm(in[i]);

		if (!*s || chars(s) > max) {
			err_set(err, ERR_USAGE, "%s '%s' must be a non-empty string of at most %zu "
				"characters", what, in[i], max);
			free(s);
			queue_strv_free(v, k);
			return -1;
		}
		if (seen(v, k, s))
			free(s);
		else
			v[k++] = s;
	}
	*out = v;
	*nout = k;
	return 0;
}

int queue_norm_users(const char *const *users, size_t n, char ***out, size_t *nout,
		     struct err *err)
{
	if (norm_list(users, n, queue_norm_user, "user", QUEUE_USER_MAX, out, nout, err) < 0)
		return -1;
	if (*nout > QUEUE_MAX_USERS) {
		err_set(err, ERR_USAGE, "a review queue can have at most %d assigned users; got %zu",
			QUEUE_MAX_USERS, *nout);
		queue_strv_free(*out, *nout);
		*out = NULL;
		*nout = 0;
		return -1;
	}
	return 0;
}

int queue_norm_items(const char *const *ids, size_t n, char ***out, size_t *nout,
		     struct err *err)
{
	if (n == 0)
		return err_set(err, ERR_USAGE, "a review queue needs at least one trace");
	return norm_list(ids, n, strip_dup, "trace id", QUEUE_ITEM_ID_MAX, out, nout, err);
}

bool queue_status_valid(const char *s)
{
	return s && (strcmp(s, QUEUE_PENDING) == 0 || strcmp(s, QUEUE_COMPLETE) == 0 ||
		     strcmp(s, QUEUE_DECLINED) == 0);
}
