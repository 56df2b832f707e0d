/*
 * The agreement statistics (core/agree.h) against published worked examples
 * with known answers, edge cases, and brute-force definitions computed here
 * independently of the coincidence matrix.
 *
 * Sources of the expected values:
 *   K2011  Krippendorff, K. (2011). Computing Krippendorff's Alpha-
 *          Reliability. Annenberg School for Communication, University of
 *          Pennsylvania (repository.upenn.edu/asc_papers/43): section A
 *          (binary, 2 observers: alpha = 0.095), B (nominal, 2 observers:
 *          0.692), C (nominal, 4 observers, missing data: 0.743; n = 40
 *          pairable values) and the same data as ordinal (0.815), interval
 *          (0.849) and ratio (0.797).
 *   KCA    The 3-coder, 15-unit example of Krippendorff's Content Analysis,
 *          as worked in Wikipedia's "Krippendorff's alpha" article: nominal
 *          0.691, interval 0.811.
 *   WIKI   Wikipedia, "Cohen's kappa", worked example (20/5/10/15 of 50:
 *          p_o = 0.7, p_e = 0.5, kappa = 0.4) and its "same percentage,
 *          different kappa" tables (45/15/25/15: 0.1304; 25/35/5/35:
 *          0.2593).
 *   SAS    SAS/STAT PROC FREQ agreement example, table [[0,4,1],[0,8,0],
 *          [0,1,5]]: simple kappa 0.4842 (also in statsmodels'
 *          test_inter_rater.py).
 */
#include <math.h>
#include <stdbool.h>

#include "core/agree.h"
#include "core/util.h"
#include "test.h"

#define NA (-1)
#define CLOSE(a, b, eps) (fabs((a) - (b)) <= (eps))
#define CHECK_NEAR(a, b, eps) do { \
	double x_ = (a), y_ = (b); \
	if (!CLOSE(x_, y_, eps)) { \
		printf("    %s:%d: %s == %.9f, expected %.9f\n", __FILE__, __LINE__, #a, x_, y_); \
		test_failed_checks++; \
	} \
} while (0)

/* Reliability data: raters x units, NA for missing; values are class
 * indices.  Rater r is human unless judge[r]. */
static void fill(struct agree_set *s, const int *data, size_t raters, size_t units,
		 const bool *judge)
{
	struct agree_answer a[16];
	size_t u, r, n;

	for (u = 0; u < units; u++) {
		for (n = 0, r = 0; r < raters; r++) {
			int v = data[r * units + u];

			if (v == NA)
				continue;
			a[n].source = (uint32_t)r;
			a[n].cls = (uint32_t)v;
			a[n].human = !(judge && judge[r]);
			n++;
		}
		CHECK_INT(agree_set_add(s, a, n), 0);
	}
}

static double alpha_of(const int *data, size_t raters, size_t units, enum agree_metric m,
		       const double *value)
{
	struct agree_set s = AGREE_SET_INIT;
	struct agree_alpha a;

	fill(&s, data, raters, units, NULL);
	agree_set_alpha(&s, m, value, &a);
	agree_set_free(&s);
	return a.undef == AGREE_DEFINED ? a.alpha : NAN;
}

/* ---- K2011 ---------------------------------------------------------------------- */

TEST(k2011_a_binary_two_observers)
{
	static const int d[] = {
		0, 1, 0, 0, 0, 0, 0, 0, 1, 0,
		1, 1, 1, 0, 0, 1, 0, 0, 0, 0,
	};
	struct agree_set s = AGREE_SET_INIT;
	double o[4];

	CHECK_NEAR(alpha_of(d, 2, 10, AGREE_NOMINAL, NULL), 0.095, 0.0005);
	/* The paper's coincidence matrix: o00 = 10, o01 = o10 = 4, o11 = 2. */
	fill(&s, d, 2, 10, NULL);
	agree_set_coincidences(&s, o);
	CHECK_NEAR(o[0], 10, 0);
	CHECK_NEAR(o[1], 4, 0);
	CHECK_NEAR(o[2], 4, 0);
	CHECK_NEAR(o[3], 2, 0);
	agree_set_free(&s);
}

