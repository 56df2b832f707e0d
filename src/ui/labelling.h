#ifndef TB_UI_LABELLING_H
#define TB_UI_LABELLING_H
/*
 * Labelling in the browser: what the label keys of the configured schemas
 * and the labelling actions (rationale, delete, undo, redo, repeat, the
 * unlabelled jumps, label-and-advance, pending retry and discard) do on the
 * screen, on top of the labelling engine (svc/label.h).
 *
 * A label key applies to the item the focused view names (struct
 * lab_target: the selected trace, or the selected span when the span tree
 * is focused).  The engine plans the write first: a new label or an update
 * of mine is written at once; feedback of that name from another source
 * (a judge, code, another human) asks on the status line whether to
 * override it (y: override, then the optional rationale; a: keep both, a
 * new row beside theirs; n or Esc: nothing is written).  With
 * `rationale: required` the editor opens after the value key and the label
 * is written only when the rationale is accepted; text labels take their
 * value in the same editor.  Esc writes nothing.
 *
 * A write that fails stays pending with its error (the status bar says how
 * many, with the retry and discard keys; the list shows a marker in the
 * feedback column; the feedback pane lists them) until retried or
 * discarded; quitting with pending labels asks first.
 *
 * Deferred work: the progress counts (labelled / all traces of the current
 * filter) are counted when idle and then kept up to date from the rows a
 * write changes; a periodic check of the store's feedback stamp (every
 * refresh_seconds, only while idle) reloads what is shown when someone
 * else wrote feedback.
 *
 * Handlers change state and return EFF_* effects; drawing happens only in
 * lab_render and lab_status, called by the loop's draw.  struct labelling
 * belongs to struct ui (ui->lab), created by lab_open and freed by
 * lab_close; nothing here is global.
 */
#include <stdbool.h>
#include <stddef.h>

#include "config/keymap.h"
#include "core/action.h"
#include "core/err.h"
#include "core/model.h"
#include "core/textbuf.h"
#include "ui/frame.h"

struct ui;
struct label_schema;
struct label_key;

/* What label keys apply to in a view (strings borrowed from the view,
 * valid until its next change). */
struct lab_target {
	const char *trace_id;      /* the selected trace */
	const char *span_id;       /* the selected span (span tree focused), or NULL */
	const char *span_name;     /* its name for messages, or NULL */
	/* The feedback selected in the feedback pane, or NULL: rationale and
	 * delete act on it when it is mine. */
	const char *fb_name;
	const char *fb_span_id;
	bool fb_mine;
	bool in_list;              /* the trace list: label-and-advance applies */
};

/* After the store, the configuration and the keymap are loaded. */
int lab_open(struct ui *ui, struct err *err);
void lab_close(struct ui *ui);

/* Label keys: like ui_keys_lookup for the label schemas' keys, where the
 * top view has something to label (KEYMATCH_NONE elsewhere). */
enum keymatch lab_lookup(const struct ui *ui, const int *keys, int n,
			 const struct label_schema **label, const struct label_key **key);
/* A label key was typed. */
unsigned lab_label_key(struct ui *ui, const struct label_schema *label,
		       const struct label_key *key);
/* The labelling actions (ACT_RATIONALE ... ACT_DISCARD_PENDING). */
unsigned lab_action(struct ui *ui, enum action a);
/* ACT_REFRESH: the list rows, the feedback shown and the counts again. */
unsigned lab_refresh(struct ui *ui);
/* ACT_QUIT / :quit: true when the program may end now; with pending labels
 * it asks first (and the answer quits). */
bool lab_may_quit(struct ui *ui);

/* A question on the status line takes the next key. */
bool lab_asking(const struct ui *ui);
unsigned lab_answer(struct ui *ui, int key);

/* The input line of kind PROMPT_LABEL: accepted text (the line is closed),
 * cancel (Esc: nothing is written), and the text in front of it. */
unsigned lab_prompt_accept(struct ui *ui, const char *text);
void lab_prompt_cancel(struct ui *ui);
const char *lab_prompt_lead(const struct ui *ui);

/* Drawing: the instructions line above the status bar and the question
 * on it (while a question or the editor is open); and the right part of
 * the status bar (pending labels, progress) appended to `out`. */
void lab_render(struct ui *ui, struct frame *f);
void lab_status(struct ui *ui, struct tb_line *out);

/* Is a label of this name on this trace pending? */
bool lab_pending_on(const struct ui *ui, const char *trace_id, const char *name);
/* Appends the pending labels of a trace to the feedback pane's lines. */
void lab_feedback_pending(const struct ui *ui, const char *trace_id, struct textbuf *tb,
			  int width);
/* The order the feedback pane shows a trace's feedback in: grouped by name
 * (first appearance first, store order within a name), so mine sits next
 * to the judge's; disagree[i] is set on the valid rows (mine and the
 * judge's) whose values differ for the same name and target.  order and
 * disagree hold l->n entries. */
void lab_feedback_order(const struct ui *ui, const struct assessment_list *l, size_t *order,
			bool *disagree);

/* Deferred work (the progress counts) and the periodic check. */
bool lab_busy(const struct ui *ui);
bool lab_idle(struct ui *ui);
/* Called when the loop waited for a key in vain; true when the screen
 * changed. */
bool lab_tick(struct ui *ui);

#endif
