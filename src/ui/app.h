#ifndef TB_UI_APP_H
#define TB_UI_APP_H
/*
 * The browser's state and its view framework, shared by the files of
 * src/ui (not exported beyond it).
 *
 * struct ui owns everything of one run: the terminal, the store, the key
 * bindings and theme, the trace list window, the stack of open views, the
 * input line, the status message and the key script.  It is passed
 * explicitly; there are no globals.
 *
 * A view is a const table of operations (struct view_ops) plus its private
 * state.  Views render into a frame (ui/frame.h) and handle actions by
 * changing state and returning effect flags; they never draw.  Only the
 * loop in app.c draws, after each key, so every screen is consistent.
 * An action a view leaves UNHANDLED goes to the global handler.
 *
 * Deferred work (counting rows, rendering a span's detail) runs when no key
 * is waiting: views say what they have left through their idle op, which
 * does one piece and returns whether the screen changed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/err.h"
#include "core/keys.h"
#include "core/model.h"
#include "core/slot.h"
#include "core/strbuf.h"
#include "store/store.h"
#include "ui/frame.h"
#include "ui/keys.h"
#include "ui/lineedit.h"
#include "ui/look.h"
#include "ui/tcache.h"
#include "ui/term.h"
#include "ui/tlist.h"
#include "ui/ui.h"

struct ui;
struct view;
struct ui_keys;
struct ui_look;
struct keymap;
struct config;

/* Effects of handling an action. */
enum {
	EFF_UNHANDLED = 0,
	EFF_HANDLED   = 1u << 0,
	EFF_REDRAW    = 1u << 1,   /* state changed: draw */
	EFF_RELOAD    = 1u << 2,   /* the list must be read again */
	EFF_QUIT      = 1u << 3,
	EFF_CLOSE     = 1u << 4,   /* close this view (back) */
};

struct label_target;

struct view_ops {
	const char *name;          /* "list", "trace", "help", "experiments" */
	const char *mode;          /* shown in the status bar: "LIST", "TRACE", ... */
	int (*open)(struct view *v, struct ui *ui, struct err *err);
	void (*close)(struct view *v, struct ui *ui);
	/* Keymap context of the focused pane ("list", "tree", "detail", ...). */
	const char *(*context)(const struct view *v);
	/* Renders rows 0 .. rows-2 (the last row is the status bar). */
	void (*render)(struct view *v, struct ui *ui, struct frame *f);
	unsigned (*handle)(struct view *v, struct ui *ui, enum action a);
	/* Search in the focused pane: dir 0 starts a new search (text set),
	 * 1 / -1 the next / previous match.  NULL: no search here. */
	unsigned (*search)(struct view *v, struct ui *ui, const char *text, int dir);
	/* One piece of deferred work; returns true when the screen changed.
	 * NULL or nothing left: false. */
	bool (*idle)(struct view *v, struct ui *ui);
	bool (*busy)(const struct view *v, struct ui *ui);  /* has deferred work */
	/* Short key hints for the status bar ("Enter open  / search"). */
	void (*hints)(const struct view *v, struct ui *ui, struct strbuf *out);
	/* What a label key would label here; false: nothing (NULL: never). */
	bool (*target)(const struct view *v, struct ui *ui, struct label_target *out);
	/* Feedback of a trace changed in the store: show it (NULL: nothing). */
	void (*refresh)(struct view *v, struct ui *ui, const char *trace_id);
};

struct view {
	const struct view_ops *ops;
	void *priv;
	unsigned effects;          /* effects its idle op asks for (EFF_CLOSE when
	                              deferred work ends the view); the loop applies
	                              and clears them */
};

/* What a label key labels: a trace, or the span chosen with
 * ACT_TOGGLE_TARGET (focus and selection never change it).  Strings are
 * borrowed from the view until its next change. */
struct label_target {
	const char *trace_id;
	const char *span_id;      /* NULL: the whole trace */
	const char *span_name;    /* for messages; may be NULL */
	/* My feedback under the cursor (feedback pane), or NULL, and its
	 * target: what r and x act on there. */
	const char *fb_name;
	const char *fb_span_id, *fb_span_name;
	/* The trace's feedback as the view shows it, and its root span id
	 * (NULL: not known), or rows NULL: labelling then decides from the
	 * list's row, never by reading the store on the key thread. */
	const struct assessment_list *rows;
	const char *root;
};

