#include "cmd/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

/* The descriptor a name stands for (/dev/stdout, /dev/fd/3,
 * /proc/self/fd/63), or -1. */
static int named_fd(const char *path)
{
	static const char *const prefixes[] = { "/dev/fd/", "/proc/self/fd/", NULL };
	size_t i;

	if (strcmp(path, "/dev/stdout") == 0)
		return 1;
	if (strcmp(path, "/dev/stderr") == 0)
		return 2;
	for (i = 0; prefixes[i]; i++) {
		int64_t n;

		if (str_starts(path, prefixes[i]) &&
		    parse_int64(path + strlen(prefixes[i]), &n) == 0 && n >= 0 && n <= INT_MAX)
			return (int)n;
	}
	return -1;
}

static int open_stream(struct outfile *o, int fd, const char *name, struct err *err)
{
	o->f = fdopen(fd, "w");
	if (!o->f) {
		int e = errno;

		close(fd);
		return err_set(err, ERR_RUNTIME, "cannot write %s: %s", name, strerror(e));
	}
	return 0;
}

int outfile_check(const char *option, const char *path, struct err *err)
{
	if (path && !*path)
		return err_set(err, ERR_USAGE, "%s needs a file name (or - for standard output)",
			       option);
	return 0;
}

int outfile_open(struct outfile *o, const char *option, const char *path, struct err *err)
{
	struct stat sb;
	int fd;

	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	if (outfile_check(option, path, err) < 0)
		return -1;
	o->path = path;
	fd = named_fd(path);
	if (fd >= 0) {
		if (fd == 1) {
			o->f = stdout;
			return 0;
		}
		fd = dup(fd);
		if (fd < 0)
			return err_set(err, ERR_RUNTIME, "cannot write %s: %s", path, strerror(errno));
		return open_stream(o, fd, path, err);
	}
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		/* A device, FIFO or socket: never replaced.  (A FIFO waits for
		 * its reader here, as a shell redirection does.) */
		fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return err_set(err, ERR_RUNTIME, "cannot write %s: %s", path, strerror(errno));
		return open_stream(o, fd, path, err);
	}
	if (stat(path, &sb) == 0) {
		char *real = realpath(path, NULL);

		if (!real)
			return err_set(err, ERR_RUNTIME, "cannot write %s: %s", path, strerror(errno));
		o->target = xstrdup(real);
		free(real);
		o->keep = true;
		o->mode = sb.st_mode & 07777;
		o->uid = sb.st_uid;
		o->gid = sb.st_gid;
	} else if (errno == ENOENT) {
		o->target = xstrdup(path);
	} else {
		return err_set(err, ERR_RUNTIME, "cannot write %s: %s", path, strerror(errno));
	}
	o->tmp = xasprintf("%s.tmp-XXXXXX", o->target);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		err_set(err, ERR_RUNTIME, "cannot create %s: %s", o->tmp, strerror(errno));
		FREE(o->tmp);
		FREE(o->target);
		return -1;
	}
	if (open_stream(o, fd, o->tmp, err) < 0) {
		outfile_discard(o);
		return -1;
	}
	return 0;
}

static int fail(struct outfile *o, struct err *err, const char *what)
{
	err_set(err, ERR_RUNTIME, "cannot %s %s: %s", what, o->path ? o->path : "output",
		strerror(errno));
	outfile_discard(o);
	return -1;
}

int outfile_commit(struct outfile *o, struct err *err)
{
	mode_t mask;
	int fd;

	if (!o->f)
		return 0;
	if (o->f == stdout)
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : fail(o, err, "write");
	if (!o->tmp) {
		FILE *f = o->f;

		o->f = NULL;
		if (fflush(f) != 0 || ferror(f)) {
			fclose(f);
			return fail(o, err, "write");
		}
		return fclose(f) == 0 ? 0 : fail(o, err, "write");
	}
	fd = fileno(o->f);
	if (fflush(o->f) != 0 || ferror(o->f))
		return fail(o, err, "write");
	if (o->keep) {
		if ((o->uid != geteuid() || o->gid != getegid()) && fchown(fd, o->uid, o->gid) != 0)
			return fail(o, err, "keep the owner of");
		if (fchmod(fd, o->mode) != 0)
			return fail(o, err, "keep the mode of");
	} else {
		mask = umask(0);
		umask(mask);
		if (fchmod(fd, 0666 & ~mask) != 0)
			return fail(o, err, "write");
	}
	if (fsync(fd) != 0)
		return fail(o, err, "write");
	if (fclose(o->f) != 0) {
		o->f = NULL;
		return fail(o, err, "write");
	}
	o->f = NULL;
	if (rename(o->tmp, o->target) != 0)
		return fail(o, err, "replace");
	FREE(o->tmp);
	FREE(o->target);
	return 0;
}

void outfile_discard(struct outfile *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp)
		unlink(o->tmp);
	FREE(o->tmp);
	FREE(o->target);
}
