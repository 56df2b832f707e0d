#include "core/agree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const char *agree_metric_name(enum agree_metric m)
{
	static const char *const names[] = { "nominal", "ordinal", "interval", "ratio" };

	return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "?";
}

const char *agree_undef_text(enum agree_undef u)
{
	switch (u) {
	case AGREE_DEFINED:
		return "";
	case AGREE_NO_PAIRS:
		return "no item has two answers";
	case AGREE_NO_VARIATION:
		return "every answer is the same: no variation to measure against";
	case AGREE_TOO_MANY:
		return "more distinct items than the bootstrap keeps";
	}
	return "?";
}

/* ---- alpha ---------------------------------------------------------------- */

/* The squared difference of classes c <= k; marg[] are the pairable values
 * per class (ordinal). */
static double delta2(enum agree_metric m, size_t c, size_t k, const double *value,
		     const double *marg)
{
	double d, s;
	size_t g;

	if (c == k)
		return 0;
	switch (m) {
	case AGREE_NOMINAL:
		return 1;
	case AGREE_ORDINAL:
		if (c > k) {
			g = c;
			c = k;
			k = g;
		}
		for (s = 0, g = c; g <= k; g++)
			s += marg[g];
		d = s - (marg[c] + marg[k]) / 2;
		return d * d;
	case AGREE_INTERVAL:
		d = value[c] - value[k];
		return d * d;
	case AGREE_RATIO:
		s = value[c] + value[k];
		if (s == 0)
			return 0;
		d = (value[c] - value[k]) / s;
		return d * d;
	}
	return 0;
}

void agree_alpha_matrix(const double *o, size_t nclass, size_t stride, enum agree_metric m,
			const double *value, struct agree_alpha *out)
{
	double marg[AGREE_CLASSES_MAX] = { 0 }, n = 0, dobs = 0, dexp = 0, d;
	size_t c, k;

	memset(out, 0, sizeof *out);
	if (nclass > AGREE_CLASSES_MAX)
		nclass = AGREE_CLASSES_MAX;
	for (c = 0; c < nclass; c++) {
		for (k = 0; k < nclass; k++)
			marg[c] += o[c * stride + k];
		n += marg[c];
	}
	out->n = n;
	if (n < 2) {
		out->undef = AGREE_NO_PAIRS;
		return;
	}
	for (c = 0; c < nclass; c++) {
		for (k = 0; k < nclass; k++) {
			if (c == k)
				continue;
			d = delta2(m, c, k, value, marg);
			dobs += o[c * stride + k] * d;
			dexp += marg[c] * marg[k] * d;
		}
	}
	out->d_o = dobs / n;
	out->d_e = dexp / (n * (n - 1));
	if (!(out->d_e > 0)) {
		out->undef = AGREE_NO_VARIATION;
		return;
	}
	out->alpha = 1 - out->d_o / out->d_e;
}

/* ---- kappa ---------------------------------------------------------------- */

void agree_kappa_matrix(const int64_t *m, size_t nclass, size_t stride, struct agree_kappa *out)
{
	double row, col, n;
	size_t c, k;

	memset(out, 0, sizeof *out);
	for (c = 0; c < nclass; c++) {
		for (k = 0; k < nclass; k++)
			out->n += m[c * stride + k];
		out->agree += m[c * stride + c];
	}
	if (out->n == 0) {
		out->undef = AGREE_NO_PAIRS;
		return;
	}
	n = (double)out->n;
	for (c = 0; c < nclass; c++) {
		for (row = col = 0, k = 0; k < nclass; k++) {
			row += (double)m[c * stride + k];
			col += (double)m[k * stride + c];
		}
		out->p_e += (row / n) * (col / n);
	}
	out->p_o = (double)out->agree / n;
	if (!(out->p_e < 1)) {
		out->undef = AGREE_NO_VARIATION;
		return;
	}
	out->kappa = (out->p_o - out->p_e) / (1 - out->p_e);
}

/* ---- the set's matrices ------------------------------------------------------- */

