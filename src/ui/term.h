#ifndef TB_UI_TERM_H
#define TB_UI_TERM_H
/*
 * The terminal: ncursesw set up with newterm on the real tty, or, in
 * scripted mode, on /dev/null with a fixed size (no tty needed).  It owns
 * the colour set-up (one colour pair per slot, so every cell records its
 * slot), key input mapped onto core/keys.h codes, the signal flag
 * (SIGINT/SIGTERM/SIGHUP set it; the loop polls term_signalled) and leaving
 * curses on every way out, including the fatal hook for out-of-memory.
 *
 * Drawing (draw.c) and snapshots (snapshot.c) go through this header; only
 * term.c, draw.c and snapshot.c include curses.h.
 *
 * Ownership: term_open returns a struct term owned by the caller, released
 * by term_close (which restores the terminal).  There is one terminal per
 * process.
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/slot.h"

struct frame;

/* Style attributes, independent of curses. */
enum {
	STY_BOLD      = 1u << 0,
	STY_DIM       = 1u << 1,
	STY_REVERSE   = 1u << 2,
	STY_UNDERLINE = 1u << 3,
	STY_ITALIC    = 1u << 4,
	STY_STANDOUT  = 1u << 5,
};

#define STY_COLOR_DEFAULT (-1)

/* How one slot looks: colours (-1 default, or one the terminal has: see
 * term_colors) with attributes, and the attributes used when there are no
 * colours. */
struct slot_style {
	short fg, bg;
	unsigned attrs;
	unsigned mono;
};

struct term_opts {
	bool scripted;       /* render into /dev/null, no tty, fixed size */
	int rows, cols;      /* scripted size */
	bool no_color;       /* NO_COLOR: attributes only */
};

struct term;

int term_open(const struct term_opts *o, struct term **out, struct err *err);
/* Restores the terminal (endwin) and frees; NULL is fine. */
void term_close(struct term *t);

void term_size(const struct term *t, int *rows, int *cols);
/* Scripted resize (":resize COLS ROWS"): as if the terminal changed size. */
void term_resize(struct term *t, int rows, int cols);

/* Number of colours in use: 0 (attributes only), 8, 16, 88 or 256. */
int term_colors(const struct term *t);
/* Sets the look of every slot (init_pair per slot). */
void term_set_styles(struct term *t, const struct slot_style styles[SLOT_COUNT_],
		     const char *theme_name);
const struct slot_style *term_style(const struct term *t, enum slot s);
const char *term_theme_name(const struct term *t);

/* Milliseconds a lone Esc waits for the rest of an escape sequence: 10, or
 * ESCDELAY from the environment.  The loop waits as long again before it
 * takes an Esc that may begin an Alt binding as the Esc key. */
int term_esc_delay(void);

/* Reads one key (core/keys.h code) waiting at most timeout_ms (-1: block).
 * Returns -1 on timeout or when a signal arrived. */
int term_read_key(struct term *t, int timeout_ms);
/* The most descriptors term_wait_key waits on besides the terminal. */
#define TERM_WAIT_FDS 4

/* Waits for a key or for one of fds[0..nfds) (workers'; -1 entries are
 * skipped; at most TERM_WAIT_FDS) to become readable, at most timeout_ms
 * (-1: no limit).  Returns the key, or -1 (timeout, a signal, or an fd
 * readable: then *fd_ready is true, and a key typed at the same moment is
 * still returned, so none is lost). */
int term_wait_key(struct term *t, const int *fds, size_t nfds, int timeout_ms, bool *fd_ready);
/* Is a key waiting (without consuming it)? */
bool term_key_pending(struct term *t);

/* A signal that asks us to leave (SIGINT, SIGTERM, SIGHUP): 0 if none. */
int term_signalled(void);

/* Draws a frame (minimal update: ncurses diffs against the screen). */
void term_draw(struct term *t, const struct frame *f);
/* Forces a full repaint on the next draw (Ctrl-L). */
void term_repaint(struct term *t);

/* Writes the screen: one line per row (trailing spaces trimmed), then a
 * blank line, "-- slots --" and one line per row with a letter per cell
 * naming its colour slot, then a legend of the letters used with their
 * style in the current theme. */
int term_snapshot(struct term *t, const char *path, struct err *err);
/* The letter of a slot in snapshots ('a'..'z', 'A'..'Z'). */
char term_slot_letter(enum slot s);

/* Leaves curses, runs $VISUAL / $EDITOR / vi on a temporary file holding
 * `text`, and returns what the file holds afterwards (caller frees; one
 * trailing newline dropped).  In scripted mode, fails with ERR_USAGE. */
int term_edit_external(struct term *t, const char *text, char **out, struct err *err);

#endif
