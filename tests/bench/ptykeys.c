/*
 * ptykeys: runs a program on a real pseudo-terminal of a given size, types
 * keys into it and counts the bytes it writes back after each key (what an
 * SSH connection carries) and how long it takes, for tests/bench.sh.
 *
 *   ptykeys COLS ROWS QUIET_MS SCRIPT -- PROGRAM [ARGS...]
 *
 * First it prints "start-first BYTES MS" (the first screen: the program's
 * first burst of output, MS from the start to its last byte) and
 * "start-settled BYTES MS" (everything until the program has been quiet
 * for QUIET_MS: the screen once its idle work is drawn).  Then SCRIPT, one
 * step a line:
 *   key LABEL KEYS        type KEYS; wait for the first byte back (up to a
 *                         minute), then until the program is quiet for
 *                         QUIET_MS; print "LABEL BYTES MS", MS the time from
 *                         the key to the last byte; when nothing came within
 *                         the minute, "LABEL 0 60000" and the run ends
 *   type KEYS             the same, printing nothing
 *   dump FILE             write the bytes of the previous key step to FILE
 * KEYS may hold \e (Esc), \r (Enter), \t, \xNN and the names <pgdn>,
 * <pgup>, <down>, <up>, <end>, <home>.  The terminal is xterm-256color
 * unless TERM says otherwise.  At the end the program gets "q" keys, then
 * SIGHUP, then SIGKILL if it is still there two seconds later.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* How long a key waits for its first byte back. */
#define FIRST_MS 60000

static unsigned char last[1 << 20];
static size_t nlast;

/* Waits up to first_ms for a first byte, then reads until nothing came for
 * quiet_ms; returns the bytes read and sets *t_last to the time of the last
 * one (the time of the call when none came). */
static size_t drain(int fd, int first_ms, int quiet_ms, double *t_last, int keep)
{
	size_t total = 0;
	unsigned char buf[65536];

	if (keep)
		nlast = 0;
	*t_last = now_ms();
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, total ? quiet_ms : first_ms) <= 0)
			break;
		n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break;
		*t_last = now_ms();
		if (keep && nlast + (size_t)n <= sizeof last) {
			memcpy(last + nlast, buf, (size_t)n);
			nlast += (size_t)n;
		}
		total += (size_t)n;
	}
	return total;
}

static size_t decode_keys(const char *s, char *out, size_t cap)
{
	static const struct { const char *name, *seq; } names[] = {
		{ "<pgdn>", "\033[6~" }, { "<pgup>", "\033[5~" }, { "<down>", "\033[B" },
		{ "<up>", "\033[A" }, { "<end>", "\033[F" }, { "<home>", "\033[H" },
	};
	size_t n = 0, i;

	while (*s && n + 8 < cap) {
		if (*s == '\\' && s[1]) {
			s++;
			if (*s == 'e')
				out[n++] = '\033';
			else if (*s == 'r')
				out[n++] = '\r';
			else if (*s == 't')
				out[n++] = '\t';
			else if (*s == 'x' && s[1] && s[2]) {
				char hex[3] = { s[1], s[2], 0 };

				out[n++] = (char)strtol(hex, NULL, 16);
				s += 2;
			} else
				out[n++] = *s;
			s++;
			continue;
		}
		if (*s == '<') {
			for (i = 0; i < sizeof names / sizeof names[0]; i++) {
				size_t l = strlen(names[i].name);

				if (strncmp(s, names[i].name, l) == 0) {
					memcpy(out + n, names[i].seq, strlen(names[i].seq));
					n += strlen(names[i].seq);
					s += l;
					break;
				}
			}
			if (i < sizeof names / sizeof names[0])
				continue;
		}
		out[n++] = *s++;
	}
	return n;
}

int main(int argc, char **argv)
{
	struct winsize ws;
	int cols, rows, quiet, fd, i, status;
	FILE *script;
	char line[4096], keys[4096];
	pid_t pid;
	double t;

	if (argc < 7 || strcmp(argv[5], "--") != 0) {
		fprintf(stderr, "usage: ptykeys COLS ROWS QUIET_MS SCRIPT -- PROGRAM [ARGS...]\n");
		return 2;
	}
	cols = atoi(argv[1]);
	rows = atoi(argv[2]);
	quiet = atoi(argv[3]);
	script = fopen(argv[4], "r");
	if (!script) {
		perror(argv[4]);
		return 1;
	}
	memset(&ws, 0, sizeof ws);
	ws.ws_col = (unsigned short)cols;
	ws.ws_row = (unsigned short)rows;
	pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0) {
		perror("forkpty");
		return 1;
	}
	if (pid == 0) {
		if (!getenv("TERM"))
			setenv("TERM", "xterm-256color", 1);
		unsetenv("LINES");
		unsetenv("COLUMNS");
		execvp(argv[6], argv + 6);
		perror(argv[6]);
		_exit(127);
	}
	{
		double start = now_ms();
		size_t first = drain(fd, FIRST_MS, 20, &t, 0), rest;

		printf("start-first %zu %.1f\n", first, t - start);
		double t_first = t;

		rest = drain(fd, quiet, quiet, &t, 0);
		printf("start-settled %zu %.1f\n", first + rest, (rest ? t : t_first) - start);
		fflush(stdout);
	}
	while (fgets(line, sizeof line, script)) {
		char *p = line, *label, *rest;
		size_t nk;

		line[strcspn(line, "\n")] = '\0';
		if (strncmp(p, "key ", 4) == 0) {
			double sent;
			size_t got;

			label = p + 4;
			rest = strchr(label, ' ');
			if (!rest)
				continue;
			*rest++ = '\0';
			nk = decode_keys(rest, keys, sizeof keys);
			sent = now_ms();
			if (write(fd, keys, nk) != (ssize_t)nk)
				break;
			got = drain(fd, FIRST_MS, quiet, &t, 1);
			printf("%s %zu %.1f\n", label, got, got ? t - sent : (double)FIRST_MS);
			fflush(stdout);
			if (!got)
				break;
		} else if (strncmp(p, "type ", 5) == 0) {
			nk = decode_keys(p + 5, keys, sizeof keys);
			if (write(fd, keys, nk) != (ssize_t)nk)
				break;
			drain(fd, FIRST_MS, quiet, &t, 0);
		} else if (strncmp(p, "dump ", 5) == 0) {
			FILE *o = fopen(p + 5, "wb");

			if (o) {
				fwrite(last, 1, nlast, o);
				fclose(o);
			}
		}
	}
	fclose(script);
	for (i = 0; i < 3; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			goto done;
		if (write(fd, "q", 1) < 0)
			break;
		drain(fd, 1000, 200, &t, 0);
	}
	kill(pid, SIGHUP);
	for (i = 0; i < 20; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			goto done;
		drain(fd, 100, 100, &t, 0);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
done:
	close(fd);
	return 0;
}