static int64_t *new_matrix(size_t cap)
{
	return xcalloc(cap * cap, sizeof(int64_t));
}

/* A matrix of stride `from` copied into one of stride `to` (to >= from). */
static int64_t *restride(int64_t *m, size_t n, size_t from, size_t to)
{
	int64_t *r = new_matrix(to);
	size_t c;

	for (c = 0; c < n; c++)
		memcpy(r + c * to, m + c * from, n * sizeof *m);
	free(m);
	return r;
}

/* Makes room for classes 0 .. need - 1 in every matrix. */
static void grow_classes(struct agree_set *s, size_t need)
{
	size_t cap = s->cap ? s->cap : 4, i;

	if (need > s->nclass)
		s->nclass = need;
	if (need <= s->cap)
		return;
	while (cap < need)
		cap *= 2;
	for (i = 0; i < s->nbuckets; i++)
		s->buckets[i].pairs = restride(s->buckets[i].pairs, s->cap, s->cap, cap);
	for (i = 0; i < s->npairs; i++)
		s->pairs[i].m = restride(s->pairs[i].m, s->cap, s->cap, cap);
	s->cap = cap;
}

static int64_t *bucket_for(struct agree_set *s, size_t m)
{
	size_t i;

	for (i = 0; i < s->nbuckets; i++)
		if (s->buckets[i].m == m)
			return s->buckets[i].pairs;
	GROW(s->buckets, s->cap_buckets, s->nbuckets + 1);
	s->buckets[s->nbuckets].m = m;
	s->buckets[s->nbuckets].pairs = new_matrix(s->cap);
	return s->buckets[s->nbuckets++].pairs;
}

/* ---- hashing (open addressing, index + 1 in the slots) -------------------------- */