extern const struct view_ops list_view_ops;
extern const struct view_ops trace_view_ops;
extern const struct view_ops help_view_ops;
extern const struct view_ops exps_view_ops;
extern const struct view_ops agree_view_ops;
extern const struct view_ops adjudicate_view_ops;  /* arg: a feedback name, or NULL */
extern const struct view_ops form_view_ops;
extern const struct view_ops spans_view_ops;       /* arg: a filter (owned), or NULL */
extern const struct view_ops queue_view_ops;       /* the review-queue picker */

enum prompt_kind {
	PROMPT_NONE = 0,
	PROMPT_COMMAND,            /* : */
	PROMPT_SEARCH,             /* / */
	PROMPT_FILTER,             /* filter: (the list's search_traces filter) */
	PROMPT_VALUE,              /* the value of a text label */
	PROMPT_RATIONALE,          /* the rationale of a label */
	PROMPT_CONFIRM,            /* a yes / no question (one key) */
};

/* A label being given, while it waits for the user (a text value, the
 * override question, a rationale).  Owned strings. */
enum label_stage {
	LS_NONE = 0,
	LS_VALUE,                  /* waiting for the text of a text label */
	LS_CONFIRM,                /* waiting for yes / no to an override */
	LS_RATIONALE,              /* waiting for the rationale of a new label */
	LS_EDIT_RATIONALE,         /* waiting for the rationale of my feedback (r) */
	LS_ASK_QUIT,               /* quit although labels are pending? */
	LS_ASK_DISCARD,            /* discard the pending labels? */
};

struct label_flow {
	enum label_stage stage;
	char *trace_id, *span_id, *span_name;
	char *name;                /* the feedback name */
	char *value;               /* as typed / as the key gives it */
	const char *instructions;  /* the schema's, borrowed from the config, or NULL */
	int type;                  /* enum value_type */
	int rationale;             /* enum rationale_mode of the schema */
	bool offer_comment;        /* a store's label schema with enable_comment:
	                              the rationale is asked for (Enter: none) */
	bool allow_override;
};

/* The list's settings, owned by the ui (the tlist borrows the strings). */
struct list_state {
	struct tlist tl;
	int64_t exp_id;
	char *exp_name;
	char **fb_names;           /* feedback names (columns), owned: those of the
	                              rows seen, then all of them (read on the worker); the
	                              configured labels first, in their order, then
	                              the others by name */
	size_t nfb, capfb;
	struct question_ref *questions; /* what QF_UNLABELLED looks at: the
	                              configured labels (names borrowed), or NULL */
	const char **schema;       /* the configured labels' names in order
	                              (NULL-terminated, borrowed), or NULL */
	bool names_pending;        /* the full list of names not read yet */
	char *filter;              /* NULL: none */
	unsigned quick;
	enum sort_key sort;
	bool ascending;
	char *search;              /* last search text in the list, or NULL */
	bool loaded;
	/* The MLflow review queue whose pending items the list shows (queue.c),
	 * or NULL: its copy, the filter sent (its pending items AND filter),
	 * the pending item ids last seen, and the items I cleared. */
	struct review_queue *queue;
	char *queue_filter;
	char **queue_pending;
	size_t nqueue_pending;
	char **queue_mine;
	size_t nqueue_mine;
	/* The count and the names running on the worker (facts.c), or NULL. */
	struct count_job *count_job;
	struct names_job *names_job;
	/* The search running on the worker (search.c), or NULL; gen counts
	 * the list's reloads, so that a search of an older list is dropped. */
	struct search_job *search_job;
	unsigned gen;
};

struct count_job;
struct names_job;
struct progress_job;
struct search_job;
struct side_job;
struct journal;
struct worker;

struct ui {
	const struct ui_args *args;
	const struct config *cfg;  /* the configuration in use, or NULL */
	struct config *own_cfg;    /* loaded here from args->config_path */
	struct term *term;
	struct frame frame;
	struct store *st;
	char *store_url;
	struct worker *worker;     /* started on first use (ui_worker) */
	struct tcache tcache;      /* traces of a tracking server opened lately */
	char *me;                  /* my source_id */
	struct ui_keys *keys;
	struct ui_look *look;
	int rows, cols;

	struct list_state list;

	struct view **views;       /* stack; views[0] is the trace list */
	size_t nviews, capviews;

	/* The input line. */
	enum prompt_kind prompt;
	char *prompt_lead;         /* what the line starts with (trusted or sanitised) */
	struct lineedit le;
	struct le_history hist_cmd, hist_search, hist_filter, hist_rationale, hist_value;

