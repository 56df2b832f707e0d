#ifndef TB_UI_LOOK_H
#define TB_UI_LOOK_H
/*
 * Themes as the browser sees them: a theme (config/theme.h: the shipped
 * YAML files or the user's) turned into one style per colour slot for the
 * terminal, with colours reduced to what the terminal can show.
 *
 * struct ui_look (the theme in use) is created by the first ui_look_set
 * and freed with ui_look_free.  Problems in a theme file go to the
 * message sink the caller passes.
 */
#include "core/err.h"
#include "core/msg.h"

struct term;
struct ui_look;

/* Loads theme `name` and applies it to term; *look remembers it. */
int ui_look_set(struct ui_look **look, struct term *term, const char *name,
		const struct msg_sink *msgs, struct err *err);
/* Name of the theme after the one in use, in name order (caller frees). */
char *ui_look_next(const struct ui_look *look);
void ui_look_free(struct ui_look *look);

#endif
