#ifndef TB_CMD_OUTFILE_H
#define TB_CMD_OUTFILE_H
/*
 * Where a command's -o FILE output goes.  Every command that takes -o uses
 * this, so each treats the name the same way:
 *
 *   NULL or "-"          standard output
 *   ""                   a usage error
 *   /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N
 *                        that descriptor of ours (dup'ed: the shell's
 *                        redirection, offset and append mode are kept;
 *                        `-o >(gzip > x.gz)` works)
 *   anything else that exists and is not a regular file (a character
 *   device, a FIFO, a socket)
 *                        written straight to, never replaced
 *   a regular file, or a name that does not exist yet
 *                        written to a temporary file beside it (beside the
 *                        file a symlink points to: the link stays) that is
 *                        renamed over it only once everything was written;
 *                        a replaced file keeps its mode and owner, a new
 *                        one gets 0666 less the umask.
 *
 * Ownership: struct outfile owns its temporary name and stream until
 * outfile_commit or outfile_discard; path is borrowed from argv.
 */
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "core/err.h"

struct outfile {
	FILE *f;            /* where to write (stdout for standard output) */
	const char *path;   /* as given, NULL for standard output */
	char *target;       /* the regular file replaced on commit, or NULL */
	char *tmp;          /* its temporary file, or NULL */
	bool keep;          /* replacing an existing file: keep mode and owner */
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

/* An empty name is a usage error (ERR_USAGE naming the option); check it
 * before any work is done.  0 or -1. */
int outfile_check(const char *option, const char *path, struct err *err);
/* option names the option in messages ("-o").  0, or -1 with err:
 * ERR_USAGE for an empty name, ERR_RUNTIME when it cannot be opened. */
int outfile_open(struct outfile *o, const char *option, const char *path, struct err *err);
/* Flushes and, for a regular file, makes it appear complete under its
 * name.  0, or -1 with err (the temporary file is then removed). */
int outfile_commit(struct outfile *o, struct err *err);
/* After a failure: closes, and removes the temporary file; the target is
 * left as it was.  Safe to call after commit or on a zeroed struct. */
void outfile_discard(struct outfile *o);

#endif
