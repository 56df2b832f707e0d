#ifndef TB_JSON_RENDER_H
#define TB_JSON_RENDER_H
/*
 * JSON and span detail into styled lines (core/textbuf.h), for the detail
 * pane and for plain-text output.  Nothing here draws: the UI turns the
 * lines into screen cells.
 *
 *   json_render    pretty JSON, 2-space indent, folding, bounded output
 *   attrs_render   span attributes as "key: value"
 *   events_render  span events, exceptions with their stack traces
 *
 * Everything that comes from a trace goes into the textbuf through the
 * sanitising calls, so control characters, escape sequences and bidi
 * overrides come out as visible escapes.  Output is bounded: a string
 * shows at most string_cap bytes (then "… 9.5 MB more"), a render at most
 * max_lines lines, so a 10 MB value never becomes 10 MB of lines.
 *
 * Conversations are json/chat.h's.
 *
 * Lines: tb_line.ref is the preorder id of the JSON node the line starts
 * (0 = the root; ids do not change when nodes are folded) and tb_line.depth
 * its nesting depth; tb_line.flags holds JSON_LINE_* bits.
 *
 * Ownership: a struct json_folds owns its array (json_folds_free).  All
 * input is borrowed for the call.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/textbuf.h"
#include "json/span.h"

#define JSON_STRING_CAP 4096      /* bytes of one string shown */
#define JSON_MAX_LINES 100000     /* lines of one render */

enum {
	JSON_LINE_OPENS  = 1u << 0,  /* the line starts an object or array (foldable) */
	JSON_LINE_FOLDED = 1u << 1,  /* ... which is folded */
	JSON_LINE_CLOSES = 1u << 2,  /* the line closes an object or array */
	JSON_LINE_TEXT   = 1u << 3,  /* plain text (the input was not JSON) */
	JSON_LINE_MARKER = 1u << 4,  /* a note about what is not shown */
	CHAT_LINE_ROLE   = 1u << 5,  /* a chat message's role line */
};

/* A set of folded node ids (sorted). */
struct json_folds {
	uint32_t *v;
	size_t n, cap;
};

bool json_folds_has(const struct json_folds *f, uint32_t node);
void json_folds_toggle(struct json_folds *f, uint32_t node);
void json_folds_set(struct json_folds *f, uint32_t node, bool folded);
void json_folds_free(struct json_folds *f);

struct json_render_opts {
	/* Which nodes are folded: the predicate when set, else the set. */
	bool (*is_folded)(const void *ctx, uint32_t node);
	const void *ctx;
	const struct json_folds *folds;
	size_t string_cap;   /* 0: JSON_STRING_CAP */
	size_t max_lines;    /* 0: JSON_MAX_LINES */
	int indent;          /* spaces before every line */
};

/* Renders JSON text (opts may be NULL).  Returns the number of nodes, or 0
 * when the text is not JSON (or nested deeper than 1000 levels): it is then
 * shown as sanitised plain text after a marker line saying why. */
size_t json_render(const char *json, size_t len, const struct json_render_opts *opts,
		   struct textbuf *tb);


enum {
	ATTRS_SKIP_IO = 1u << 0,     /* leave out mlflow.spanInputs / mlflow.spanOutputs */
};

/* "key: value" per attribute; short values on the key line (strings
 * without quotes), long objects and arrays pretty under it.  ref = the
 * attribute's index. */
void attrs_render(const struct span_detail *d, unsigned flags, struct textbuf *tb);

/* Each event: its name and time after the span start, then its
 * attributes; exceptions in the STATUS_ERROR slot with type, message and
 * the stack trace lines.  ref = the event's index. */
void events_render(const struct span_detail *d, struct textbuf *tb);

#endif