TEST(k2011_b_nominal_two_observers)
{
	/* a b c d e = 0 1 2 3 4 */
	static const int d[] = {
		0, 0, 1, 1, 3, 2, 2, 2, 4, 3, 3, 0,
		1, 0, 1, 1, 1, 2, 2, 2, 4, 3, 3, 3,
	};

	CHECK_NEAR(alpha_of(d, 2, 12, AGREE_NOMINAL, NULL), 0.692, 0.0005);
}

/* Section C's data: 4 observers, 12 units, values 1..5 (class v - 1). */
static const int k2011_c[] = {
	0, 1, 2, 2, 1, 0, 3, 0, 1, NA, NA, NA,
	0, 1, 2, 2, 1, 1, 3, 0, 1, 4, NA, 2,
	NA, 2, 2, 2, 1, 2, 3, 1, 1, 4, 0, NA,
	0, 1, 2, 2, 1, 3, 3, 0, 1, 4, 0, NA,
};
static const double values_1_5[] = { 1, 2, 3, 4, 5 };

TEST(k2011_c_nominal_missing_data)
{
	struct agree_set s = AGREE_SET_INIT;
	struct agree_alpha a;

	fill(&s, k2011_c, 4, 12, NULL);
	agree_set_alpha(&s, AGREE_NOMINAL, NULL, &a);
	CHECK_INT(a.undef, AGREE_DEFINED);
	CHECK_NEAR(a.alpha, 0.743, 0.0005);
	CHECK_NEAR(a.n, 40, 0);
	CHECK_INT(s.items, 12);
	CHECK_INT(s.pairable, 11);      /* unit 12 has one value */
	CHECK_INT(s.unanimous, 8);      /* units 1 3 4 5 7 9 10 11 */
	agree_set_free(&s);
}

TEST(k2011_c_ordinal_interval_ratio)
{
	CHECK_NEAR(alpha_of(k2011_c, 4, 12, AGREE_ORDINAL, NULL), 0.815, 0.0005);
	CHECK_NEAR(alpha_of(k2011_c, 4, 12, AGREE_INTERVAL, values_1_5), 0.849, 0.0005);
	CHECK_NEAR(alpha_of(k2011_c, 4, 12, AGREE_RATIO, values_1_5), 0.797, 0.0005);
}

TEST(kca_three_coders_fifteen_units)
{
	/* values 1..4 as classes 0..3 */
	static const int d[] = {
		NA, NA, NA, NA, NA, 2, 3, 0, 1, 0, 0, 2, 2, NA, 2,
		0, NA, 1, 0, 2, 2, 3, 2, NA, NA, NA, NA, NA, NA, NA,
		NA, NA, 1, 0, 2, 3, 3, NA, 1, 0, 0, 2, 2, NA, 3,
	};

	CHECK_NEAR(alpha_of(d, 3, 15, AGREE_NOMINAL, NULL), 0.691358, 0.0000005);
	CHECK_NEAR(alpha_of(d, 3, 15, AGREE_INTERVAL, values_1_5), 0.810845, 0.0000005);
}

/* ---- kappa ------------------------------------------------------------------------ */

static double kappa_of(const int64_t *m, size_t n)
{
	struct agree_kappa k;

	agree_kappa_matrix(m, n, n, &k);
	return k.undef == AGREE_DEFINED ? k.kappa : NAN;
}