	/* Labelling (label.c). */
	struct labeler *lb;
	struct journal *jr;        /* the label journal, or NULL (it could not open) */
	struct worker *w;          /* writes off the key thread (interactive runs) */
	struct label_flow lab;
	bool advance;              /* move on after a label (how: cfg->advance) */
	bool blind;                /* others' answers hidden until I answer */
	char *item_id;             /* the trace open in a trace view or form */
	int64_t item_ms;           /* since when (time on item) */
	bool progress_dirty;       /* the progress to count again */
	int64_t progress_done, progress_total;  /* complete / all; -1: unknown */
	int64_t *progress_q;       /* per configured question: traces with my
	                              answer (nprogress_q of them) */
	size_t nprogress_q;
	struct progress_job *progress_job; /* counting them on the worker (facts.c) */
	/* The side index for sorts (facts.c): the job keeping it current,
	 * what it lacks of how many traces (-1 unknown), the next look. */
	struct side_job *side_job;
	int64_t side_left, side_total;
	int64_t side_next_ms;
	int64_t fb_stamp, fb_count;             /* the store's feedback, last seen */
	int64_t next_check_ms;     /* next look for others' feedback */

	/* A key sequence being typed ("g g"). */
	int seq[KEYSEQ_MAX];
	int nseq;

	char *msg;                 /* status message (sanitised), or NULL */
	enum slot msg_slot;

	char *search;              /* the last search (any pane) */
	bool quit;
	bool scripted;
};

/* ---- for views --------------------------------------------------------- */

