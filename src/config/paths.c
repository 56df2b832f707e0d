#include "config/paths.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

/* $HOME, else the password entry's directory; borrowed, may be NULL. */
static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h)
		return h;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
}

char *paths_config_dir(void)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	const char *h;

	if (x && x[0] == '/')
		return xasprintf("%s/tracelab", x);
	h = home_dir();
	return h ? xasprintf("%s/.config/tracelab", h) : NULL;
}

char *paths_state_file(const char *rel)
{
	const char *x = getenv("XDG_STATE_HOME");
	const char *h;

	if (x && x[0] == '/')
		return xasprintf("%s/tracelab/%s", x, rel);
	h = home_dir();
	return h ? xasprintf("%s/.local/state/tracelab/%s", h, rel) : NULL;
}

char *paths_cache_file(const char *rel)
{
	const char *x = getenv("XDG_CACHE_HOME");
	const char *h;

	if (x && x[0] == '/')
		return xasprintf("%s/tracelab/%s", x, rel);
	h = home_dir();
	return h ? xasprintf("%s/.cache/tracelab/%s", h, rel) : NULL;
}

char *paths_config_file(const char *rel)
{
	char *dir = paths_config_dir(), *p;

	if (!dir)
		return NULL;
	p = xasprintf("%s/%s", dir, rel);
	free(dir);
	return p;
}

char *paths_expand(const char *path)
{
	const char *h;

	if (!path)
		return NULL;
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && (h = home_dir()))
		return xasprintf("%s%s", h, path + 1);
	return xstrdup(path);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool paths_is_path(const char *s)
{
	return strchr(s, '/') || ends_with(s, ".yaml") || ends_with(s, ".yml");
}

bool paths_exists(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