TEST(kappa_textbook_tables)
{
	static const int64_t wiki[] = { 20, 5, 10, 15 };
	static const int64_t wiki2[] = { 45, 15, 25, 15 };
	static const int64_t wiki3[] = { 25, 35, 5, 35 };
	static const int64_t sas[] = { 0, 4, 1, 0, 8, 0, 0, 1, 5 };
	struct agree_kappa k;

	agree_kappa_matrix(wiki, 2, 2, &k);
	CHECK_INT(k.n, 50);
	CHECK_INT(k.agree, 35);
	CHECK_NEAR(k.p_o, 0.7, 1e-12);
	CHECK_NEAR(k.p_e, 0.5, 1e-12);
	CHECK_NEAR(k.kappa, 0.4, 1e-12);
	CHECK_NEAR(kappa_of(wiki2, 2), 0.1304, 0.00005);
	CHECK_NEAR(kappa_of(wiki3, 2), 0.2593, 0.00005);
	CHECK_NEAR(kappa_of(sas, 3), 0.4842, 0.00005);
}

TEST(kappa_edges)
{
	static const int64_t opposite[] = { 0, 5, 5, 0 };
	static const int64_t same[] = { 7, 0, 0, 0 };
	static const int64_t none[] = { 0, 0, 0, 0 };
	static const int64_t perfect[] = { 3, 0, 0, 4 };
	struct agree_kappa k;

	CHECK_NEAR(kappa_of(opposite, 2), -1, 1e-12);
	CHECK_NEAR(kappa_of(perfect, 2), 1, 1e-12);
	agree_kappa_matrix(same, 2, 2, &k);
	CHECK_INT(k.undef, AGREE_NO_VARIATION);
	CHECK_NEAR(k.p_o, 1, 0);
	agree_kappa_matrix(none, 2, 2, &k);
	CHECK_INT(k.undef, AGREE_NO_PAIRS);
}

/* ---- alpha edge cases ---------------------------------------------------------------- */

TEST(alpha_one_rater_is_undefined)
{
	static const int d[] = { 0, 1, 1, 0, 2 };
	struct agree_set s = AGREE_SET_INIT;
	struct agree_alpha a;
	struct agree_ci ci;

	fill(&s, d, 1, 5, NULL);
	agree_set_alpha(&s, AGREE_NOMINAL, NULL, &a);
	CHECK_INT(a.undef, AGREE_NO_PAIRS);
	CHECK_INT(s.items, 5);
	CHECK_INT(s.pairable, 0);
	agree_bootstrap(&s, AGREE_NOMINAL, NULL, 1, 100, &ci);
	CHECK_INT(ci.undef, AGREE_NO_PAIRS);
	agree_set_free(&s);
}

TEST(alpha_one_class_is_undefined)
{
	static const int d[] = { 2, 2, 2, 2, 2, 2, NA, 2, 2 };
	struct agree_set s = AGREE_SET_INIT;
	struct agree_alpha a;
	struct agree_ci ci;

	fill(&s, d, 3, 3, NULL);
	agree_set_alpha(&s, AGREE_NOMINAL, NULL, &a);
	CHECK_INT(a.undef, AGREE_NO_VARIATION);
	CHECK_INT(s.unanimous, 3);
	agree_bootstrap(&s, AGREE_NOMINAL, NULL, 1, 50, &ci);
	CHECK_INT(ci.undef, AGREE_NO_VARIATION);
	CHECK_INT(ci.used, 0);
	agree_set_free(&s);
}

TEST(alpha_perfect_agreement_and_disagreement)
{
	static const int agree[] = { 0, 1, 1, 0, 1, 0, 1, 1, 0, 1 };
	static const int oppose[] = { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 };
	struct agree_set s = AGREE_SET_INIT;
	struct agree_ci ci;

	CHECK_NEAR(alpha_of(agree, 2, 5, AGREE_NOMINAL, NULL), 1, 1e-12);
	/* Five units, every pair split: alpha = (1 - N) / N = -0.8. */
	CHECK_NEAR(alpha_of(oppose, 2, 5, AGREE_NOMINAL, NULL), -0.8, 1e-12);
	/* Every resample of perfect agreement that has both classes says 1. */
	fill(&s, agree, 2, 5, NULL);
	agree_bootstrap(&s, AGREE_NOMINAL, NULL, 7, 200, &ci);
	CHECK_INT(ci.undef, AGREE_DEFINED);
	CHECK(ci.used > 150 && ci.used < 200);   /* some draw only one class */
	CHECK_NEAR(ci.lo, 1, 1e-12);
	CHECK_NEAR(ci.hi, 1, 1e-12);
	agree_set_free(&s);
}

