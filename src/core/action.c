#include "core/action.h"

#include <string.h>

static const struct action_info actions[ACT_COUNT_] = {
	[ACT_NONE] = { ACT_NONE, "none", AG_MISC, "Unbind the key" },
#define X_(id, name, group, help) [ACT_##id] = { ACT_##id, name, AG_##group, help },
	ACTION_LIST(X_)
#undef X_
};

static const char *const group_titles[AG_COUNT_] = {
#define G_(id, title) [AG_##id] = title,
	ACTION_GROUPS(G_)
#undef G_
};

const struct action_info *action_info(enum action a)
{
	if ((int)a < 0 || a >= ACT_COUNT_)
		return &actions[ACT_NONE];
	return &actions[a];
}

int action_by_name(const char *name)
{
	int i;

	for (i = 0; i < ACT_COUNT_; i++)
		if (strcmp(actions[i].name, name) == 0)
			return i;
	return -1;
}

const char *action_group_title(enum action_group g)
{
	return (int)g >= 0 && g < AG_COUNT_ ? group_titles[g] : "";
}