static uint64_t hash_bytes(const uint8_t *p, size_t n, uint64_t h)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t hash_pair(uint32_t a, uint32_t b)
{
	uint64_t x = (uint64_t)a << 32 | b;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static uint64_t pair_hash_at(const struct agree_set *s, size_t i)
{
	return hash_pair(s->pairs[i].a, s->pairs[i].b);
}

static uint64_t type_hash_at(const struct agree_set *s, size_t i)
{
	const struct agree_type *t = &s->types[i];

	return hash_bytes(s->keys + t->off, t->m, 0xcbf29ce484222325ull ^ t->m);
}

/* Rebuilds an index of `n` entries with room for at least twice that. */
static void reindex(const struct agree_set *s, uint32_t **index, size_t *cap, size_t n,
		    uint64_t (*hash_at)(const struct agree_set *, size_t))
{
	size_t c = 16, i, j;

	while (c < 2 * (n + 1))
		c *= 2;
	free(*index);
	*index = xcalloc(c, sizeof **index);
	*cap = c;
	for (i = 0; i < n; i++) {
		for (j = hash_at(s, i) & (c - 1); (*index)[j]; j = (j + 1) & (c - 1))
			;
		(*index)[j] = (uint32_t)i + 1;
	}
}

/* The index + 1 of a pair, or 0. */
static size_t pair_lookup(const struct agree_set *s, uint32_t a, uint32_t b)
{
	size_t j;

	if (!s->cap_index)
		return 0;
	for (j = hash_pair(a, b) & (s->cap_index - 1); s->pair_index[j];
	     j = (j + 1) & (s->cap_index - 1)) {
		const struct agree_pair *p = &s->pairs[s->pair_index[j] - 1];

		if (p->a == a && p->b == b)
			return s->pair_index[j];
	}
	return 0;
}

static struct agree_pair *find_pair(struct agree_set *s, uint32_t a, uint32_t b)
{
	size_t i = pair_lookup(s, a, b), j;

	if (i)
		return &s->pairs[i - 1];
	GROW(s->pairs, s->cap_pairs, s->npairs + 1);
	s->pairs[s->npairs].a = a;
	s->pairs[s->npairs].b = b;
	s->pairs[s->npairs].m = new_matrix(s->cap);
	s->npairs++;
	if (2 * (s->npairs + 1) > s->cap_index) {
		reindex(s, &s->pair_index, &s->cap_index, s->npairs, pair_hash_at);
	} else {
		for (j = hash_pair(a, b) & (s->cap_index - 1); s->pair_index[j];
		     j = (j + 1) & (s->cap_index - 1))
			;
		s->pair_index[j] = (uint32_t)s->npairs;
	}
	return &s->pairs[s->npairs - 1];
}

const struct agree_pair *agree_set_pair(const struct agree_set *s, uint32_t a, uint32_t b)
{
	size_t i = pair_lookup(s, a, b);

	return i ? &s->pairs[i - 1] : NULL;
}

static int cmp_u8(const void *a, const void *b)
{
	return (int)*(const uint8_t *)a - (int)*(const uint8_t *)b;
}

/* Counts an item (its classes sorted) in the bootstrap's histogram. */
static void add_type(struct agree_set *s, const uint8_t *key, size_t m)
{
	uint64_t h = hash_bytes(key, m, 0xcbf29ce484222325ull ^ m);
	size_t j;

	if (s->types_full)
		return;
	if (s->cap_type_index) {
		for (j = h & (s->cap_type_index - 1); s->type_index[j];
		     j = (j + 1) & (s->cap_type_index - 1)) {
			struct agree_type *t = &s->types[s->type_index[j] - 1];

			if (t->m == m && memcmp(s->keys + t->off, key, m) == 0) {
				t->count++;
				return;
			}
		}
	}
	if (s->ntypes == AGREE_TYPES_MAX) {
		s->types_full = true;
		return;
	}
	GROW(s->keys, s->keys_cap, s->keys_len + m);
	memcpy(s->keys + s->keys_len, key, m);
	GROW(s->types, s->cap_types, s->ntypes + 1);
	s->types[s->ntypes].off = s->keys_len;
	s->types[s->ntypes].m = m;
	s->types[s->ntypes].count = 1;
	s->keys_len += m;
	s->ntypes++;
	if (2 * (s->ntypes + 1) > s->cap_type_index) {
		reindex(s, &s->type_index, &s->cap_type_index, s->ntypes, type_hash_at);
	} else {
		for (j = h & (s->cap_type_index - 1); s->type_index[j];
		     j = (j + 1) & (s->cap_type_index - 1))
			;
		s->type_index[j] = (uint32_t)s->ntypes;
	}
}

/* ---- adding items ------------------------------------------------------------------ */

int agree_consensus(const struct agree_answer *a, size_t n)
{
	int64_t votes[AGREE_CLASSES_MAX] = { 0 }, best = 0;
	int cls = -1;
	size_t i;
	bool tie = false;

	for (i = 0; i < n; i++)
		if (a[i].human && a[i].cls < AGREE_CLASSES_MAX)
			votes[a[i].cls]++;
	for (i = 0; i < AGREE_CLASSES_MAX; i++) {
		if (votes[i] > best) {
			best = votes[i];
			cls = (int)i;
			tie = false;
		} else if (votes[i] && votes[i] == best) {
			tie = true;
		}
	}
	return tie ? -1 : cls;
}

/* Coincidence pairs of one item: counts[c] answers of class c, m in all. */
static void add_coincidences(struct agree_set *s, const int64_t *counts, size_t m)
{
	int64_t *b = bucket_for(s, m);
	size_t c, k;

	for (c = 0; c < s->nclass; c++) {
		if (!counts[c])
			continue;
		for (k = 0; k < s->nclass; k++)
			if (counts[k])
				b[c * s->cap + k] += counts[c] * (counts[k] - (c == k));
	}
}

static void add_pairs(struct agree_set *s, const struct agree_answer *a, size_t n)
{
	int cons = agree_consensus(a, n);
	bool judged = false, humans = false;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!a[i].human) {
			judged = true;
			if (cons >= 0)
				find_pair(s, a[i].source, AGREE_CONSENSUS)
					->m[a[i].cls * s->cap + (size_t)cons]++;
			continue;
		}
		humans = true;
		for (j = 0; j < n; j++) {
			if (j == i || !a[j].human || a[j].source <= a[i].source)
				continue;
			find_pair(s, a[i].source, a[j].source)->m[a[i].cls * s->cap + a[j].cls]++;
		}
	}
	if (judged && humans && cons < 0)
		s->no_consensus++;
}