TEST(alpha_class_limit)
{
	struct agree_set s = AGREE_SET_INIT;
	struct agree_answer a[2] = { { 0, 3, true }, { 1, AGREE_CLASSES_MAX, true } };

	CHECK_INT(agree_set_add(&s, a, 2), -1);
	CHECK_INT(s.items, 0);
	a[1].cls = AGREE_CLASSES_MAX - 1;
	CHECK_INT(agree_set_add(&s, a, 2), 0);
	CHECK_INT(s.nclass, AGREE_CLASSES_MAX);
	agree_set_free(&s);
}

/* ---- brute force ------------------------------------------------------------------------ */

static uint64_t rng_state = 12345;

static unsigned rnd(unsigned n)
{
	return (unsigned)(agree_splitmix64(&rng_state) % n);
}

/* delta^2 straight from the definitions; marg[] counts the pairable values. */
static double naive_delta2(enum agree_metric m, int c, int k, const double *value,
			   const int *marg)
{
	double d;
	int g, below = 0, upto = 0, lo = c < k ? c : k, hi = c < k ? k : c;

	if (c == k)
		return 0;
	switch (m) {
	case AGREE_NOMINAL:
		return 1;
	case AGREE_ORDINAL:
		/* the values strictly between c and k, plus half of c's and k's:
		 * prefix counts up to hi minus those below lo */
		for (g = 0; g <= hi; g++) {
			upto += marg[g];
			if (g < lo)
				below += marg[g];
		}
		d = (upto - below) - (marg[lo] + marg[hi]) / 2.0;
		return d * d;
	case AGREE_INTERVAL:
		return (value[c] - value[k]) * (value[c] - value[k]);
	case AGREE_RATIO:
		d = (value[c] - value[k]) / (value[c] + value[k]);
		return d * d;
	}
	return 0;
}

/* alpha = 1 - (n - 1) * sum_u sum_{i != j in u} d(i, j) / (m_u - 1)
 *                      / sum_{i != j over all pairable values} d(i, j),
 * looping over the values themselves: no coincidence matrix. */
static double naive_alpha(const int *d, size_t raters, size_t units, enum agree_metric m,
			  const double *value)
{
	int vals[4096], unit_of[4096], msize[4096], marg[16] = { 0 };
	size_t nv = 0, u, r, i, j;
	double within = 0, all = 0;

	for (u = 0; u < units; u++) {
		size_t cnt = 0;

		for (r = 0; r < raters; r++)
			cnt += d[r * units + u] != NA;
		if (cnt < 2)
			continue;
		for (r = 0; r < raters; r++) {
			if (d[r * units + u] == NA)
				continue;
			vals[nv] = d[r * units + u];
			unit_of[nv] = (int)u;
			msize[nv] = (int)cnt;
			marg[vals[nv]]++;
			nv++;
		}
	}
	if (nv < 2)
		return NAN;
	for (i = 0; i < nv; i++) {
		for (j = 0; j < nv; j++) {
			double x;

			if (i == j)
				continue;
			x = naive_delta2(m, vals[i], vals[j], value, marg);
			all += x;
			if (unit_of[i] == unit_of[j])
				within += x / (msize[i] - 1);
		}
	}
	if (all == 0)
		return NAN;
	return 1 - (double)(nv - 1) * within / all;
}

