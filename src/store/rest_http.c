/*
 * HTTP for the REST backend with libcurl (see rest_int.h): credentials and
 * TLS as MLflow's client takes them, timeouts, retries of reads, aborting
 * a transfer from another thread, and one-line messages for every failure.
 */
#include "store/rest_int.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#include <curl/curl.h>

#include "core/util.h"
#include "json/rest_wire.h"

struct rest_conn {
	char *base;
	CURL *easy;
	struct curl_slist *headers;  /* holds the Authorization header: a secret */
	char *auth_line;             /* the same text, wiped on close */
	char *who;                   /* "user 'annot'", "the token in ...", "no login" */
	bool has_login;
	long connect_s, total_s, stall_s;
	int retries;
	atomic_bool stop;
	char errbuf[CURL_ERROR_SIZE];
};

static long env_long(const char *name, long dflt, long min, long max)
{
	const char *s = getenv(name);
	int64_t v;

	if (!s || !*s || parse_int64(s, &v) < 0 || v < min || v > max)
		return dflt;
	return (long)v;
}

static bool env_true(const char *name)
{
	const char *s = getenv(name);

	return s && (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0 ||
		     strcasecmp(s, "yes") == 0);
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* The [mlflow] section's value for key in ~/.mlflow/credentials (an INI
 * file as Python's configparser reads it: "key = value" or "key: value",
 * # and ; comments), or NULL. */
static char *credentials_file_value(const char *key)
{
	const char *home = getenv("HOME");
	char *path, *text, *line, *save = NULL, *found = NULL;
	bool in = false;
	size_t len;

	if (!home || !*home)
		return NULL;
	path = xasprintf("%s/.mlflow/credentials", home);
	text = read_file(path, &len);
	free(path);
	if (!text)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *e, *sep;

		while (isspace((unsigned char)*p))
			p++;
		e = p + strlen(p);
		while (e > p && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*p || *p == '#' || *p == ';')
			continue;
		if (*p == '[') {
			in = strcmp(p, "[mlflow]") == 0;
			continue;
		}
		if (!in)
			continue;
		sep = p + strcspn(p, "=:");
		if (!*sep)
			continue;
		e = sep;
		while (e > p && isspace((unsigned char)e[-1]))
			e--;
		if ((size_t)(e - p) == strlen(key) && strncasecmp(p, key, (size_t)(e - p)) == 0) {
			sep++;
			while (isspace((unsigned char)*sep))
				sep++;
			wipe_free(found);
			found = xstrdup(sep);
		}
	}
	explicit_bzero(text, len);
	free(text);
	return found;
}

static char *cred(const char *env, const char *file_key)
{
	const char *s = getenv(env);

	if (s && *s)
		return xstrdup(s);
	return credentials_file_value(file_key);
}

static void base64(struct strbuf *out, const unsigned char *s, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		sb_addc(out, tab[s[i] >> 2]);
		sb_addc(out, tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)]);
		sb_addc(out, tab[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)]);
		sb_addc(out, tab[s[i + 2] & 63]);
	}
	if (n - i == 1) {
		sb_addc(out, tab[s[i] >> 2]);
		sb_addc(out, tab[(s[i] & 3) << 4]);
		sb_adds(out, "==");
	} else if (n - i == 2) {
		sb_addc(out, tab[s[i] >> 2]);
		sb_addc(out, tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)]);
		sb_addc(out, tab[(s[i + 1] & 15) << 2]);
		sb_addc(out, '=');
	}
}