int agree_set_add(struct agree_set *s, const struct agree_answer *a, size_t n)
{
	int64_t counts[AGREE_CLASSES_MAX] = { 0 };
	uint8_t key[256], *heap = NULL, *k = key;
	size_t i, top = 0;

	for (i = 0; i < n; i++) {
		if (a[i].cls >= AGREE_CLASSES_MAX)
			return -1;
		if (a[i].cls + 1 > top)
			top = a[i].cls + 1;
	}
	if (n == 0)
		return 0;
	grow_classes(s, top);
	s->items++;
	if (n == 1)
		return 0;
	s->pairable++;
	for (i = 0; i < n; i++)
		counts[a[i].cls]++;
	if (counts[a[0].cls] == (int64_t)n)
		s->unanimous++;
	add_coincidences(s, counts, n);
	add_pairs(s, a, n);
	if (n > sizeof key)
		k = heap = xmalloc(n);
	for (i = 0; i < n; i++)
		k[i] = (uint8_t)a[i].cls;
	qsort(k, n, 1, cmp_u8);
	add_type(s, k, n);
	free(heap);
	return 0;
}

/* ---- results ------------------------------------------------------------------------ */

void agree_set_coincidences(const struct agree_set *s, double *o)
{
	size_t n = s->nclass, i, c, k;

	memset(o, 0, n * n * sizeof *o);
	for (i = 0; i < s->nbuckets; i++) {
		const int64_t *b = s->buckets[i].pairs;
		double w = 1.0 / (double)(s->buckets[i].m - 1);

		for (c = 0; c < n; c++)
			for (k = 0; k < n; k++)
				o[c * n + k] += (double)b[c * s->cap + k] * w;
	}
}

void agree_set_alpha(const struct agree_set *s, enum agree_metric m, const double *value,
		     struct agree_alpha *out)
{
	double *o = xcalloc(s->nclass ? s->nclass * s->nclass : 1, sizeof *o);

	agree_set_coincidences(s, o);
	agree_alpha_matrix(o, s->nclass, s->nclass, m, value, out);
	free(o);
}

/* A matrix renumbered by perm (stride cap kept). */
static void permute_matrix(int64_t *m, size_t n, size_t cap, const uint32_t *perm)
{
	int64_t *t = new_matrix(cap);
	size_t c, k;

	for (c = 0; c < n; c++)
		for (k = 0; k < n; k++)
			t[perm[c] * cap + perm[k]] = m[c * cap + k];
	memcpy(m, t, cap * cap * sizeof *m);
	free(t);
}

void agree_set_reorder(struct agree_set *s, const uint32_t *perm)
{
	size_t i, j;

	for (i = 0; i < s->nbuckets; i++)
		permute_matrix(s->buckets[i].pairs, s->nclass, s->cap, perm);
	for (i = 0; i < s->npairs; i++)
		permute_matrix(s->pairs[i].m, s->nclass, s->cap, perm);
	for (i = 0; i < s->ntypes; i++) {
		uint8_t *k = s->keys + s->types[i].off;

		for (j = 0; j < s->types[i].m; j++)
			k[j] = (uint8_t)perm[k[j]];
		qsort(k, s->types[i].m, 1, cmp_u8);
	}
	reindex(s, &s->type_index, &s->cap_type_index, s->ntypes, type_hash_at);
}

void agree_set_free(struct agree_set *s)
{
	size_t i;

	for (i = 0; i < s->nbuckets; i++)
		free(s->buckets[i].pairs);
	for (i = 0; i < s->npairs; i++)
		free(s->pairs[i].m);
	free(s->buckets);
	free(s->pairs);
	free(s->pair_index);
	free(s->keys);
	free(s->types);
	free(s->type_index);
	memset(s, 0, sizeof *s);
}

