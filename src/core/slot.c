#include "core/slot.h"

#include <string.h>

static const char *const names[SLOT_COUNT_] = {
#define X_(id, name, help) [SLOT_##id] = name,
	SLOT_LIST(X_)
#undef X_
};

static const char *const helps[SLOT_COUNT_] = {
#define X_(id, name, help) [SLOT_##id] = help,
	SLOT_LIST(X_)
#undef X_
};

const char *slot_name(enum slot s)
{
	return (int)s >= 0 && s < SLOT_COUNT_ ? names[s] : "";
}

const char *slot_help(enum slot s)
{
	return (int)s >= 0 && s < SLOT_COUNT_ ? helps[s] : "";
}

int slot_by_name(const char *name)
{
	int i;

	for (i = 0; i < SLOT_COUNT_; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}