/* No core file while a secret is in memory. */
static void no_core_dumps(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int setup_auth(struct rest_conn *c)
{
	char *user = cred("MLFLOW_TRACKING_USERNAME", "mlflow_tracking_username");
	char *pass = cred("MLFLOW_TRACKING_PASSWORD", "mlflow_tracking_password");
	const char *token = getenv("MLFLOW_TRACKING_TOKEN");
	struct strbuf sb = STRBUF_INIT;

	if (user && pass) {
		struct strbuf raw = STRBUF_INIT;

		no_core_dumps();
		sb_addf(&raw, "%s:%s", user, pass);
		sb_adds(&sb, "Authorization: Basic ");
		base64(&sb, (const unsigned char *)raw.buf, raw.len);
		explicit_bzero(raw.buf, raw.len);
		sb_free(&raw);
		c->who = xasprintf("user '%s'", user);
		c->has_login = true;
	} else if (token && *token) {
		no_core_dumps();
		sb_addf(&sb, "Authorization: Bearer %s", token);
		c->who = xstrdup("the token in MLFLOW_TRACKING_TOKEN");
		c->has_login = true;
	} else {
		c->who = xstrdup(user ? "no password (MLFLOW_TRACKING_PASSWORD)" : "no login");
	}
	wipe_free(user);
	wipe_free(pass);
	if (sb.len) {
		c->auth_line = sb_take(&sb);
		c->headers = curl_slist_append(c->headers, c->auth_line);
	}
	return 0;
}

static int progress(void *p, curl_off_t dlt, curl_off_t dln, curl_off_t ult, curl_off_t uln)
{
	struct rest_conn *c = p;

	(void)dlt;
	(void)dln;
	(void)ult;
	(void)uln;
	return atomic_load(&c->stop) ? 1 : 0;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	sb_add(ud, ptr, size * nmemb);
	return size * nmemb;
}

int rest_conn_open(const char *base, struct rest_conn **out, struct err *err)
{
	static bool global_done;
	struct rest_conn *c;
	const char *ca = getenv("MLFLOW_TRACKING_SERVER_CERT_PATH");
	const char *cert = getenv("MLFLOW_TRACKING_CLIENT_CERT_PATH");
	bool insecure = env_true("MLFLOW_TRACKING_INSECURE_TLS");

	*out = NULL;
	if (insecure && ca && *ca)
		return err_set(err, ERR_USAGE, "MLFLOW_TRACKING_INSECURE_TLS and "
			       "MLFLOW_TRACKING_SERVER_CERT_PATH cannot both be set");
	if (!global_done) {
		/* Once, before any thread of ours uses libcurl (the first store
		 * is opened before the worker starts). */
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global_done = true;
	}
	c = xcalloc(1, sizeof *c);
	atomic_init(&c->stop, false);
	c->base = xstrdup(base);
	c->easy = curl_easy_init();
	if (!c->easy) {
		rest_conn_close(c);
		return err_set(err, ERR_RUNTIME, "libcurl could not start");
	}
	c->connect_s = env_long("TRACELAB_CONNECT_TIMEOUT", 10, 1, 3600);
	c->total_s = env_long("MLFLOW_HTTP_REQUEST_TIMEOUT", 120, 1, 86400);
	c->stall_s = env_long("TRACELAB_READ_TIMEOUT", 30, 1, 86400);
	c->retries = (int)env_long("TRACELAB_HTTP_RETRIES", 3, 0, 20);
	setup_auth(c);
	c->headers = curl_slist_append(c->headers, "Accept: application/json");
	c->headers = curl_slist_append(c->headers, "Expect:");
	curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->easy, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(c->easy, CURLOPT_USERAGENT, "tracelab/" TRACELAB_VERSION);
	curl_easy_setopt(c->easy, CURLOPT_CONNECTTIMEOUT, c->connect_s);
	curl_easy_setopt(c->easy, CURLOPT_TIMEOUT, c->total_s);
	curl_easy_setopt(c->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c->easy, CURLOPT_LOW_SPEED_TIME, c->stall_s);
	curl_easy_setopt(c->easy, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c->easy, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(c->easy, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, c->headers);
	if (insecure) {
		curl_easy_setopt(c->easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c->easy, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (ca && *ca)
		curl_easy_setopt(c->easy, CURLOPT_CAINFO, ca);
	if (cert && *cert)
		curl_easy_setopt(c->easy, CURLOPT_SSLCERT, cert);
	*out = c;
	return 0;
}

void rest_conn_close(struct rest_conn *c)
{
	if (!c)
		return;
	if (c->easy)
		curl_easy_cleanup(c->easy);
	if (c->headers) {
		struct curl_slist *h;

		for (h = c->headers; h; h = h->next)
			explicit_bzero(h->data, strlen(h->data));
		curl_slist_free_all(c->headers);
	}
	wipe_free(c->auth_line);
	free(c->who);
	free(c->base);
	free(c);
}

void rest_conn_interrupt(struct rest_conn *c, bool on)
{
	if (c)
		atomic_store(&c->stop, on);
}

const char *rest_conn_base(const struct rest_conn *c)
{
	return c->base;
}

char *rest_escape(struct rest_conn *c, const char *s)
{
	char *e = curl_easy_escape(c->easy, s, 0);
	char *r = xstrdup(e ? e : "");

	curl_free(e);
	return r;
}

static const char *method_name(enum rest_method m)
{
	switch (m) {
	case REST_POST: return "POST";
	case REST_PATCH: return "PATCH";
	case REST_DELETE: return "DELETE";
	default: return "GET";
	}
}

/* One line of untrusted server text: control characters become spaces,
 * cut to max bytes (at a UTF-8 boundary). */
static void one_line(char *dst, size_t size, const char *s)
{
	size_t i = 0;

	for (; s && *s && i + 1 < size; s++)
		dst[i++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
	while (i > 0 && s && *s && ((unsigned char)dst[i] & 0xc0) == 0x80)
		i--;
	dst[i] = '\0';
}

static bool retry_status(long st)
{
	return st == 408 || st == 429 || st == 500 || st == 502 || st == 503 || st == 504;
}

/* Sleeps ms, waking early (false) when interrupted. */
static bool nap(struct rest_conn *c, long ms)
{
	while (ms > 0) {
		struct timespec ts = { 0, 50 * 1000000L };

		if (atomic_load(&c->stop))
			return false;
		nanosleep(&ts, NULL);
		ms -= 50;
	}
	return !atomic_load(&c->stop);
}

static int http_error(struct rest_conn *c, long st, const struct strbuf *reply, bool read,
		      const char *what, struct err *err)
{
	char *code = NULL, *message = NULL;
	char line[300] = "";
	int rc;

	if (rw_error(reply->buf, reply->len, &code, &message) == 0)
		one_line(line, sizeof line, message ? message : code);
	if (st == 401) {
		rc = err_set(err, ERR_AUTH, c->has_login ?
			     "%s: %s was refused (401 not authenticated): check the user name "
			     "and password (MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD) "
			     "or the token (MLFLOW_TRACKING_TOKEN)" :
			     "%s: the server asks for a login (401), and %s is set: set "
			     "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or "
			     "~/.mlflow/credentials, or MLFLOW_TRACKING_TOKEN)",
			     c->base, c->who);
	} else if (st == 403 && strstr(reply->buf ? reply->buf : "", "Invalid Host header")) {
		rc = err_set(err, ERR_AUTH, "%s: the server refused the Host header (403): "
			     "start it with --allowed-hosts naming this host", c->base);
	} else if (st == 403) {
		rc = err_set(err, ERR_AUTH, "%s: %s may not %s (403 permission denied): %s "
			     "permission on the experiment is needed", c->base, c->who, what,
			     read ? "READ" : "EDIT");
	} else if (st == 404) {
		rc = err_set(err, ERR_NOTFOUND, "%s", *line ? line : "not found");
	} else if (st >= 400 && st < 500) {
		rc = err_set(err, ERR_USAGE, "%s: the server refused to %s (%ld%s%s%s%s)", c->base,
			     what, st, code ? " " : "", code ? code : "", *line ? ": " : "", line);
	} else {
		rc = err_set(err, ERR_NETWORK, "%s: the server failed to %s (%ld%s%s)", c->base, what,
			     st, *line ? ": " : "", line);
	}
	free(code);
	free(message);
	return rc;
}

int rest_call(struct rest_conn *c, enum rest_method m, const char *path, const char *body,
	      bool read, const char *what, struct strbuf *reply, long *status,
	      struct err *err)
{
	char *url = xasprintf("%s%s", c->base, path);
	struct curl_slist *hdrs = NULL;
	long backoff = 250, st = 0;
	int attempt, rc = -1;

	sb_reset(reply);
	if (body) {
		hdrs = curl_slist_append(NULL, "Content-Type: application/json");
		hdrs->next = c->headers;
	}
	for (attempt = 0;; attempt++) {
		CURLcode cc;

		if (atomic_load(&c->stop)) {
			rc = err_set(err, ERR_CANCELLED, "cancelled");
			break;
		}
		sb_reset(reply);
		c->errbuf[0] = '\0';
		curl_easy_setopt(c->easy, CURLOPT_URL, url);
		curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, reply);
		curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, hdrs ? hdrs : c->headers);
		curl_easy_setopt(c->easy, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c->easy, CURLOPT_CUSTOMREQUEST, NULL);
		if (body) {
			curl_easy_setopt(c->easy, CURLOPT_POSTFIELDS, body);
			curl_easy_setopt(c->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		}
		if (m != REST_GET && m != REST_POST)
			curl_easy_setopt(c->easy, CURLOPT_CUSTOMREQUEST, method_name(m));
		/* libcurl sends a request again by itself when a reused
		 * connection turns out closed: a write gets a connection of its
		 * own, so that it is sent once. */
		curl_easy_setopt(c->easy, CURLOPT_FRESH_CONNECT, read ? 0L : 1L);
		cc = curl_easy_perform(c->easy);
		st = 0;
		if (cc == CURLE_OK)
			curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &st);
		if (cc == CURLE_ABORTED_BY_CALLBACK || atomic_load(&c->stop)) {
			rc = err_set(err, ERR_CANCELLED, "cancelled");
			break;
		}
		if (cc == CURLE_OK && st >= 200 && st < 300) {
			rc = 0;
			break;
		}
		if (read && attempt < c->retries && (cc != CURLE_OK || retry_status(st))) {
			if (!nap(c, backoff)) {
				rc = err_set(err, ERR_CANCELLED, "cancelled");
				break;
			}
			backoff *= 2;
			continue;
		}
		if (cc != CURLE_OK) {
			const char *why = cc == CURLE_OPERATION_TIMEDOUT ? "timed out" :
				cc == CURLE_COULDNT_CONNECT ? "could not connect" :
				cc == CURLE_COULDNT_RESOLVE_HOST ? "unknown host" :
				cc == CURLE_GOT_NOTHING || cc == CURLE_RECV_ERROR ||
				cc == CURLE_PARTIAL_FILE ? "the connection was dropped" :
				curl_easy_strerror(cc);

			rc = err_set(err, ERR_NETWORK, "%s: could not %s: %s%s", c->base, what, why,
				     read && c->retries ? " (after retries)" : "");
			break;
		}
		rc = http_error(c, st, reply, read, what, err);
		break;
	}
	if (body)
		curl_easy_setopt(c->easy, CURLOPT_POSTFIELDS, NULL);
	if (hdrs) {
		hdrs->next = NULL;
		curl_slist_free_all(hdrs);
	}
	curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, c->headers);
	if (status)
		*status = st;
	free(url);
	return rc;
}
