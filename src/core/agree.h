#ifndef TB_CORE_AGREE_H
#define TB_CORE_AGREE_H
/*
 * Agreement statistics: how far raters (human annotators, LLM judges, code
 * scorers) give the same answers to the same items.  Pure arithmetic on
 * small integers: an item is one question (a feedback name on one trace or
 * span), an answer is a source's class on it (the caller maps stored values
 * to class indices and sources to source indices).
 *
 * Everything is accumulated item by item in one pass (struct agree_set);
 * nothing kept grows with the number of items:
 *
 *   - Krippendorff's alpha from the coincidence matrix, exactly as in
 *     Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011):
 *     an item with m >= 2 answers adds, for each ordered pair of its answers
 *     (i != j), 1/(m - 1) to o[v_i][v_j].  The counts are kept as integers
 *     per item size m (o = sum over m of pairs_m / (m - 1)), so the result
 *     does not depend on the order of the items.  Metrics: nominal,
 *     ordinal (class order = index order), interval and ratio (class values).
 *   - A 95% percentile bootstrap interval for alpha by resampling items with
 *     replacement (Efron & Tibshirani, "An Introduction to the Bootstrap",
 *     1993, ch. 13; the items-resampling bootstrap for alpha of Zapf et al.,
 *     BMC Medical Research Methodology 16:93, 2016).  The state is the
 *     histogram of distinct items (the multiset of classes an item got), at
 *     most AGREE_TYPES_MAX of them; the procedure is fixed (see
 *     agree_bootstrap) so that another implementation can reproduce it
 *     number for number.
 *   - Cohen's kappa and percent agreement from a confusion matrix: for each
 *     pair of human sources, and for each other source (judge, code) against
 *     the human consensus of the item (the class most humans gave, when one
 *     class has strictly the most votes).
 *   - Percent agreement of an item set: the share of items with two or more
 *     answers on which every answer is the same class.
 *
 * Ownership: a struct agree_set owns its arrays; agree_set_free releases
 * them and leaves it zeroed (AGREE_SET_INIT is an empty set).  Arrays passed
 * in are borrowed for the call.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Distinct classes (answers) of one question. */
#define AGREE_CLASSES_MAX 64
/* Distinct items the bootstrap keeps; beyond that it is not computed. */
#define AGREE_TYPES_MAX 4096
/* Bootstrap resamples. */
#define AGREE_RESAMPLES 1000
/* agree_pair.b of a source compared with the human consensus. */
#define AGREE_CONSENSUS UINT32_MAX

enum agree_metric {
	AGREE_NOMINAL = 0,
	AGREE_ORDINAL,
	AGREE_INTERVAL,
	AGREE_RATIO,
};

const char *agree_metric_name(enum agree_metric m); /* "nominal", ... */

/* Why a figure could not be computed. */
enum agree_undef {
	AGREE_DEFINED = 0,
	AGREE_NO_PAIRS,      /* no item has two answers (or the pair shares none) */
	AGREE_NO_VARIATION,  /* every answer is one and the same class: 0 / 0 */
	AGREE_TOO_MANY,      /* more distinct items than the bootstrap keeps */
};

const char *agree_undef_text(enum agree_undef u);

/* One answer to an item. */
struct agree_answer {
	uint32_t source;     /* the caller's index of the source */
	uint32_t cls;        /* class index, < AGREE_CLASSES_MAX */
	bool human;          /* a HUMAN source (else a judge or code) */
};

/* ---- alpha from a coincidence matrix ------------------------------------ */

struct agree_alpha {
	enum agree_undef undef;
	double alpha;
	double d_o, d_e;     /* observed and expected disagreement */
	double n;            /* pairable values */
};

/* alpha of a coincidence matrix o (nclass x nclass, row stride `stride`).
 * value[c] is the number of class c (interval and ratio; NULL otherwise);
 * for ordinal the classes must be in their order. */
void agree_alpha_matrix(const double *o, size_t nclass, size_t stride, enum agree_metric m,
			const double *value, struct agree_alpha *out);

/* ---- kappa ---------------------------------------------------------------- */

struct agree_kappa {
	enum agree_undef undef;  /* NO_PAIRS: n == 0; NO_VARIATION: p_e == 1 */
	int64_t n;               /* items both answered */
	int64_t agree;           /* ... with the same class */
	double p_o, p_e, kappa;
};

/* Cohen's kappa of a confusion matrix of counts (rows one rater, columns the
 * other): (p_o - p_e) / (1 - p_e), p_e = sum of row share x column share. */
void agree_kappa_matrix(const int64_t *m, size_t nclass, size_t stride, struct agree_kappa *out);

