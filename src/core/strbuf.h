#ifndef TB_CORE_STRBUF_H
#define TB_CORE_STRBUF_H
/*
 * A growable byte string, always NUL-terminated once anything was added.
 * The struct owns buf; sb_free releases it, sb_take hands it to the caller.
 */
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *sb);            /* length 0, keeps memory */
void sb_free(struct strbuf *sb);
char *sb_take(struct strbuf *sb);            /* caller frees; "" if empty */
const char *sb_str(const struct strbuf *sb); /* "" if empty; borrowed */

#endif
