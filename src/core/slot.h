#ifndef TB_CORE_SLOT_H
#define TB_CORE_SLOT_H
/*
 * Colour slots: every semantic colour the screen uses, declared once.
 * Drawing code names only slots; themes (the YAML files in themes/) map slot names to
 * colours and attributes.  Row: X(ID, "yaml-name", "what it colours")
 */

#define SLOT_LIST(X) \
	X(DEFAULT, "default", "Ordinary text") \
	X(HEADER, "header", "Top line: store, experiment, position") \
	X(STATUSBAR, "statusbar", "Bottom line: mode and key hints") \
	X(MSG_INFO, "msg-info", "Status message") \
	X(MSG_ERROR, "msg-error", "Error message") \
	X(MSG_OK, "msg-ok", "Confirmation message") \
	X(PENDING, "pending", "A label not yet written to the store") \
	X(CURSOR, "cursor", "Selected line in the focused pane") \
	X(CURSOR_BLUR, "cursor-blur", "Selected line in another pane") \
	X(BORDER, "border", "Pane borders") \
	X(TITLE, "title", "Pane title") \
	X(TITLE_FOCUS, "title-focus", "Title of the focused pane") \
	X(COLHEAD, "column-header", "Column headers of the trace list") \
	X(DIM, "dim", "Secondary text") \
	X(ID, "id", "Trace and span ids") \
	X(TIME, "time", "Timestamps") \
	X(NAME, "name", "Trace and span names") \
	X(STATUS_OK, "status-ok", "Status OK") \
	X(STATUS_ERROR, "status-error", "Status ERROR and error spans") \
	X(STATUS_OTHER, "status-other", "Other statuses (IN_PROGRESS, UNSET)") \
	X(DURATION, "duration", "Durations") \
	X(PREVIEW, "preview", "Request and response previews") \
	X(USER, "user", "User and session") \
	X(SPAN_TYPE, "span-type", "Span type") \
	X(WATERFALL, "waterfall", "Waterfall bar") \
	X(WATERFALL_ERROR, "waterfall-error", "Waterfall bar of an error span") \
	X(FB_TRUE, "fb-true", "Feedback true / pass") \
	X(FB_FALSE, "fb-false", "Feedback false / fail") \
	X(FB_VALUE, "fb-value", "Other feedback values") \
	X(FB_HUMAN, "fb-human", "Human source") \
	X(FB_JUDGE, "fb-judge", "LLM judge source") \
	X(FB_CODE, "fb-code", "Code source") \
	X(FB_MINE, "fb-mine", "My own feedback") \
	X(OVERRIDDEN, "overridden", "Overridden (invalid) feedback") \
	X(RATIONALE, "rationale", "Rationales") \
	X(JSON_KEY, "json-key", "JSON object keys") \
	X(JSON_STRING, "json-string", "JSON strings") \
	X(JSON_NUMBER, "json-number", "JSON numbers") \
	X(JSON_LITERAL, "json-literal", "JSON true, false, null") \
	X(JSON_PUNCT, "json-punct", "JSON brackets and commas") \
	X(ROLE_USER, "role-user", "Chat: user messages") \
	X(ROLE_ASSISTANT, "role-assistant", "Chat: assistant messages") \
	X(ROLE_SYSTEM, "role-system", "Chat: system messages") \
	X(ROLE_TOOL, "role-tool", "Chat: tool calls and results") \
	X(ESCAPE, "escape", "Control characters shown as visible escapes") \
	X(MATCH, "match", "Search matches") \
	X(PROMPT, "prompt", "The input line") \
	X(HELP_KEY, "help-key", "Keys on the help screen") \
	X(HELP_GROUP, "help-group", "Group titles on the help screen") \
	X(MARKER, "marker", "Markers for what cannot be shown")

enum slot {
#define X_(id, name, help) SLOT_##id,
	SLOT_LIST(X_)
#undef X_
	SLOT_COUNT_
};

const char *slot_name(enum slot s);
const char *slot_help(enum slot s);
/* By YAML name, or -1. */
int slot_by_name(const char *name);

#endif
