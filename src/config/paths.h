#ifndef TB_CONFIG_PATHS_H
#define TB_CONFIG_PATHS_H
/*
 * Where user configuration lives: $XDG_CONFIG_HOME/tracelab, or
 * ~/.config/tracelab when XDG_CONFIG_HOME is unset, empty or relative (as
 * the XDG base directory spec says).  Also "~/" expansion and the rule that
 * tells a name ("less", "dark") from a file path ("./my.yaml").
 *
 * Every returned string is malloc'd and owned by the caller.
 */
#include <stdbool.h>

/* "<config home>/tracelab", or NULL when no home directory is known. */
char *paths_config_dir(void);
/* "<config home>/tracelab/<rel>", or NULL. */
char *paths_config_file(const char *rel);
/* "<state home>/tracelab/<rel>": $XDG_STATE_HOME, else ~/.local/state
 * (XDG_STATE_HOME unset, empty or relative); NULL when no home directory
 * is known. */
char *paths_state_file(const char *rel);
/* "<cache home>/tracelab/<rel>": $XDG_CACHE_HOME, else ~/.cache (unset,
 * empty or relative); NULL when no home directory is known. */
char *paths_cache_file(const char *rel);
/* "~/x" -> "$HOME/x" (or the password entry's home); anything else is
 * copied unchanged.  NULL in, NULL out. */
char *paths_expand(const char *path);
/* True when s names a file rather than a shipped or user-dir name: it
 * holds a '/' or ends in ".yaml" / ".yml". */
bool paths_is_path(const char *s);
/* True when a regular file (or a link to one) exists at path. */
bool paths_exists(const char *path);

#endif
