#ifndef TB_CORE_ACTION_H
#define TB_CORE_ACTION_H
/*
 * Every user action, declared once.  ACTION_LIST expands into enum action,
 * the name table used by the keymap parser, the help screen and
 * `tracelab --list-actions`.  There is no other list of actions.
 *
 * Row: X(ID, "yaml-name", GROUP, "help text")
 */
#include <stddef.h>

#define ACTION_GROUPS(G) \
	G(NAV, "Navigation") \
	G(VIEW, "Views and panes") \
	G(FIND, "Search, filter and sort") \
	G(LABEL, "Labelling") \
	G(EDIT, "Line editor") \
	G(MISC, "Other")

#define ACTION_LIST(X) \
	X(MOVE_DOWN, "move-down", NAV, "Move down one line") \
	X(MOVE_UP, "move-up", NAV, "Move up one line") \
	X(PAGE_DOWN, "page-down", NAV, "Move down one page") \
	X(PAGE_UP, "page-up", NAV, "Move up one page") \
	X(HALF_DOWN, "half-page-down", NAV, "Move down half a page") \
	X(HALF_UP, "half-page-up", NAV, "Move up half a page") \
	X(MOVE_FIRST, "move-first", NAV, "Jump to the first line (newest trace)") \
	X(MOVE_LAST, "move-last", NAV, "Jump to the last line (oldest trace)") \
	X(SCROLL_LEFT, "scroll-left", NAV, "Scroll left") \
	X(SCROLL_RIGHT, "scroll-right", NAV, "Scroll right") \
	X(NEXT_TRACE, "next-trace", NAV, "Open the next trace of the list") \
	X(PREV_TRACE, "prev-trace", NAV, "Open the previous trace of the list") \
	X(NEXT_ERROR, "next-error", NAV, "Jump to the next error span") \
	X(OPEN, "open", VIEW, "Open the trace / expand or collapse the node") \
	X(BACK, "back", VIEW, "Go back to the previous screen") \
	X(QUIT, "quit", VIEW, "Quit tracelab (from the trace list)") \
	X(NEXT_PANE, "next-pane", VIEW, "Focus the next pane") \
	X(PREV_PANE, "prev-pane", VIEW, "Focus the previous pane") \
	X(NEXT_TAB, "next-tab", VIEW, "Next detail tab (inputs/outputs, chat, attributes, events)") \
	X(PREV_TAB, "prev-tab", VIEW, "Previous detail tab") \
	X(FOLD, "toggle-fold", VIEW, "Fold or unfold the selected subtree") \
	X(FOLD_ALL, "fold-all", VIEW, "Fold every subtree") \
	X(UNFOLD_ALL, "unfold-all", VIEW, "Unfold every subtree") \
	X(EXPERIMENTS, "experiments", VIEW, "Switch experiment") \
	X(QUEUES, "queues", VIEW, "Pick an MLflow review queue assigned to me: the list shows its pending items") \
	X(AGREEMENT, "agreement", VIEW, "Agreement of judges and annotators over the list's traces") \
	X(SPANS, "spans", VIEW, "Spans across traces, the longest first (filter on span fields)") \
	X(FORM, "form", VIEW, "The labelling form of the trace: every question, my and others' answers") \
	X(HELP, "help", VIEW, "Show the keys and actions") \
	X(COMMAND, "command", VIEW, "Enter a : command") \
	X(REFRESH, "refresh", VIEW, "Reload from the store (shows others' feedback)") \
	X(CYCLE_THEME, "cycle-theme", VIEW, "Switch to the next theme") \
	X(SEARCH, "search", FIND, "Search in the focused pane") \
	X(SEARCH_NEXT, "search-next", FIND, "Next search match") \
	X(SEARCH_PREV, "search-prev", FIND, "Previous search match") \
	X(FILTER, "filter", FIND, "Filter traces (MLflow search_traces syntax)") \
	X(CLEAR_FILTER, "clear-filter", FIND, "Clear the filter and quick filters") \
	X(TOGGLE_ERRORS, "toggle-errors", FIND, "Show only traces with status ERROR") \
	X(TOGGLE_UNLABELLED, "toggle-unlabelled", FIND, "Show only traces I have not labelled") \
	X(TOGGLE_JUDGED, "toggle-judged", FIND, "Show only traces with judge feedback") \
	X(TOGGLE_DISAGREE, "toggle-disagree", FIND, "Show only traces where I disagree with a judge") \
	X(CYCLE_SORT, "cycle-sort", FIND, "Sort by time, duration, status, name") \
	X(REVERSE_SORT, "reverse-sort", FIND, "Reverse the sort order") \
	X(RATIONALE, "edit-rationale", LABEL, "Add or edit the rationale of my feedback") \
	X(DELETE_LABEL, "delete-feedback", LABEL, "Delete my feedback on the selected item") \
	X(UNDO, "undo", LABEL, "Undo the last labelling action") \
	X(REDO, "redo", LABEL, "Redo the last undone labelling action") \
	X(DEDUPE, "dedupe-feedback", LABEL, "Where I have several rows for one question: keep the newest, delete the rest") \
	X(REPEAT, "repeat-label", LABEL, "Repeat the last label on the selected item") \
	X(NEXT_UNLABELLED, "next-unlabelled", LABEL, "Jump to the next trace without my feedback") \
	X(PREV_UNLABELLED, "prev-unlabelled", LABEL, "Jump to the previous trace without my feedback") \
	X(TOGGLE_ADVANCE, "toggle-advance", LABEL, "Toggle moving on after each label") \
	X(TOGGLE_BLIND, "toggle-blind", LABEL, "Blind mode: hide others' answers until I have answered") \
	X(DECLINE_ITEM, "decline-item", LABEL, "Decline the trace in the review queue (it will not be reviewed there)") \
	X(TOGGLE_TARGET, "toggle-target", LABEL, "Label the trace or the selected span (shown as → in the status bar)") \
	X(RETRY_PENDING, "retry-pending", LABEL, "Retry writing pending labels") \
	X(DISCARD_PENDING, "discard-pending", LABEL, "Discard the pending labels") \
	X(ADJUDICATE, "adjudicate", LABEL, "Walk the disagreements and give final answers") \
	X(FINAL_1, "final-answer-1", LABEL, "Adjudication: the final answer is option 1") \
	X(FINAL_2, "final-answer-2", LABEL, "Adjudication: the final answer is option 2") \
	X(FINAL_3, "final-answer-3", LABEL, "Adjudication: the final answer is option 3") \
	X(FINAL_4, "final-answer-4", LABEL, "Adjudication: the final answer is option 4") \
	X(FINAL_5, "final-answer-5", LABEL, "Adjudication: the final answer is option 5") \
	X(FINAL_6, "final-answer-6", LABEL, "Adjudication: the final answer is option 6") \
	X(FINAL_7, "final-answer-7", LABEL, "Adjudication: the final answer is option 7") \
	X(FINAL_8, "final-answer-8", LABEL, "Adjudication: the final answer is option 8") \
	X(FINAL_9, "final-answer-9", LABEL, "Adjudication: the final answer is option 9") \
	X(EDIT_LEFT, "edit-left", EDIT, "Cursor left") \
	X(EDIT_RIGHT, "edit-right", EDIT, "Cursor right") \
	X(EDIT_WORD_LEFT, "edit-word-left", EDIT, "Cursor one word left") \
	X(EDIT_WORD_RIGHT, "edit-word-right", EDIT, "Cursor one word right") \
	X(EDIT_HOME, "edit-home", EDIT, "Cursor to the start") \
	X(EDIT_END, "edit-end", EDIT, "Cursor to the end") \
	X(EDIT_BACKSPACE, "edit-backspace", EDIT, "Delete the character before the cursor") \
	X(EDIT_DELETE, "edit-delete", EDIT, "Delete the character under the cursor") \
	X(EDIT_DELETE_WORD, "edit-delete-word", EDIT, "Delete the word before the cursor") \
	X(EDIT_KILL_LINE, "edit-kill-line", EDIT, "Delete to the end of the line") \
	X(EDIT_KILL_START, "edit-kill-start", EDIT, "Delete to the start of the line") \
	X(EDIT_HISTORY_PREV, "edit-history-prev", EDIT, "Previous history entry") \
	X(EDIT_HISTORY_NEXT, "edit-history-next", EDIT, "Next history entry") \
	X(EDIT_ACCEPT, "edit-accept", EDIT, "Accept the input") \
	X(EDIT_CANCEL, "edit-cancel", EDIT, "Cancel without writing") \
	X(EDIT_EXTERNAL, "edit-external", EDIT, "Edit the text in $EDITOR") \
	X(SNAPSHOT, "snapshot", MISC, "Write the screen to the snapshot file (tests)") \
	X(REDRAW, "redraw", MISC, "Redraw the screen")

enum action_group {
#define G_(id, title) AG_##id,
	ACTION_GROUPS(G_)
#undef G_
	AG_COUNT_
};

enum action {
	ACT_NONE = 0,
#define X_(id, name, group, help) ACT_##id,
	ACTION_LIST(X_)
#undef X_
	ACT_COUNT_
};

struct action_info {
	enum action id;
	const char *name;
	enum action_group group;
	const char *help;
};

/* Info for an action (ACT_NONE has name "none"). */
const struct action_info *action_info(enum action a);
/* By YAML name; ACT_NONE for "none", -1 when unknown. */
int action_by_name(const char *name);
const char *action_group_title(enum action_group g);

#endif
