#include "core/jstr.h"

#include <stdint.h>

#include "core/textbuf.h"

int jstr_hex4(const char *p, const char *end, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void put_cp(struct strbuf *out, uint32_t cp)
{
	char enc[4];

	if (cp == 0)
		sb_adds(out, "\\u0000");
	else
		sb_add(out, enc, (size_t)utf8_encode(cp, enc));
}

const char *jstr_decode(const char *p, const char *end, struct strbuf *out, bool *cut)
{
	uint32_t cp, lo;

	if (p >= end || *p != '"')
		return NULL;
	sb_add(out, "", 0);
	for (p++; p < end && *p != '"'; p++) {
		if (*p != '\\') {
			sb_addc(out, *p);
			continue;
		}
		if (++p >= end)
			break;
		switch (*p) {
		case '"': case '\\': case '/': sb_addc(out, *p); break;
		case 'b': sb_addc(out, '\b'); break;
		case 'f': sb_addc(out, '\f'); break;
		case 'n': sb_addc(out, '\n'); break;
		case 'r': sb_addc(out, '\r'); break;
		case 't': sb_addc(out, '\t'); break;
		case 'u':
			if (jstr_hex4(p + 1, end, &cp) < 0) {
				if (cut && end - (p + 1) < 4)
					goto short_text;
				return NULL;
			}
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && end - p > 6 && p[1] == '\\' &&
			    p[2] == 'u' && jstr_hex4(p + 3, end, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				cp = 0xfffd;
			}
			put_cp(out, cp);
			break;
		default:
			return NULL;
		}
	}
	if (p < end)
		return p + 1;
short_text:
	if (!cut)
		return NULL;
	*cut = true;
	return end;
}
