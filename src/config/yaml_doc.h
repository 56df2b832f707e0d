#ifndef TB_CONFIG_YAML_DOC_H
#define TB_CONFIG_YAML_DOC_H
/*
 * A thin layer over libyaml's document API for the configuration loaders:
 * load a whole document (yaml_parser_load), walk its nodes, and report
 * problems as "path:line:col: message" (1-based, from the node's start
 * mark).  A syntax error becomes one message at libyaml's problem mark.
 *
 * Only src/config/ includes this header (it is the one user of yaml.h).
 *
 * Ownership: struct ydoc owns the document and a copy of the path; nodes
 * and scalar strings are borrowed from it and valid until ydoc_free.
 * Aliases are resolved by libyaml to shared nodes; walkers here never
 * recurse beyond the depth their schema defines, so aliases cannot make
 * them blow up.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "config/diag.h"
#include "core/err.h"

struct ydoc {
	yaml_document_t doc;
	char *path;       /* as given: a file path or an embedded name */
	bool loaded;
};

/* Deeper nesting of lists and mappings is refused at once. */
#define YDOC_MAX_DEPTH 64

/* Parses data (len bytes) named `path` in messages.  On a syntax error:
 * -1, err ERR_PARSE "path:line:col: problem (context)"; nesting deeper than
 * YDOC_MAX_DEPTH: "path:line:col: nested deeper than 64 levels" at the
 * first node too deep. */
int ydoc_load(struct ydoc *d, const char *path, const char *data, size_t len, struct err *err);
/* Reads and parses a file; a missing file is ERR_NOTFOUND "path: reason". */
int ydoc_load_file(struct ydoc *d, const char *path, struct err *err);
/* Safe on a zeroed or already freed ydoc. */
void ydoc_free(struct ydoc *d);

/* The root node, or NULL for an empty document. */
yaml_node_t *ydoc_root(struct ydoc *d);

bool ynode_is_map(const yaml_node_t *n);
bool ynode_is_seq(const yaml_node_t *n);
/* An explicit or empty null: ~, null, or nothing at all (plain style). */
bool ynode_is_null(const yaml_node_t *n);
/* The scalar's text, or NULL when n is not a scalar. */
const char *yscalar(const yaml_node_t *n);
/* "a mapping", "a list" or "a scalar": for messages. */
const char *ynode_kind(const yaml_node_t *n);

/* Items of a list, pairs of a mapping, 0 for anything else. */
size_t ynode_size(const yaml_node_t *n);
yaml_node_t *yseq_get(struct ydoc *d, const yaml_node_t *seq, size_t i);
yaml_node_t *ymap_key(struct ydoc *d, const yaml_node_t *map, size_t i);
yaml_node_t *ymap_value(struct ydoc *d, const yaml_node_t *map, size_t i);
/* The value of the last pair whose key is the scalar `key`, or NULL. */
yaml_node_t *ymap_find(struct ydoc *d, const yaml_node_t *map, const char *key);

/* 1-based position of a node's start. */
int ynode_line(const yaml_node_t *n);
int ynode_col(const yaml_node_t *n);

/* Scalar conversions; -1 when n is not a scalar of that kind.
 * Booleans: true/false/yes/no/on/off (any case). Numbers: whole text. */
int yscalar_bool(const yaml_node_t *n, bool *out);
int yscalar_int(const yaml_node_t *n, int64_t *out);
int yscalar_double(const yaml_node_t *n, double *out);

/* A scalar's text made safe for a message (control characters escaped,
 * cut at 60 bytes), or the node's kind; caller frees. */
char *yquote(const yaml_node_t *n);

/* Appends "path:line:col: message" for node `at` (NULL: line 1 col 1). */
void ydiag(struct ydoc *d, struct diag_list *dl, enum diag_level level, const yaml_node_t *at,
	   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Sets err to "path:line:col: message"; returns -1. */
int yerr(struct ydoc *d, struct err *err, enum err_code code, const yaml_node_t *at,
	 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
