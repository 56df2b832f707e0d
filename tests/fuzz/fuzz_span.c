/*
 * Fuzz target: span JSON (json/span.h) and its rendering (json/render.h).
 *
 * The input is one span dict in any form.  It goes through span_parse,
 * span_detail_parse, spans_parse_traces_json (as a traces.json file, then
 * the span tree is built and walked) and the id normalisers.  Checks:
 *   - a parsed span has a 16-hex id, a 16-hex or NULL parent, and owns a
 *     copy of the content; a failed parse leaves the span empty;
 *   - span detail attributes and event attributes are valid JSON, and
 *     inputs/outputs point at one of the attributes;
 *   - the tree walk over any set of parents visits each span at most once
 *     and ends;
 *   - every line rendered from the span (JSON, chat, attributes, events)
 *     is safe to draw (fuzz_safe.h).
 */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "core/textbuf.h"
#include "json/chat.h"
#include "json/jtree.h"
#include "json/span.h"
#include "json/render.h"
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

static void check_hex(const char *what, const char *s, size_t n)
{
	size_t i;

	if (!s || strlen(s) != n)
		FUZZ_FAIL("%s: [%s] is not %zu hex digits", what, s ? s : "(null)", n);
	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			FUZZ_FAIL("%s: [%s] is not lowercase hex", what, s);
}

static void check_span(const struct span *s, const char *src, size_t len)
{
	check_hex("span id", s->id, 16);
	if (s->parent_id)
		check_hex("parent id", s->parent_id, 16);
	if (src && (!s->content || strlen(s->content) != strnlen(src, len) ||
		    memcmp(s->content, src, strlen(s->content)) != 0))
		FUZZ_FAIL("span content is not a copy of the input");
}

static void check_detail(const struct span_detail *d)
{
	size_t i;
	int in_ok = !d->inputs, out_ok = !d->outputs;

	for (i = 0; i < d->nattrs; i++) {
		const struct span_attr *a = &d->attrs[i];

		if (!a->key || !a->json)
			FUZZ_FAIL("attribute %zu without key or value", i);
		if (!jt_valid(a->json, strlen(a->json)))
			FUZZ_FAIL("attribute %s: value is not JSON: %.200s", a->key, a->json);
		if (d->inputs == a->json)
			in_ok = 1;
		if (d->outputs == a->json)
			out_ok = 1;
	}
	if (!in_ok || !out_ok)
		FUZZ_FAIL("inputs/outputs do not point at an attribute");
	if (d->nexceptions > d->nevents)
		FUZZ_FAIL("%zu exceptions among %zu events", d->nexceptions, d->nevents);
	for (i = 0; i < d->nevents; i++)
		if (d->events[i].attrs_json &&
		    !jt_valid(d->events[i].attrs_json, strlen(d->events[i].attrs_json)))
			FUZZ_FAIL("event %zu attributes are not JSON", i);
}

static void walk_tree(struct trace *t)
{
	size_t i, visits = 0;

	span_tree_build(t);
	for (i = t->first_root; i != SPAN_NONE; i = span_tree_next(t, i, false)) {
		if (i >= t->nspans)
			FUZZ_FAIL("tree walk reached index %zu of %zu", i, t->nspans);
		if (++visits > t->nspans)
			FUZZ_FAIL("tree walk visits more than %zu spans", t->nspans);
	}
	if (t->nspans && visits != t->nspans)
		FUZZ_FAIL("tree walk visits %zu of %zu spans", visits, t->nspans);
	visits = 0;
	for (i = t->first_root; i != SPAN_NONE; i = span_tree_next(t, i, true))
		if (++visits > t->nspans)
			FUZZ_FAIL("folded walk visits more than %zu spans", t->nspans);
}

static void render_all(const struct span_detail *d, const char *text, size_t len)
{
	struct textbuf tb = { 0 };
	struct json_render_opts o;
	struct json_folds folds = { 0 };

	json_render(text, len, NULL, &tb);
	fuzz_check_textbuf("json_render", &tb);
	tb_free(&tb);

	/* Folded nodes, a small string cap and a line limit. */
	memset(&o, 0, sizeof o);
	json_folds_set(&folds, 1, true);
	json_folds_set(&folds, 3, true);
	o.folds = &folds;
	o.string_cap = 7;
	o.max_lines = 50;
	o.indent = 2;
	json_render(text, len, &o, &tb);
	fuzz_check_textbuf("json_render (folded, capped)", &tb);
	if (tb.n > 50 + 2)
		FUZZ_FAIL("json_render made %zu lines with max_lines 50", tb.n);
	tb_free(&tb);
	json_folds_free(&folds);

	if (d) {
		chat_render(d, &tb);
		fuzz_check_textbuf("chat_render", &tb);
		tb_free(&tb);
		attrs_render(d, 0, &tb);
		attrs_render(d, ATTRS_SKIP_IO, &tb);
		fuzz_check_textbuf("attrs_render", &tb);
		tb_free(&tb);
		events_render(d, &tb);
		fuzz_check_textbuf("events_render", &tb);
		tb_free(&tb);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct span s;
	struct span_detail d;
	struct trace t;
	struct err err = { 0 };
	char *rid = NULL, hex16[17], hex32[33];
	int have_detail;

	memcpy(text, data, size);
	text[size] = '\0';

	memset(&s, 0, sizeof s);
	if (span_parse(text, size, &s, &rid, &err) == 0) {
		check_span(&s, text, size);
	} else {
		if (s.id || s.parent_id || s.name || s.type || s.content || rid)
			FUZZ_FAIL("failed span_parse left data behind");
		if (err.code != ERR_PARSE || !err.msg[0])
			FUZZ_FAIL("span_parse failed with code %d and message [%s]", (int)err.code,
				  err.msg);
	}
	span_free(&s);
	free(rid);

	memset(&d, 0, sizeof d);
	err_clear(&err);
	have_detail = span_detail_parse(text, &d, &err) == 0;
	if (have_detail)
		check_detail(&d);
	else if (!err.msg[0])
		FUZZ_FAIL("span_detail_parse failed without a message");

	render_all(have_detail ? &d : NULL, text, size);
	if (have_detail && d.inputs)
		render_all(NULL, d.inputs, strlen(d.inputs));
	span_detail_free(&d);

	memset(&t, 0, sizeof t);
	err_clear(&err);
	if (spans_parse_traces_json(text, size, &t, &err) == 0) {
		size_t i;

		for (i = 0; i < t.nspans; i++)
			check_span(&t.spans[i], NULL, 0);
		walk_tree(&t);
	}
	trace_free(&t);

	if (size <= 64) {
		if (span_id_normalize(text, hex16) == 0)
			check_hex("span_id_normalize", hex16, 16);
		if (trace_id_normalize(text, hex32) == 0)
			check_hex("trace_id_normalize", hex32, 32);
	}
	free(text);
	return 0;
}