/* ---- one question, item by item --------------------------------------------- */

/* Coincidence pair counts of the items with m answers. */
struct agree_bucket {
	size_t m;
	int64_t *pairs;          /* cap x cap */
};

/* A confusion matrix of two raters: a (rows) and b (columns), a < b for two
 * humans, b = AGREE_CONSENSUS for a source against the human consensus. */
struct agree_pair {
	uint32_t a, b;
	int64_t *m;              /* cap x cap */
};

struct agree_set {
	size_t nclass;           /* classes seen: 0 .. nclass - 1 */
	size_t cap;              /* row stride of every matrix */
	int64_t items;           /* items with an answer */
	int64_t pairable;        /* items with two or more answers */
	int64_t unanimous;       /* pairable items whose answers are all one class */
	int64_t no_consensus;    /* items with a non-human answer and humans who tie */
	struct agree_bucket *buckets;
	size_t nbuckets, cap_buckets;
	struct agree_pair *pairs;
	size_t npairs, cap_pairs;
	uint32_t *pair_index;    /* open addressing over pairs, 0 = empty */
	size_t cap_index;
	/* The bootstrap's histogram of distinct items (sorted class lists). */
	uint8_t *keys;           /* every key's classes, one after another */
	size_t keys_len, keys_cap;
	struct agree_type {
		size_t off, m;       /* its classes: keys[off .. off + m) */
		int64_t count;
	} *types;
	size_t ntypes, cap_types;
	uint32_t *type_index;    /* open addressing over types, 0 = empty */
	size_t cap_type_index;
	bool types_full;         /* more than AGREE_TYPES_MAX distinct items */
};

#define AGREE_SET_INIT { 0 }

void agree_set_free(struct agree_set *s);

/* Adds one item: its answers, at most one per source (n may be 0 or 1: the
 * item is counted but not pairable).  Returns -1 (and adds nothing) when a
 * class is >= AGREE_CLASSES_MAX. */
int agree_set_add(struct agree_set *s, const struct agree_answer *a, size_t n);

/* Renumbers the classes: class c becomes perm[c] (perm a permutation of
 * 0 .. nclass - 1), in every matrix and in the bootstrap's items. */
void agree_set_reorder(struct agree_set *s, const uint32_t *perm);

/* The coincidence matrix (nclass x nclass, stride nclass) into o, which
 * holds at least nclass * nclass doubles. */
void agree_set_coincidences(const struct agree_set *s, double *o);

void agree_set_alpha(const struct agree_set *s, enum agree_metric m, const double *value,
		     struct agree_alpha *out);

/* The confusion matrix of a pair, or NULL when they never met. */
const struct agree_pair *agree_set_pair(const struct agree_set *s, uint32_t a, uint32_t b);

/* The human consensus of an item's answers: the class strictly most humans
 * gave, or -1 (no human, or a tie). */
int agree_consensus(const struct agree_answer *a, size_t n);

/* ---- bootstrap ------------------------------------------------------------------ */

struct agree_ci {
	enum agree_undef undef;  /* NO_PAIRS, TOO_MANY, or NO_VARIATION when no
	                            resample had an alpha */
	uint64_t seed;
	size_t resamples;        /* drawn */
	size_t used;             /* resamples whose alpha is defined */
	double lo, hi;           /* 2.5% and 97.5% quantiles */
};

/* The percentile interval of alpha over `resamples` resamples of the set's
 * pairable items, drawn as follows (every step is integer arithmetic, so
 * the draws are the same anywhere):
 *   1. the distinct items, each a sorted list of classes, in order of their
 *      number of answers and then their classes lexicographically, with
 *      their counts; N = the number of pairable items;
 *   2. a splitmix64 generator (Steele, Lea & Flood 2014) starting at `seed`;
 *      each resample draws N items: r = high 64 bits of (next() * N), the
 *      item is the first whose cumulative count exceeds r;
 *   3. alpha of each resample (agree_alpha_matrix over its coincidences);
 *      resamples without an alpha are left out (`used` counts the others);
 *   4. lo and hi are the 0.025 and 0.975 quantiles of the sorted alphas,
 *      linearly interpolated (h = (used - 1) q, Hyndman & Fan's type 7).
 * Memory: one resample's counts per distinct item. */
void agree_bootstrap(const struct agree_set *s, enum agree_metric m, const double *value,
		     uint64_t seed, size_t resamples, struct agree_ci *out);

/* The generator of agree_bootstrap (exposed for tests). */
uint64_t agree_splitmix64(uint64_t *state);

#endif
