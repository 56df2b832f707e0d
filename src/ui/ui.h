#ifndef TB_UI_UI_H
#define TB_UI_UI_H
/*
 * The full-screen browser: `tracelab [STORE]`.  ui_run opens the store, sets
 * up the terminal (ncursesw), runs the key loop over the trace list, the
 * trace view, the feedback pane, help and the : command line, and restores
 * the terminal on every way out (normal exit, error, SIGINT/SIGTERM/SIGHUP).
 *
 * Scripted mode (tests): with keys_script / keys_text set (or the
 * TRACELAB_KEYS environment variable), keys come from the script instead of
 * the keyboard, the screen is rendered by ncurses into /dev/null at a fixed
 * size (LINES/COLUMNS, default 80x24), `:snapshot FILE` writes the screen text
 * and the colour slot of every cell, and the program returns 0 at the end of
 * the script.
 *
 * Ownership: every pointer in struct ui_args is borrowed for the duration of
 * ui_run.  The caller keeps ownership of the config; ui_run drops from it
 * the label schemas whose keys the keymap binds (config_check_labels).
 */
#include <stddef.h>

#include "core/err.h"

struct config;
struct action_info;

struct ui_args {
	const char *store_url;       /* path or sqlite:///path; NULL: config / ./mlflow.db */
	struct config *config;       /* loaded configuration, or NULL for built-in defaults */
	const char *config_path;     /* used only when config is NULL: a file to load */
	const char *experiment;      /* id or name to open first, or NULL (config / first) */
	const char *theme;           /* theme name overriding the config, or NULL */
	const char *keymap;          /* keymap name or file overriding the config, or NULL */
	const char *keys_script;     /* --keys FILE: scripted mode, or NULL */
	const char *keys_text;       /* keys given inline (one per line), or NULL */
	const char *snapshot;        /* default file for the snapshot action, or NULL */
	const char *source_id;       /* my source_id overriding the config, or NULL */
	const char *trace_id;        /* open this trace at start, or NULL */
	int readonly;                /* open the store read-only */
};

/* Runs the browser until the user quits (or the script ends).  Returns 0, or
 * -1 with err filled (the terminal is already restored then). */
int ui_run(const struct ui_args *args, struct err *err);

/* Writes the list of actions with their default keys (tracelab
 * --list-actions) to stdout.  Returns 0 or -1 with err. */
int ui_list_actions(const struct ui_args *args, struct err *err);
/* Calls fn for every action, group by group in ACTION_GROUPS order, with
 * the keys bound to it under args (the keymap of args->config and
 * args->keymap; the defaults when both are NULL) as one line: "j, Down;
 * tree: x".  ai and keys are valid during the call.  Returns 0 or -1 with
 * err (a keymap that does not load). */
int ui_each_action(const struct ui_args *args,
		   void (*fn)(void *arg, const struct action_info *ai, const char *keys),
		   void *arg, struct err *err);

/* The : commands (the help screen, the manual page): count, and the name
 * and one-line help of each. */
size_t ui_command_count(void);
const char *ui_command_name(size_t i, const char **help);

#endif
