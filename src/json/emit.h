#ifndef TB_JSON_EMIT_H
#define TB_JSON_EMIT_H
/*
 * JSON written the way MLflow's Python writes it, for export and for
 * values stored in the tracking store:
 *
 *   assessment_to_json   Assessment.to_dictionary() (protobuf MessageToDict
 *                        of the assessment: RFC 3339 times, feedback values
 *                        as protobuf Values, expectation lists and dicts as
 *                        serialized_value), then json.dumps
 *   trace_to_json        Trace.to_dict() with the V3 trace info, one line
 *                        (a JSON Lines record)
 *   json_merge_objects   update_assessment's metadata merge
 *   metadata_from_pairs  "K=V" arguments as a metadata object
 *
 * All text is in Python json.dumps form (", " and ": " separators,
 * ensure_ascii escapes, int and float repr), so it is byte-identical to
 * what MLflow would store or export, and strict JSON: invalid UTF-8 becomes
 * U+FFFD, NaN and the infinities the strings protobuf's JSON mapping writes
 * ("NaN", "Infinity", "-Infinity").  A stored value nested deeper than
 * cJSON can build is passed through as its text, and one that is not JSON
 * as a string of its text: never null.
 *
 * Ownership: every returned string is malloc'd and the caller's to free.
 * Inputs are borrowed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"
#include "core/strbuf.h"

/* One assessment as MLflow's Assessment.to_dictionary() serialised by
 * json.dumps. */
char *assessment_to_json(const struct assessment *a);
/* A JSON array of them; pretty: json.dumps(indent=2). */
char *assessments_to_json(const struct assessment_list *l, bool pretty);

/* A trace as {"info": <TraceInfo V3 to_dict>, "data": {"spans": [...]}} on
 * one line; each span is its stored content parsed back into an object. */
char *trace_to_json(const struct trace *t);

/* {**old, **patch} as json.dumps writes it.  old_json NULL or "" is {}.
 * NULL when either text is not a JSON object. */
char *json_merge_objects(const char *old_json, const char *patch_json);

/* A NULL-terminated list of "KEY=VALUE" as a JSON object of strings (a
 * repeated key keeps its first place and takes the last value).  Fails
 * (ERR_USAGE, naming the pair) on a pair without '=' or with an empty
 * key. */
char *metadata_from_pairs(const char *const *kv, struct err *err);

/* A stored JSON value (a feedback value, metadata) as strict JSON for
 * output, the same in every command: strings re-escaped as json.dumps does
 * (ensure_ascii: controls, C1, bidi controls and everything past ASCII as
 * \uXXXX; invalid UTF-8 as U+FFFD), Python's NaN, Infinity and -Infinity
 * as the strings "NaN", "Infinity", "-Infinity" (protobuf's JSON form), any
 * nesting depth (nothing is built).  Appends to out and returns true, or
 * returns false with out unchanged when text is not one JSON value. */
bool emit_json_value(struct strbuf *out, const char *text, size_t n);

/* Protobuf's JSON form of a time in ms: "2026-01-01T12:05:00.123Z", or
 * "2026-01-01T12:05:00Z" on a whole second.  buf holds >= 32 bytes. */
void emit_proto_time(char *buf, size_t size, int64_t ms);

#endif
