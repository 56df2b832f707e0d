#ifndef TB_CORE_EMBEDDED_H
#define TB_CORE_EMBEDDED_H
/*
 * Files compiled into the binary (keymaps/, themes/, examples/): the defaults
 * go through the same loaders as user files.  Names are the repository paths,
 * e.g. "keymaps/default.yaml".  Data is NUL-terminated and static.
 */
#include <stddef.h>

struct embedded_file {
	const char *name;
	const char *data;
	size_t len;
};

/* Terminated by a { NULL } entry; generated at build time. */
extern const struct embedded_file embedded_files[];

/* Borrowed data, or NULL when no such file is embedded. */
const char *embedded_get(const char *name, size_t *len);

#endif