TEST(alpha_equals_pairwise_definition_2_to_10_raters)
{
	static const enum agree_metric metrics[] = { AGREE_NOMINAL, AGREE_ORDINAL,
						     AGREE_INTERVAL, AGREE_RATIO };
	static const double value[] = { 1, 2, 3.5, 4, 7, 9 };
	int d[10 * 40];
	size_t raters, trial, mi, i, compared = 0;

	for (raters = 2; raters <= 10; raters++) {
		for (trial = 0; trial < 20; trial++) {
			size_t units = 3 + rnd(38);
			unsigned classes = 2 + rnd(5), missing = rnd(60);

			for (i = 0; i < raters * units; i++)
				d[i] = rnd(100) < missing ? NA : (int)rnd(classes);
			for (mi = 0; mi < 4; mi++) {
				double want = naive_alpha(d, raters, units, metrics[mi], value);
				double got = alpha_of(d, raters, units, metrics[mi], value);

				if (isnan(want)) {
					CHECK(isnan(got));
					continue;
				}
				CHECK_NEAR(got, want, 1e-9);
				compared++;
			}
		}
	}
	CHECK(compared > 500);
}

TEST(alpha_does_not_depend_on_item_order)
{
	struct agree_set a = AGREE_SET_INIT, b = AGREE_SET_INIT;
	struct agree_answer items[200][3];
	struct agree_alpha x, y;
	size_t i, j;

	for (i = 0; i < 200; i++)
		for (j = 0; j < 3; j++)
			items[i][j] = (struct agree_answer){ (uint32_t)j, rnd(4), true };
	for (i = 0; i < 200; i++)
		agree_set_add(&a, items[i], 2 + (i % 2));
	for (i = 200; i-- > 0;)
		agree_set_add(&b, items[i], 2 + (i % 2));
	agree_set_alpha(&a, AGREE_ORDINAL, NULL, &x);
	agree_set_alpha(&b, AGREE_ORDINAL, NULL, &y);
	CHECK(x.alpha == y.alpha);   /* bit for bit: the counts are integers */
	agree_set_free(&a);
	agree_set_free(&b);
}

TEST(reorder_renumbers_every_matrix)
{
	/* Classes first seen as 0 = "yes", 1 = "no"; reordered no < yes. */
	static const int d[] = {
		0, 1, 0, 0, 1, 0,
		0, 1, 1, 0, 1, NA,
		1, 1, 0, 0, 0, 0,
	};
	static const bool judge[] = { false, false, true };
	static const uint32_t perm[] = { 1, 0 };
	struct agree_set s = AGREE_SET_INIT;
	const struct agree_pair *hh, *jc;
	struct agree_alpha before, after;
	int64_t h00, h01, h10, h11, j01;

	fill(&s, d, 3, 6, judge);
	hh = agree_set_pair(&s, 0, 1);
	jc = agree_set_pair(&s, 2, AGREE_CONSENSUS);
	CHECK(hh != NULL && jc != NULL);
	CHECK_NULL(agree_set_pair(&s, 1, 0));
	if (!hh || !jc)
		goto out;
	h00 = hh->m[0];
	h01 = hh->m[1];
	h10 = hh->m[s.cap];
	h11 = hh->m[s.cap + 1];
	j01 = jc->m[1];
	CHECK_INT(h00 + h01 + h10 + h11, 5);
	agree_set_alpha(&s, AGREE_NOMINAL, NULL, &before);
	agree_set_reorder(&s, perm);
	agree_set_alpha(&s, AGREE_NOMINAL, NULL, &after);
	CHECK_NEAR(after.alpha, before.alpha, 1e-12);
	CHECK_INT(hh->m[0], h11);
	CHECK_INT(hh->m[1], h10);
	CHECK_INT(hh->m[s.cap], h01);
	CHECK_INT(jc->m[s.cap], j01);
out:
	agree_set_free(&s);
}

