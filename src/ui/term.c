#include "ui/term.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* core/keys.h declares key_name(), a name X/Open curses also uses (for a
 * different function); this file needs only the TBK_* codes. */
#define key_name tb_keys_key_name
#include "core/keys.h"
#undef key_name
#include "core/util.h"
#include "ui/frame.h"
#include "ui/term_impl.h"

/* The only process-wide state: what the signal handler writes. */
static volatile sig_atomic_t term_signal;

static void on_signal(int sig)
{
	term_signal = sig;
}

int term_signalled(void)
{
	return (int)term_signal;
}

static void leave_curses(void)
{
	if (!isendwin())
		endwin();
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked read returns so the loop sees the flag. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void restore_signals(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
}

/* How long a lone Esc byte waits for the rest of an escape sequence (the
 * bytes of an arrow or function key) before it counts as the Esc key.  A
 * terminal writes a key's whole sequence with one write, and SSH carries
 * each write in one packet (interactive sessions turn Nagle off), so the
 * bytes of one key arrive together however far away the server is: latency
 * delays the whole sequence, it does not split it.  The wait only has to
 * cover a sequence split between two reads by the tty layer, which takes
 * microseconds.  10 ms is tmux's default escape-time since 3.5 (it was
 * 500 ms), chosen for the same reason; ncurses' own default is a second.
 * ESCDELAY in the environment (ncurses' variable, in ms) still wins, for a
 * link that does split sequences (a serial line, some mobile links). */
#define ESC_DELAY_MS 10

int term_esc_delay(void)
{
	const char *v = getenv("ESCDELAY");
	char *end;
	long ms;

	if (v && *v) {
		ms = strtol(v, &end, 10);
		if (!*end && ms >= 0 && ms <= 10000)
			return (int)ms;
	}
	return ESC_DELAY_MS;
}

int term_open(const struct term_opts *o, struct term **out, struct err *err)
{
	struct term *t = xcalloc(1, sizeof *t);
	const char *termname = getenv("TERM");

	t->scripted = o->scripted;
	t->no_color = o->no_color;
	if (o->scripted) {
		t->out = fopen("/dev/null", "w");
		t->in = fopen("/dev/null", "r");
		t->own_out = t->own_in = true;
		if (!termname || !*termname)
			termname = "dumb";
	} else {
		if (isatty(STDIN_FILENO)) {
			t->in = stdin;
		} else {
			t->in = fopen("/dev/tty", "r");
			t->own_in = true;
		}
		if (isatty(STDOUT_FILENO)) {
			t->out = stdout;
		} else {
			t->out = fopen("/dev/tty", "w");
			t->own_out = true;
		}
	}
	if (!t->in || !t->out) {
		err_set(err, ERR_USAGE, "not a terminal (the browser needs a tty; "
			"use --keys FILE for a scripted run)");
		goto fail;
	}
	install_signals();
	util_set_fatal_hook(leave_curses);
	t->screen = newterm(termname, t->out, t->in);
	if (!t->screen) {
		err_set(err, ERR_USAGE, "cannot use terminal type \"%s\"",
			termname ? termname : "(unset)");
		goto fail;
	}
	set_term(t->screen);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	set_escdelay(term_esc_delay());
	leaveok(stdscr, FALSE);
	curs_set(0);
	if (has_colors() && !t->no_color) {
		start_color();
		use_default_colors();
		t->colors = COLORS >= 256 ? 256 : COLORS >= 88 ? 88 : COLORS >= 16 ? 16 :
			    COLORS >= 8 ? 8 : 0;
		/* One pair per slot or no colours at all. */
		if (COLOR_PAIRS <= SLOT_COUNT_)
			t->colors = 0;
	}
	if (o->scripted && o->rows > 0 && o->cols > 0)
		resizeterm(o->rows, o->cols);
	t->theme = xstrdup("");
	*out = t;
	return 0;
fail:
	term_close(t);
	return -1;
}

void term_close(struct term *t)
{
	if (!t)
		return;
	if (t->screen) {
		leave_curses();
		delscreen(t->screen);
	}
	restore_signals();
	if (t->own_out && t->out)
		fclose(t->out);
	if (t->own_in && t->in)
		fclose(t->in);
	free(t->theme);
	free(t);
}

void term_size(const struct term *t, int *rows, int *cols)
{
	(void)t;
	*rows = LINES;
	*cols = COLS;
}

void term_resize(struct term *t, int rows, int cols)
{
	(void)t;
	if (rows > 0 && cols > 0)
		resizeterm(rows, cols);
}

int term_colors(const struct term *t)
{
	return t->colors;
}

/* Style bits as curses attributes. */
static const struct {
	unsigned sty;
	attr_t attr;
} sty_attrs[] = {
	{ STY_BOLD, A_BOLD },           { STY_DIM, A_DIM },
	{ STY_REVERSE, A_REVERSE },     { STY_UNDERLINE, A_UNDERLINE },
	{ STY_ITALIC, A_ITALIC },       { STY_STANDOUT, A_STANDOUT },
};

static attr_t sty_attr(unsigned s)
{
	attr_t a = A_NORMAL;
	size_t i;

	for (i = 0; i < sizeof sty_attrs / sizeof sty_attrs[0]; i++)
		if (s & sty_attrs[i].sty)
			a |= sty_attrs[i].attr;
	return a;
}

void term_set_styles(struct term *t, const struct slot_style styles[SLOT_COUNT_],
		     const char *theme_name)
{
	int s;
	cchar_t bg;
	wchar_t sp[2] = { L' ', 0 };

	for (s = 0; s < SLOT_COUNT_; s++) {
		t->styles[s] = styles[s];
		if (t->colors) {
			init_pair((short)(s + 1), styles[s].fg, styles[s].bg);
			t->attr[s] = sty_attr(styles[s].attrs);
		} else {
			t->attr[s] = sty_attr(styles[s].mono);
		}
	}
	free(t->theme);
	t->theme = xstrdup(theme_name ? theme_name : "");
	setcchar(&bg, sp, t->attr[SLOT_DEFAULT], (short)(SLOT_DEFAULT + 1), NULL);
	wbkgrndset(stdscr, &bg);
	/* Cells already on screen keep their old attributes: repaint. */
	touchwin(stdscr);
}

const struct slot_style *term_style(const struct term *t, enum slot s)
{
	return &t->styles[(int)s >= 0 && s < SLOT_COUNT_ ? s : SLOT_DEFAULT];
}

const char *term_theme_name(const struct term *t)
{
	return t->theme;
}

static int map_key(int code, wint_t wc)
{
	if (code == KEY_CODE_YES) {
		switch (wc) {
		case KEY_UP: return TBK_UP;
		case KEY_DOWN: return TBK_DOWN;
		case KEY_LEFT: return TBK_LEFT;
		case KEY_RIGHT: return TBK_RIGHT;
		case KEY_HOME: return TBK_HOME;
		case KEY_END: return TBK_END;
		case KEY_PPAGE: return TBK_PGUP;
		case KEY_NPAGE: return TBK_PGDN;
		case KEY_IC: return TBK_INSERT;
		case KEY_DC: return TBK_DELETE;
		case KEY_BACKSPACE: return TBK_BACKSPACE;
		case KEY_BTAB: return TBK_BACKTAB;
		case KEY_ENTER: return TBK_ENTER;
		case KEY_RESIZE: return TBK_RESIZE;
		default:
			if (wc >= KEY_F(1) && wc <= KEY_F(12))
				return TBK_F1 + (int)(wc - KEY_F(1));
			return -1;
		}
	}
	if (wc == 127)
		return TBK_BACKSPACE;
	if (wc == '\n')
		return TBK_ENTER;
	return (int)wc;
}

int term_read_key(struct term *t, int timeout_ms)
{
	wint_t wc;
	int code;

	(void)t;
	for (;;) {
		if (term_signal)
			return -1;
		wtimeout(stdscr, timeout_ms);
		code = wget_wch(stdscr, &wc);
		if (code == ERR)
			return -1;
		code = map_key(code, wc);
		if (code >= 0)
			return code;
		/* An unknown function key: ignore it. */
	}
}

/* A key already read by curses (or arriving now), without waiting. */
static int key_now(void)
{
	wint_t wc;
	int code;

	for (;;) {
		wtimeout(stdscr, 0);
		code = wget_wch(stdscr, &wc);
		if (code == ERR)
			return -1;
		code = map_key(code, wc);
		if (code >= 0)
			return code;
	}
}

int term_wait_key(struct term *t, const int *fds, size_t nfds, int timeout_ms, bool *fd_ready)
{
	int64_t until = timeout_ms >= 0 ? mono_ms() + timeout_ms : -1;
	struct pollfd p[1 + TERM_WAIT_FDS];
	size_t np, i;
	int key, left, n;
	bool ready;

	*fd_ready = false;
	for (;;) {
		if (term_signal)
			return -1;
		key = key_now();
		if (key >= 0)
			return key;
		left = until < 0 ? -1 : (int)(until - mono_ms());
		if (until >= 0 && left < 0)
			left = 0;
		p[0].fd = fileno(t->in);
		p[0].events = POLLIN;
		p[0].revents = 0;
		for (np = 1, i = 0; i < nfds && np <= TERM_WAIT_FDS; i++) {
			if (fds[i] < 0)
				continue;
			p[np].fd = fds[i];
			p[np].events = POLLIN;
			p[np].revents = 0;
			np++;
		}
		n = poll(p, (nfds_t)np, left);
		if (n < 0 && errno == EINTR)
			continue;  /* a signal, or SIGWINCH: look again */
		if (n < 0)
			return term_read_key(t, left);
		for (ready = false, i = 1; i < np; i++)
			ready |= (p[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
		if (ready) {
			*fd_ready = true;
			return key_now();
		}
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			return term_read_key(t, left);  /* the terminal is gone */
		if (p[0].revents & POLLIN) {
			/* A key, maybe the start of an escape sequence: curses
			 * waits its escape delay for the rest. */
			key = term_read_key(t, ESCDELAY > 0 ? ESCDELAY : 25);
			if (key >= 0 || term_signal)
				return key;
			continue;
		}
		if (n == 0)
			return -1;
	}
}

bool term_key_pending(struct term *t)
{
	wint_t wc;
	int code;

	(void)t;
	wtimeout(stdscr, 0);
	code = wget_wch(stdscr, &wc);
	if (code == ERR)
		return false;
	if (code == KEY_CODE_YES)
		ungetch((int)wc);
	else
		unget_wch((wchar_t)wc);
	return true;
}

/* Does a space look the same in slot s as in the default slot?  Then the
 * gap between two columns can keep the colour of the column before it:
 * the terminal is sent one colour change per column instead of two (a
 * reset to the default colour, then the next column's), which is a third
 * of what a screen of the list costs over SSH. */
static bool blank_as_default(const struct term *t, enum slot s)
{
	const attr_t shows = A_UNDERLINE | A_REVERSE | A_STANDOUT;

	if ((t->attr[s] & shows) != (t->attr[SLOT_DEFAULT] & shows))
		return false;
	return !t->colors || t->styles[s].bg == t->styles[SLOT_DEFAULT].bg;
}

static bool all_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ')
			return false;
	return n > 0;
}

void term_draw(struct term *t, const struct frame *f)
{
	size_t i, s;

	werase(stdscr);
	for (i = 0; i < f->n; i++) {
		const struct frame_item *it = &f->items[i];
		const struct tb_line *l = &f->tb.lines[it->line];
		enum slot prev = SLOT_DEFAULT;
		int w = 0;

		wmove(stdscr, it->y, it->x);
		for (s = 0; s < l->nsegs; s++) {
			const struct tb_seg *seg = &l->segs[s];
			enum slot sl = it->over != SLOT_KEEP ? it->over : (enum slot)seg->slot;

			/* Escapes stay visible on the cursor line. */
			if (it->over != SLOT_KEEP && seg->slot == SLOT_ESCAPE)
				sl = SLOT_ESCAPE;
			if (sl == SLOT_DEFAULT && s > 0 && s + 1 < l->nsegs && prev != SLOT_DEFAULT &&
			    blank_as_default(t, prev) && all_blank(l->text + seg->off, seg->len))
				sl = prev;
			prev = sl;
			wattr_set(stdscr, t->attr[sl] | (it->over != SLOT_KEEP ?
							 t->attr[it->over] : 0),
				  (short)(sl + 1), NULL);
			waddnstr(stdscr, l->text + seg->off, (int)seg->len);
		}
		w = l->width;
		if (w < it->w) {
			enum slot sl = it->over != SLOT_KEEP ? it->over : it->fill;
			int k;

			wattr_set(stdscr, t->attr[sl], (short)(sl + 1), NULL);
			for (k = w; k < it->w; k++)
				waddch(stdscr, ' ');
		}
	}
	wattr_set(stdscr, t->attr[SLOT_DEFAULT], (short)(SLOT_DEFAULT + 1), NULL);
	if (f->cur_y >= 0 && f->cur_x >= 0) {
		wmove(stdscr, f->cur_y, f->cur_x);
		curs_set(1);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

void term_repaint(struct term *t)
{
	(void)t;
	clearok(curscr, TRUE);
}

/* ---- $EDITOR ----------------------------------------------------------- */

int term_edit_external(struct term *t, const char *text, char **out, struct err *err)
{
	const char *tmp = getenv("TMPDIR"), *ed = getenv("VISUAL");
	char *path = NULL, *data = NULL, *cmd = NULL;
	int fd = -1, rc = -1, status = 0;
	size_t len = strlen(text), dlen;
	struct sigaction ign, old_int, old_quit;
	pid_t pid;

	if (t->scripted)
		return err_set(err, ERR_USAGE, "no external editor in scripted mode");
	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	path = xasprintf("%s/tracelab-XXXXXX.txt", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemps(path, 4);
	if (fd < 0) {
		err_set(err, ERR_RUNTIME, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1) {
		err_set(err, ERR_RUNTIME, "%s: %s", path, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	def_prog_mode();
	endwin();
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	/* As git does: the editor setting is a shell command (it may hold
	 * options), the file is its argument. */
	cmd = xasprintf("%s \"$@\"", ed);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	reset_prog_mode();
	clearok(curscr, TRUE);
	if (pid < 0) {
		err_set(err, ERR_RUNTIME, "cannot start %s: %s", ed, strerror(errno));
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		err_set(err, ERR_RUNTIME, "%s exited with status %d", ed,
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		goto out;
	}
	data = read_file(path, &dlen);
	if (!data) {
		err_set(err, ERR_RUNTIME, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (dlen && data[dlen - 1] == '\n')
		data[--dlen] = '\0';
	if (dlen && data[dlen - 1] == '\r')
		data[--dlen] = '\0';
	*out = data;
	data = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (path)
		unlink(path);
	free(path);
	free(data);
	free(cmd);
	return rc;
}
