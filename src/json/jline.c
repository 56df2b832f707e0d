#include "json/jline.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "json/jtree.h"

int jline_parse(const char *s, size_t n, struct jfield **out, size_t *nout, struct err *err)
{
	cJSON *root, *c;
	struct jfield *v;
	size_t k = 0;

	*out = NULL;
	*nout = 0;
	root = jt_parse(s, n, err);
	if (!root)
		return -1;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return err_set(err, ERR_PARSE, "not a JSON object");
	}
	v = xcalloc(jt_count(root) + 1, sizeof *v);
	for (c = root->child; c; c = c->next) {
		struct jfield *f = &v[k++];

		f->key = xstrdup(c->string ? c->string : "");
		f->is_str = cJSON_IsString(c);
		f->is_null = cJSON_IsNull(c);
		f->text = f->is_str ? xstrdup(c->valuestring ? c->valuestring : "") : jt_print(c);
	}
	cJSON_Delete(root);
	*out = v;
	*nout = k;
	return 0;
}

void jline_free(struct jfield *f, size_t n)
{
	size_t i;

	for (i = 0; f && i < n; i++) {
		free(f[i].key);
		free(f[i].text);
	}
	free(f);
}

const struct jfield *jline_get(const struct jfield *f, size_t n, const char *key)
{
	size_t i;

	for (i = n; i-- > 0;)
		if (strcmp(f[i].key, key) == 0)
			return &f[i];
	return NULL;
}

bool jline_is_object(const char *s)
{
	struct err err;
	cJSON *root;
	bool ok;

	err_clear(&err);
	root = jt_parse(s, strlen(s), &err);
	ok = root && cJSON_IsObject(root);
	cJSON_Delete(root);
	return ok;
}

bool jline_is_value(const char *s)
{
	return jt_valid(s, strlen(s));
}