/* A status message; the text is sanitised here. */
void ui_msg(struct ui *ui, enum slot slot, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ui_error(struct ui *ui, const struct err *err);
/* Ctrl-n / Ctrl-p in a view showing trace `shown`: moves the list's
 * selection delta traces on and returns the id now selected (caller
 * frees), or NULL after saying why not (the trace is not the list's
 * selection, it is the first / last one, or the list could not move). */
char *ui_step_trace(struct ui *ui, const char *shown, long delta);

struct view *ui_top(const struct ui *ui);
/* Closes the top view (never the list). */
void ui_close_top(struct ui *ui);
/* The filter the spans view opens with: the list's (the spans of the
 * traces listed), or NULL. */
const char *ui_spans_filter_of(const struct ui *ui);
int ui_push(struct ui *ui, const struct view_ops *ops, void *arg, struct err *err);
/* Opens a trace in the trace view (on top of the list). */
int ui_open_trace(struct ui *ui, const char *trace_id, struct err *err);
/* Opens a trace in the trace view on top of the current view (Esc comes
 * back to it) with the span of span_id selected in the tree, once the trace
 * is loaded (NULL: none).  The label target stays the trace: `@` moves it to
 * the span. */
int ui_open_trace_at(struct ui *ui, const char *trace_id, const char *span_id,
		     struct err *err);
/* For ui_open_trace_at: the trace view v selects that span (a view of
 * another kind is left alone). */
void ui_trace_select_span(struct view *v, const char *span_id);
/* Opens the spans view over the list's experiment with this filter (the
 * filter language; span conditions on the span listed), or, when it is
 * open, filters it anew. */
int ui_open_spans(struct ui *ui, const char *filter, struct err *err);
/* Opens the labelling form of a trace (on top of the list). */
int ui_open_form(struct ui *ui, const char *trace_id, struct err *err);

/* Keys bound to an action in a context (or global), "j, Down"; "" if none. */
void ui_keys_text(const struct ui *ui, const char *ctx, enum action a, struct strbuf *out,
		  size_t max);
/* Appends "KEY label  " to a hint line when the action has a key. */
void ui_hint(const struct ui *ui, const char *ctx, enum action a, const char *label,
	     struct strbuf *out);

/* Reloads the trace list (after a change of experiment, sort or filter). */
int ui_list_reload(struct ui *ui, struct err *err);
/* Adds a feedback name to the list's columns (in column order, no repeats). */
void ui_names_add(struct list_state *ls, const char *name);
/* The experiment's label schemas (MLflow 3.14+; ids NULL: those of the
 * custom review queue the list shows, else all of them) become the questions, the configuration's labels
 * lending keys and adding their own (svc/schemas.h); a store without them
 * keeps the configured labels.  Tells the labeler which answers are
 * expectations; unless early (before the screen: warnings go to stderr
 * too), checks the keys against the keymap and refreshes the list's
 * questions and progress. */
void ui_apply_schemas(struct ui *ui, int64_t exp, const char *const *ids, size_t nids,
		      bool early);
/* Switches experiment (by id or name). */
int ui_set_experiment(struct ui *ui, const char *id_or_name, struct err *err);

/* Header row: left text (trusted) and right text, in SLOT_HEADER. */
struct tb_line *ui_header(struct ui *ui, struct frame *f);

/* The browser's worker (svc/worker.h: a thread with a store of its own on
 * the same URL), started on first use; NULL with err when it cannot be. */
struct worker *ui_worker(struct ui *ui, struct err *err);
/* Waits up to ms for the worker's completions and runs their done
 * callbacks (a loop waiting on a job calls this rather than spinning). */
void ui_worker_poll(struct ui *ui, int ms);

/* Runs a ":" command line (without the colon). */
unsigned ui_command(struct ui *ui, const char *line);
/* Opens the input line; lead NULL: the kind's usual ":" "/" "filter: ". */
void ui_prompt_open(struct ui *ui, enum prompt_kind kind, const char *lead,
		    const char *initial);

/* ---- counts on the worker (facts.c) --------------------------------------- */

/* The list's total (its header), the labelling progress (the status
 * line), the feedback names (the columns): each starts a job on the
 * browser's worker, replacing the one running, whose result is taken when
 * it comes if the list is still the one it was asked for. */
void ui_count_start(struct ui *ui);
void ui_count_abandon(struct ui *ui);
bool ui_progress_start(struct ui *ui);
void ui_progress_abandon(struct ui *ui);
void ui_names_start(struct ui *ui);
void ui_names_abandon(struct ui *ui);
/* Is one of them still running? */
bool ui_facts_waiting(const struct ui *ui);
/* The side index (store_side_sync) built and kept current on the worker,
 * a chunk per job, again every few seconds once built; interactive runs
 * only.  Is a step due now? */
bool ui_side_due(const struct ui *ui);
void ui_side_start(struct ui *ui);
void ui_side_abandon(struct ui *ui);

/* ---- the list's search (search.c) --------------------------------------- */

/* Next (dir 1) or previous (-1) trace of the list matching text, after the
 * selection: among the rows held at once, else on the worker (the keys go
 * on; the result selects the row when it comes). */
unsigned ui_search_list(struct ui *ui, const char *text, int dir);
bool ui_search_running(const struct ui *ui);
/* Stops the running search (Esc; a new search; the list read again). */
void ui_search_cancel(struct ui *ui, bool say);
/* The status line while a search runs (sanitised; caller frees), or NULL. */
char *ui_search_progress(const struct ui *ui);

/* ---- labelling (label.c) ------------------------------------------------ */

struct label_schema;
struct label_key;

int ui_label_init(struct ui *ui, struct err *err);
/* Once the experiment is known: the journal (what earlier runs left
 * pending for this store is taken over and written again, and the status
 * says how many) and, for interactive runs, the writing worker. */
void ui_label_start(struct ui *ui, int64_t exp_id);
/* At the end (signal or quit), before the terminal is restored: one
 * bounded last try (under a second) for what is pending; the rest stays
 * in the journal. */
void ui_label_stop(struct ui *ui);
/* The worker's wake-up descriptor (-1: none), its completions, and the
 * milliseconds until the next automatic retry (-1: none). */
int ui_label_fd(const struct ui *ui);
bool ui_label_collect(struct ui *ui);
int ui_label_due(struct ui *ui);
void ui_label_free(struct ui *ui);
/* Do label keys work in this keymap context? */
bool ui_label_context(const char *ctx);
/* A label key was pressed. */
unsigned ui_label_key(struct ui *ui, const struct label_schema *ls, const struct label_key *k);
/* The labelling actions (rationale, delete, undo, redo, repeat, next /
 * previous unlabelled, advance, pending); EFF_UNHANDLED for the others. */
unsigned ui_label_action(struct ui *ui, enum action a);
/* A final answer given in adjudication (value_json as stored, a boolean,
 * number or string): my feedback on the question, overriding the latest
 * judge's row of it (the humans' rows stay), with metadata
 * ADJUDICATION_KEY = "true"; undone like any label.  false (with the
 * message shown) when it was neither written nor queued. */
bool ui_label_final(struct ui *ui, const char *trace_id, const char *span_id, const char *name,
		    const char *value_json);
/* The input line of a label was accepted / cancelled; the confirm answer
 * (1 yes, 0 no, -1 cancel, 2 the retry-pending key). */
unsigned ui_label_accept(struct ui *ui, enum prompt_kind kind, const char *text);
void ui_label_cancel(struct ui *ui);
unsigned ui_label_answer(struct ui *ui, int answer);
/* May the program end now?  With labels pending, asks first (retry is
 * offered; they stay in the journal, or are lost when it could not take
 * them) and returns false. */
bool ui_label_may_quit(struct ui *ui);
/* The schema instructions of the label being given, or NULL (shown above
 * the input line while it waits for a rationale or an answer). */
const char *ui_label_instructions(const struct ui *ui);
/* Is an operation pending on this trace (and this feedback name; NULL:
 * any)? */
bool ui_label_pending_on(const struct ui *ui, const char *trace_id, const char *name);
/* At exit, after the terminal is restored: the labels still pending (the
 * user chose to lose them, or a signal ended the program) listed on stderr,
 * so that none disappears without a word. */
void ui_label_report_unwritten(const struct ui *ui);
/* Lines for the feedback pane: the pending operations on this trace. */
/* Lines saying which questions of the trace have several rows of mine
 * (rows: the trace's feedback, root its root span id or NULL) and the key
 * that keeps the newest; nothing when none has. */
void ui_label_duplicate_lines(const struct ui *ui, const struct assessment_list *rows,
			      const char *root, struct textbuf *tb, int width);
void ui_label_pending_lines(const struct ui *ui, const char *trace_id, struct textbuf *tb,
			    int width);
/* Pending labels, the label target and progress for the status bar
 * (appends to l, within width; the progress leaves msg_width columns to
 * the message). */
void ui_label_status(struct ui *ui, struct tb_line *l, int width, int msg_width);
/* Labelling's deferred work: progress counts, the periodic look for
 * others' feedback.  busy: is some due now? */
bool ui_label_busy(struct ui *ui);
bool ui_label_idle(struct ui *ui);
/* The periodic look for others' feedback (interactive runs, when idle);
 * true when something changed and was read again. */
bool ui_label_tick(struct ui *ui);
/* What the store's feedback looks like now (after opening an experiment). */
void ui_label_baseline(struct ui *ui);
/* Feedback of a trace changed: refresh its list row and the open views. */
void ui_feedback_changed(struct ui *ui, const char *trace_id);
/* A view now shows this trace (the clock of the time on item starts,
 * unless it already shows it). */
void ui_label_item_opened(struct ui *ui, const char *trace_id);

/* ---- review queues (queue.c) -------------------------------------------- */

struct label_result;

/* The list shows the queue's pending items in MLflow's order (switching
 * to its experiment first); q is copied.  The filter stays, joined with
 * AND. */
int ui_queue_enter(struct ui *ui, const struct review_queue *q, struct err *err);
/* Back to the whole experiment. */
void ui_queue_leave(struct ui *ui);
/* The questions again after entering or leaving a queue (app.c): a custom
 * queue's schemas, else the experiment's. */
void ui_queue_questions(struct ui *ui);
void ui_queue_free(struct ui *ui);
/* The filter the list sends: the queue's pending items AND the filter
 * (owned by the list state), or the filter alone. */
const char *ui_queue_filter(struct ui *ui);
/* The queue of a label on this trace, or NULL: the list's, while the
 * trace is one of its pending items.  Borrowed. */
const char *ui_queue_for(const struct ui *ui, const char *trace_id);
/* `:queue NAME` (no name: the picker; `-`: leave the queue). */
unsigned ui_cmd_queue(struct ui *ui, const char *arg);
/* ACT_QUEUES and ACT_DECLINE_ITEM. */
unsigned ui_queue_action(struct ui *ui, enum action a);
/* A write changed a queue item (res->queue): say so, remember mine. */
void ui_queue_written(struct ui *ui, const struct label_result *r);
/* The periodic look at the queue's items (with ui_label_tick): an item
 * another reviewer cleared leaves the list; the one open says so and
 * offers the next.  true when the screen changed. */
bool ui_queue_tick(struct ui *ui);

/* ---- text helpers (text.c) ---------------------------------------------- */

/* Decodes a JSON string literal ("..."), or returns NULL when json is not
 * one.  Caller frees. */
char *ui_json_string(const char *json);
/* How a stored feedback value looks in a compact cell: "✓", "✗", a number
 * or a text (sanitised) cut to `w` columns; *slot gets FB_TRUE / FB_FALSE /
 * FB_VALUE. */
void ui_fb_glyph(const char *json, int w, struct strbuf *out, enum slot *slot);
/* Marks every case-insensitive match of needle in a line with slot. */
void tb_line_mark(struct tb_line *l, const char *needle, enum slot slot);
bool text_has_ci(const char *hay, size_t n, const char *needle);
/* The slot a trace or span status is drawn in: OK, ERROR, the others. */
enum slot ui_status_slot(const char *status);

#endif