/* ---- bootstrap ---------------------------------------------------------------------- */

uint64_t agree_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The high 64 bits of a * b. */
static uint64_t mul_hi(uint64_t a, uint64_t b)
{
	uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);

	return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* One distinct item in draw order: its classes and its count. */
struct boot_item {
	const uint8_t *key;
	size_t m;
	int64_t count;
};

static int cmp_item(const void *a, const void *b)
{
	const struct boot_item *x = a, *y = b;

	if (x->m != y->m)
		return x->m < y->m ? -1 : 1;
	return memcmp(x->key, y->key, x->m);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double quantile7(const double *v, size_t n, double q)
{
	double h = (double)(n - 1) * q, f = floor(h);
	size_t i = (size_t)f;

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - f) * (v[i + 1] - v[i]);
}

/* alpha of one resample: w[t] draws of order[t]. */
static void resample_alpha(const struct agree_set *s, const struct boot_item *order,
			   const int64_t *w, double *o, enum agree_metric m, const double *value,
			   struct agree_alpha *out)
{
	size_t n = s->nclass, t, i, j;

	memset(o, 0, n * n * sizeof *o);
	for (t = 0; t < s->ntypes; t++) {
		const uint8_t *k = order[t].key;
		size_t mt = order[t].m;
		double add;

		if (!w[t])
			continue;
		add = (double)w[t] / (double)(mt - 1);
		for (i = 0; i < mt; i++)
			for (j = 0; j < mt; j++)
				if (i != j)
					o[k[i] * n + k[j]] += add;
	}
	agree_alpha_matrix(o, n, n, m, value, out);
}

void agree_bootstrap(const struct agree_set *s, enum agree_metric m, const double *value,
		     uint64_t seed, size_t resamples, struct agree_ci *out)
{
	struct boot_item *order;
	int64_t *cum, *w, total = 0;
	double *alphas, *o;
	uint64_t state = seed;
	size_t b, t;

	memset(out, 0, sizeof *out);
	out->seed = seed;
	out->resamples = resamples;
	if (s->types_full) {
		out->undef = AGREE_TOO_MANY;
		return;
	}
	if (!s->ntypes || !resamples) {
		out->undef = AGREE_NO_PAIRS;
		return;
	}
	order = xcalloc(s->ntypes, sizeof *order);
	cum = xcalloc(s->ntypes, sizeof *cum);
	w = xcalloc(s->ntypes, sizeof *w);
	alphas = xcalloc(resamples, sizeof *alphas);
	o = xcalloc(s->nclass * s->nclass, sizeof *o);
	for (t = 0; t < s->ntypes; t++) {
		order[t].key = s->keys + s->types[t].off;
		order[t].m = s->types[t].m;
		order[t].count = s->types[t].count;
	}
	qsort(order, s->ntypes, sizeof *order, cmp_item);
	for (t = 0; t < s->ntypes; t++)
		cum[t] = total += order[t].count;
	for (b = 0; b < resamples; b++) {
		struct agree_alpha a;
		int64_t i;

		memset(w, 0, s->ntypes * sizeof *w);
		for (i = 0; i < total; i++) {
			int64_t r = (int64_t)mul_hi(agree_splitmix64(&state), (uint64_t)total);
			size_t lo = 0, hi = s->ntypes - 1;

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (cum[mid] > r)
					hi = mid;
				else
					lo = mid + 1;
			}
			w[lo]++;
		}
		resample_alpha(s, order, w, o, m, value, &a);
		if (a.undef == AGREE_DEFINED)
			alphas[out->used++] = a.alpha;
	}
	if (out->used) {
		qsort(alphas, out->used, sizeof *alphas, cmp_double);
		out->lo = quantile7(alphas, out->used, 0.025);
		out->hi = quantile7(alphas, out->used, 0.975);
	} else {
		out->undef = AGREE_NO_VARIATION;
	}
	free(order);
	free(cum);
	free(w);
	free(alphas);
	free(o);
}