TEST(consensus_and_judge_matrix)
{
	/* Humans 0, 1, 2 and a judge 3 on five items. */
	static const int d[] = {
		1, 0, 1, 1, NA,
		1, 0, 0, 1, 0,
		0, NA, 1, 1, NA,
		1, 1, 0, 0, 1,
	};
	static const bool judge[] = { false, false, false, true };
	struct agree_answer tie[3] = { { 0, 0, true }, { 1, 1, true }, { 9, 1, false } };
	struct agree_set s = AGREE_SET_INIT;
	const struct agree_pair *jc;

	CHECK_INT(agree_consensus(tie, 3), -1);
	tie[1].cls = 0;
	CHECK_INT(agree_consensus(tie, 3), 0);
	CHECK_INT(agree_consensus(tie + 2, 1), -1);
	fill(&s, d, 4, 5, judge);
	/* Consensus per item: 1, 0, 1, 1, (item 5: only human 1 -> 0). */
	jc = agree_set_pair(&s, 3, AGREE_CONSENSUS);
	CHECK(jc != NULL);
	if (jc) {
		CHECK_INT(jc->m[1 * s.cap + 1], 1);   /* item 1: judge 1, humans 1 */
		CHECK_INT(jc->m[1 * s.cap + 0], 2);   /* items 2 and 5 */
		CHECK_INT(jc->m[0 * s.cap + 1], 2);   /* items 3 and 4 */
		CHECK_INT(jc->m[0], 0);
	}
	CHECK_INT(s.no_consensus, 0);
	agree_set_free(&s);
}

/* ---- bootstrap ------------------------------------------------------------------------------ */

struct flat_item {
	uint8_t cls[8];
	size_t m;
};

/* The draw order as one number: the item's size, then its classes (each
 * below 16), most significant first. */
static uint64_t flat_key(const struct flat_item *it)
{
	uint64_t k = it->m;
	size_t i;

	for (i = 0; i < 8; i++)
		k = k << 4 | (i < it->m ? it->cls[i] : 0);
	return k;
}

static int by_key(const void *a, const void *b)
{
	uint64_t x = flat_key(a), y = flat_key(b);

	return x < y ? -1 : x > y;
}

static int cmp_u8s(const void *a, const void *b)
{
	return (int)*(const uint8_t *)a - (int)*(const uint8_t *)b;
}

