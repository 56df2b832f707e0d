/*
 * Fuzz target: the sanitiser for untrusted text (core/textbuf.h).
 *
 * Whatever bytes come in, what comes out must be safe to draw (see
 * fuzz_safe.h), one line per tb_put_untrusted call, one textbuf line per
 * input line with tb_put_untrusted_lines; text that needs no escape passes
 * through unchanged; sanitize_dup agrees with the textbuf path; text_fit
 * never cuts a character or exceeds its column budget.
 */
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/textbuf.h"
#include "fuzz_safe.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "C.UTF-8");
	return 0;
}

/* Does the input need no escape at all (valid UTF-8, nothing to escape)? */
static int all_plain(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(s + i, n - i, &cp);

		if (!len || cp_needs_escape(cp))
			return 0;
		i += (size_t)len;
	}
	return 1;
}

static size_t count_newlines(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct textbuf tb = { 0 };
	char *dup;
	size_t i, fit;
	int used, cols, indent;

	/* One call, one line. */
	tb_put_untrusted(&tb, SLOT_PREVIEW, s, size);
	if (tb.n != 1)
		FUZZ_FAIL("tb_put_untrusted made %zu lines", tb.n);
	fuzz_check_textbuf("tb_put_untrusted", &tb);
	if (all_plain(s, size) && (tb.lines[0].len != size ||
				   (size && memcmp(tb.lines[0].text, s, size) != 0)))
		FUZZ_FAIL("plain text was changed");

	/* sanitize_dup gives the same text. */
	dup = sanitize_dup(s, size);
	if (strcmp(dup, tb.lines[0].text ? tb.lines[0].text : "") != 0)
		FUZZ_FAIL("sanitize_dup differs from tb_put_untrusted");
	fuzz_check_safe("sanitize_dup", dup, strlen(dup));

	/* text_fit on the safe text, for a few budgets. */
	for (cols = 0; cols < 40; cols += 7) {
		fit = text_fit(dup, strlen(dup), cols, &used);
		if (fit > strlen(dup) || used > cols)
			FUZZ_FAIL("text_fit(%d) = %zu bytes, %d columns", cols, fit, used);
		if (fit < strlen(dup)) {
			uint32_t cp;

			if (!utf8_decode(dup + fit, strlen(dup) - fit, &cp))
				FUZZ_FAIL("text_fit(%d) cut a character", cols);
		}
		if (text_width(dup, fit) != used)
			FUZZ_FAIL("text_fit(%d): width %d, reported %d", cols,
				  text_width(dup, fit), used);
	}
	free(dup);
	tb_free(&tb);

	/* Multi-line text: one textbuf line per input line, indent kept. */
	indent = size ? data[0] % 9 : 0;
	tb_put_untrusted_lines(&tb, SLOT_JSON_STRING, s, size, indent);
	if (tb.n != count_newlines(s, size) + 1)
		FUZZ_FAIL("tb_put_untrusted_lines made %zu lines for %zu newlines", tb.n,
			  count_newlines(s, size));
	fuzz_check_textbuf("tb_put_untrusted_lines", &tb);
	for (i = 1; i < tb.n; i++)
		if (tb.lines[i].len < (size_t)indent ||
		    strspn(tb.lines[i].text ? tb.lines[i].text : "", " ") < (size_t)indent)
			FUZZ_FAIL("line %zu lost its indent of %d", i, indent);

	/* Mixed trusted and untrusted segments on one line stay consistent. */
	tb_newline(&tb);
	tb_put(&tb, SLOT_JSON_KEY, "key");
	tb_put_untrusted(&tb, SLOT_JSON_KEY, s, size / 2);
	tb_put(&tb, SLOT_JSON_PUNCT, ": ");
	tb_put_untrusted(&tb, SLOT_JSON_STRING, s + size / 2, size - size / 2);
	tb_putf(&tb, SLOT_DIM, " (%zu bytes: %.*s)", size, (int)(size < 600 ? size : 600), s);
	fuzz_check_textbuf("mixed", &tb);
	tb_free(&tb);
	return 0;
}
