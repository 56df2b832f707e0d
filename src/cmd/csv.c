#include "cmd/csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/textbuf.h"

void csv_cell(struct strbuf *sb, const char *s, bool first, bool text, bool tty)
{
	char *shown = tty && s ? sanitize_dup(s, strlen(s)) : NULL;
	const char *p = shown ? shown : s, *end;
	bool formula, quote;

	if (!first)
		sb_addc(sb, ',');
	if (!p || !*p)
		goto out;
	formula = text && strchr("=+-@\t\r", *p) != NULL;
	quote = formula || strpbrk(p, ",\"\r\n");
	if (quote)
		sb_adds(sb, formula ? "\"'" : "\"");
	for (end = p + strlen(p); p < end;) {
		uint32_t cp;
		int k = (unsigned char)*p < 0x80 ? 1 : utf8_decode(p, (size_t)(end - p), &cp);

		if (k <= 0 && end - p >= 2 && memcmp(p, TB_NUL, 2) == 0) {
			sb_adds(sb, "^@");   /* a NUL inside the stored text */
			p += 2;
			continue;
		}
		if (k <= 0) {
			/* Not UTF-8: what a spreadsheet would misread. */
			sb_adds(sb, "\xef\xbf\xbd");
			p++;
			continue;
		}
		if (*p == '"')
			sb_addc(sb, '"');
		sb_add(sb, p, (size_t)k);
		p += k;
	}
	if (quote)
		sb_addc(sb, '"');
out:
	free(shown);
}
