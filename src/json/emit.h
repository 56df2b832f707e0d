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
 * what MLflow would store or export.
 *
 * Ownership: every returned string is malloc'd and the caller's to free.
 * Inputs are borrowed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"

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

/* Protobuf's JSON form of a time in ms: "2026-01-01T12:05:00.123Z", or
 * "2026-01-01T12:05:00Z" on a whole second.  buf holds >= 32 bytes. */
void emit_proto_time(char *buf, size_t size, int64_t ms);

#endif