/* Insertion sort: the resamples are few. */
static void sort_doubles(double *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static uint64_t hi64(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

/* The documented procedure on the items themselves, kept one by one. */
static void naive_bootstrap(struct flat_item *items, size_t n, size_t nclass, uint64_t seed,
			    size_t resamples, double *lo, double *hi, size_t *used)
{
	double *alphas = xcalloc(resamples, sizeof *alphas), o[64];
	uint64_t st = seed;
	size_t b, i, j, k;

	qsort(items, n, sizeof *items, by_key);
	*used = 0;
	for (b = 0; b < resamples; b++) {
		struct agree_alpha a;

		memset(o, 0, sizeof o);
		for (i = 0; i < n; i++) {
			const struct flat_item *it = &items[hi64(agree_splitmix64(&st), n)];

			for (j = 0; j < it->m; j++)
				for (k = 0; k < it->m; k++)
					if (j != k)
						o[it->cls[j] * nclass + it->cls[k]] +=
							1.0 / (double)(it->m - 1);
		}
		agree_alpha_matrix(o, nclass, nclass, AGREE_NOMINAL, NULL, &a);
		if (a.undef == AGREE_DEFINED)
			alphas[(*used)++] = a.alpha;
	}
	sort_doubles(alphas, *used);
	{
		double h = (double)(*used - 1) * 0.025, f = floor(h);

		*lo = alphas[(size_t)f] + (h - f) * (alphas[(size_t)f + 1] - alphas[(size_t)f]);
		h = (double)(*used - 1) * 0.975;
		f = floor(h);
		*hi = alphas[(size_t)f] + (h - f) * (alphas[(size_t)f + 1] - alphas[(size_t)f]);
	}
	free(alphas);
}

TEST(bootstrap_is_the_documented_procedure)
{
	struct agree_set s = AGREE_SET_INIT;
	struct flat_item items[300];
	struct agree_answer a[4];
	struct agree_alpha al;
	struct agree_ci ci, again, other;
	double lo, hi;
	size_t i, j, used;

	for (i = 0; i < 300; i++) {
		items[i].m = 2 + rnd(3);
		for (j = 0; j < items[i].m; j++) {
			/* mostly agreeing raters */
			a[j].source = (uint32_t)j;
			a[j].cls = j && rnd(4) ? a[0].cls : rnd(3);
			a[j].human = true;
			items[i].cls[j] = (uint8_t)a[j].cls;
		}
		qsort(items[i].cls, items[i].m, 1, cmp_u8s);
		agree_set_add(&s, a, items[i].m);
	}
	agree_set_alpha(&s, AGREE_NOMINAL, NULL, &al);
	agree_bootstrap(&s, AGREE_NOMINAL, NULL, 42, 300, &ci);
	CHECK_INT(ci.undef, AGREE_DEFINED);
	CHECK_INT(ci.used, 300);
	CHECK(ci.lo < al.alpha && al.alpha < ci.hi);
	CHECK(ci.hi - ci.lo < 0.3);
	naive_bootstrap(items, 300, s.nclass, 42, 300, &lo, &hi, &used);
	CHECK_INT(used, 300);
	CHECK_NEAR(ci.lo, lo, 1e-12);
	CHECK_NEAR(ci.hi, hi, 1e-12);
	agree_bootstrap(&s, AGREE_NOMINAL, NULL, 42, 300, &again);
	CHECK(again.lo == ci.lo && again.hi == ci.hi);
	agree_bootstrap(&s, AGREE_NOMINAL, NULL, 43, 300, &other);
	CHECK(other.lo != ci.lo || other.hi != ci.hi);
	agree_set_free(&s);
}

TEST(bootstrap_memory_is_bounded)
{
	struct agree_set s = AGREE_SET_INIT;
	struct agree_answer a[4];
	struct agree_ci ci;
	unsigned i, j;

	/* 4 answers of 10 classes: far more than AGREE_TYPES_MAX multisets are
	 * possible only with many classes; use 4 answers of 64 classes. */
	for (i = 0; i < 20000 && !s.types_full; i++) {
		for (j = 0; j < 4; j++)
			a[j] = (struct agree_answer){ j, rnd(AGREE_CLASSES_MAX), true };
		agree_set_add(&s, a, 4);
	}
	CHECK(s.types_full);
	CHECK_INT(s.ntypes, AGREE_TYPES_MAX);
	agree_bootstrap(&s, AGREE_NOMINAL, NULL, 1, 10, &ci);
	CHECK_INT(ci.undef, AGREE_TOO_MANY);
	agree_set_free(&s);
}

TEST(splitmix64_reference_values)
{
	/* The first outputs for seed 0 (Vigna's reference splitmix64.c). */
	uint64_t st = 0;

	CHECK(agree_splitmix64(&st) == 0xe220a8397b1dcdafull);
	CHECK(agree_splitmix64(&st) == 0x6e789e6aa1b965f4ull);
	CHECK(agree_splitmix64(&st) == 0x06c45d188009454full);
}

int main(void)
{
	RUN(k2011_a_binary_two_observers);
	RUN(k2011_b_nominal_two_observers);
	RUN(k2011_c_nominal_missing_data);
	RUN(k2011_c_ordinal_interval_ratio);
	RUN(kca_three_coders_fifteen_units);
	RUN(kappa_textbook_tables);
	RUN(kappa_edges);
	RUN(alpha_one_rater_is_undefined);
	RUN(alpha_one_class_is_undefined);
	RUN(alpha_perfect_agreement_and_disagreement);
	RUN(alpha_class_limit);
	RUN(alpha_equals_pairwise_definition_2_to_10_raters);
	RUN(alpha_does_not_depend_on_item_order);
	RUN(reorder_renumbers_every_matrix);
	RUN(consensus_and_judge_matrix);
	RUN(bootstrap_is_the_documented_procedure);
	RUN(bootstrap_memory_is_bounded);
	RUN(splitmix64_reference_values);
	TEST_MAIN_END();
}
