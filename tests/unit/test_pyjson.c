/* Python json.dumps encoding of feedback values, compared byte for byte
 * with the real python3. */
#include <math.h>
#include <stdint.h>

#include "core/err.h"
#include "core/pyjson.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "test.h"

/* Runs python3 with a script reading `input` (written to a file) and
 * returns its stdout (caller frees), or NULL when python3 cannot run. */
static char *python(const char *script, const char *input, size_t inlen)
{
	char *in = test_path("py-in"), *sc = test_path("py.py");
	char cmd[1200];
	struct strbuf sb = STRBUF_INIT;
	FILE *f, *p;
	char buf[4096];
	size_t n;

	f = fopen(in, "wb");
	if (!f || fwrite(input, 1, inlen, f) != inlen || fclose(f) != 0)
		goto fail;
	f = fopen(sc, "w");
	if (!f || fputs(script, f) < 0 || fclose(f) != 0)
		goto fail;
	snprintf(cmd, sizeof cmd, "python3 '%s' '%s'", sc, in);
	p = popen(cmd, "r");
	if (!p)
		goto fail;
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		sb_add(&sb, buf, n);
	if (pclose(p) != 0) {
		sb_free(&sb);
		goto fail;
	}
	free(in);
	free(sc);
	return sb_take(&sb);
fail:
	free(in);
	free(sc);
	return NULL;
}

static char *enc_str(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	pyjson_string(&sb, s, n);
	return sb_take(&sb);
}

static char *enc_float(double v)
{
	struct strbuf sb = STRBUF_INIT;

	pyjson_float(&sb, v);
	return sb_take(&sb);
}

static char *enc_int(int64_t v)
{
	struct strbuf sb = STRBUF_INIT;

	pyjson_int(&sb, v);
	return sb_take(&sb);
}

static const char py_string[] =
	"import json, sys\n"
	"s = open(sys.argv[1], 'rb').read().decode('utf-8', 'replace')\n"
	"sys.stdout.write(json.dumps(s))\n";

static void check_string_py(const char *s, size_t n)
{
	char *mine = enc_str(s, n), *py = python(py_string, s, n);

	CHECK(py != NULL);
	if (py)
		CHECK_STR(mine, py);
	free(mine);
	free(py);
}

TEST(strings_match_python)
{
	static const char *const cases[] = {
		"",
		"plain ascii",
		"caf\xc3\xa9",                          /* é */
		"\xe4\xb8\xad\xe6\x96\x87",             /* CJK */
		"emoji \xf0\x9f\x98\x80 end",           /* U+1F600: surrogate pair */
		"quotes \" and 'single'",
		"back\\slash \\n literal",
		"line1\nline2\r\nline3",
		"tab\there",
		"controls \x01\x02\x1b[31m\x1f \b \f",
		"del \x7f",
		"sep \xe2\x80\xa8 \xe2\x80\xa9",        /* U+2028, U+2029 */
		"C1 \xc2\x9b and nbsp \xc2\xa0",
		"bom \xef\xbb\xbf",
		"max \xf4\x8f\xbf\xbf",                 /* U+10FFFF */
		"bad \xff byte",
		"/slash/ stays",
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_string_py(cases[i], strlen(cases[i]));
	/* An embedded NUL byte. */
	check_string_py("a\0b", 3);
}

TEST(strings_known_bytes)
{
	char *s;

	s = enc_str("caf\xc3\xa9 \"q\"\n", strlen("caf\xc3\xa9 \"q\"\n"));
	CHECK_STR(s, "\"caf\\u00e9 \\\"q\\\"\\n\"");
	free(s);
	s = enc_str("\xf0\x9f\x98\x80", 4);
	CHECK_STR(s, "\"\\ud83d\\ude00\"");
	free(s);
	s = enc_str("\x7f\x1b", 2);
	CHECK_STR(s, "\"\\u007f\\u001b\"");
	free(s);
}

static const char py_floats[] =
	"import json, sys\n"
	"for line in open(sys.argv[1]):\n"
	"    line = line.strip()\n"
	"    if line:\n"
	"        print(json.dumps(float.fromhex(line)))\n";

TEST(floats_match_python)
{
	static const double fixed[] = {
		0.1, 0.85, 5.0, 1e16, 1e15, 1e-5, 0.0001, 123456789.123, -0.0, 0.0,
		1e300, 2.5e-320, 5e-324, 1.7976931348623157e308, 0.3, 2.0 / 3.0, 1e22,
		1e21, 9007199254740993.0, 123456789012345678.0, 1234567890123456.7,
		0.00012345, 0.000012345, 100.0, 1.5, -1.5e-7, 42.0, 3.14159, 1e-4, 9.999999999999999e15,
		1e23, 4.35, 0.1 + 0.2, 1e-300, 2.2250738585072014e-308,
	};
	struct strbuf in = STRBUF_INIT, mine = STRBUF_INIT;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	char *py;
	size_t i;
	int k;

	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		char *s = enc_float(fixed[i]);

		sb_addf(&in, "%a\n", fixed[i]);
		sb_addf(&mine, "%s\n", s);
		free(s);
	}
	/* Random bit patterns (finite ones), and random "human" decimals. */
	for (k = 0; k < 3000; k++) {
		double d;
		char *s;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (k % 2) {
			memcpy(&d, &x, sizeof d);
			if (!isfinite(d))
				continue;
		} else {
			d = (double)(x % 100000) / pow(10.0, (double)(x % 13)) *
			    pow(10.0, (double)((int)(x >> 40) % 40 - 20));
		}
		s = enc_float(d);
		sb_addf(&in, "%a\n", d);
		sb_addf(&mine, "%s\n", s);
		free(s);
	}
	py = python(py_floats, in.buf, in.len);
	CHECK(py != NULL);
	if (py && strcmp(py, sb_str(&mine)) != 0) {
		/* Show the first difference. */
		const char *a = sb_str(&mine), *b = py;
		size_t line = 1;

		while (*a && *a == *b) {
			if (*a == '\n')
				line++;
			a++, b++;
		}
		printf("    first difference on line %zu: mine \"%.30s\" python \"%.30s\"\n", line, a, b);
		CHECK(0);
	}
	free(py);
	sb_free(&in);
	sb_free(&mine);
}

TEST(floats_known_text)
{
	static const struct {
		double v;
		const char *s;
	} cases[] = {
		{ 0.1, "0.1" },       { 0.85, "0.85" },        { 5.0, "5.0" },
		{ 1e16, "1e+16" },    { 1e15, "1000000000000000.0" }, { 1e-5, "1e-05" },
		{ 1.5e-5, "1.5e-05" }, { 0.0001, "0.0001" },   { -0.0, "-0.0" },
		{ 1e300, "1e+300" },  { 2.5e-320, "2.5e-320" }, { 123456789.123, "123456789.123" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = enc_float(cases[i].v);

		CHECK_STR(s, cases[i].s);
		free(s);
	}
	{
		char *s = enc_float(NAN), *t = enc_float(INFINITY), *u = enc_float(-INFINITY);

		CHECK_STR(s, "NaN");
		CHECK_STR(t, "Infinity");
		CHECK_STR(u, "-Infinity");
		free(s);
		free(t);
		free(u);
	}
}

TEST(ints_and_bools)
{
	static const int64_t v[] = { 0, 1, -1, 5, -3, 4096, INT64_MAX, INT64_MIN, 1234567890123 };
	struct strbuf in = STRBUF_INIT, mine = STRBUF_INIT;
	char *py;
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		char *s = enc_int(v[i]);

		sb_addf(&in, "%" PRId64 "\n", v[i]);
		sb_addf(&mine, "%s\n", s);
		free(s);
	}
	py = python("import json, sys\n"
		    "for l in open(sys.argv[1]):\n"
		    "    print(json.dumps(int(l)))\n"
		    "print(json.dumps(True)); print(json.dumps(False))\n",
		    in.buf, in.len);
	pyjson_bool(&mine, true);
	sb_addc(&mine, '\n');
	pyjson_bool(&mine, false);
	sb_addc(&mine, '\n');
	CHECK(py != NULL);
	if (py)
		CHECK_STR(sb_str(&mine), py);
	free(py);
	sb_free(&in);
	sb_free(&mine);
}

static char *encode(const char *text, enum value_type type, struct err *err)
{
	struct strbuf sb = STRBUF_INIT;

	if (pyjson_encode_value(text, type, &sb, err) < 0) {
		sb_free(&sb);
		return NULL;
	}
	return sb_take(&sb);
}

TEST(encode_value_types)
{
	static const struct {
		const char *text;
		enum value_type type;
		const char *want;
	} cases[] = {
		{ "true", VT_BOOL, "true" },     { "Yes", VT_BOOL, "true" },    { "0", VT_BOOL, "false" },
		{ "n", VT_BOOL, "false" },       { "FALSE", VT_BOOL, "false" },  { " y ", VT_BOOL, "true" },
		{ "5", VT_NUMBER, "5" },         { "-3", VT_NUMBER, "-3" },      { "+7", VT_NUMBER, "7" },
		{ "007", VT_NUMBER, "7" },       { "-0", VT_NUMBER, "0" },
		{ "123456789012345678901234567890", VT_NUMBER, "123456789012345678901234567890" },
		{ "5.0", VT_NUMBER, "5.0" },     { "1e3", VT_NUMBER, "1000.0" }, { "0.85", VT_NUMBER, "0.85" },
		{ ".5", VT_NUMBER, "0.5" },      { "5.", VT_NUMBER, "5.0" },     { "1e16", VT_NUMBER, "1e+16" },
		{ "inf", VT_NUMBER | VT_ALLOW_NONFINITE, "Infinity" },
		{ "-Infinity", VT_NUMBER | VT_ALLOW_NONFINITE, "-Infinity" },
		{ "nan", VT_NUMBER | VT_ALLOW_NONFINITE, "NaN" },
		{ "1e309", VT_AUTO | VT_ALLOW_NONFINITE, "Infinity" },
		{ "-0.0", VT_NUMBER, "0.0" },    { "-1e-400", VT_NUMBER, "0.0" },
		{ "yes", VT_TEXT, "\"yes\"" },   { "caf\xc3\xa9", VT_TEXT, "\"caf\\u00e9\"" },
		{ " padded ", VT_TEXT, "\" padded \"" }, { "5", VT_TEXT, "\"5\"" },
		{ "true", VT_AUTO, "true" },     { "False", VT_AUTO, "false" },  { "4", VT_AUTO, "4" },
		{ "4.5", VT_AUTO, "4.5" },       { "1e-5", VT_AUTO, "1e-05" },   { "yes", VT_AUTO, "\"yes\"" },
		{ "nan", VT_AUTO, "\"nan\"" },   { "", VT_AUTO, "\"\"" },        { "1 2", VT_AUTO, "\"1 2\"" },
	};
	struct err err = { 0 };
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = encode(cases[i].text, cases[i].type, &err);

		if (!s || strcmp(s, cases[i].want) != 0)
			printf("    case %zu: \"%s\"\n", i, cases[i].text);
		CHECK_STR(s, cases[i].want);
		free(s);
	}
}

TEST(encode_value_errors)
{
	struct err err = { 0 };
	char *s;

	s = encode("abc", VT_NUMBER, &err);
	CHECK_NULL(s);
	CHECK_INT(err.code, ERR_USAGE);
	CHECK_HAS(err.msg, "'abc'");
	CHECK_HAS(err.msg, "not a number");

	s = encode("maybe", VT_BOOL, &err);
	CHECK_NULL(s);
	CHECK_HAS(err.msg, "'maybe'");
	CHECK_HAS(err.msg, "boolean");

	/* Python's float() takes neither hex nor an empty string. */
	CHECK_NULL(encode("0x10", VT_NUMBER, &err));
	CHECK_NULL(encode("", VT_NUMBER, &err));
	CHECK_NULL(encode("1e", VT_NUMBER, &err));
	CHECK_NULL(encode("nan(1)", VT_NUMBER, &err));

	/* JSON has no NaN or Infinity: refused unless asked for. */
	CHECK_NULL(encode("nan", VT_NUMBER, &err));
	CHECK_HAS(err.msg, "'nan' is not a finite number");
	CHECK_NULL(encode("-inf", VT_NUMBER, &err));
	CHECK_NULL(encode("1e309", VT_NUMBER, &err));
	CHECK_NULL(encode("1e309", VT_AUTO, &err));
	CHECK_INT(err.code, ERR_USAGE);
	s = encode("nan", VT_AUTO, &err);   /* a word, so text */
	CHECK_STR(s, "\"nan\"");
	free(s);

	/* Hostile text is shown escaped in the message. */
	s = encode("\x1b[31mred", VT_NUMBER, &err);
	CHECK_NULL(s);
	CHECK_HAS(err.msg, "^[[31mred");
}

TEST(encode_value_matches_python)
{
	/* Numbers typed by a user, as Python int()/float() then json.dumps. */
	static const char *const nums[] = {
		"5", "-3", "+7", "007", "-0", "5.0", "1e3", "0.85", ".5", "5.", "1e16",
		"1E-5", "123456789.123", "1e300", "2.5e-320", "0.1e1",
	};
	struct strbuf in = STRBUF_INIT, mine = STRBUF_INIT;
	struct err err = { 0 };
	char *py;
	size_t i;

	for (i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		char *s = encode(nums[i], VT_NUMBER, &err);

		sb_addf(&in, "%s\n", nums[i]);
		sb_addf(&mine, "%s\n", s ? s : "(error)");
		free(s);
	}
	py = python("import json, sys\n"
		    "for l in open(sys.argv[1]):\n"
		    "    l = l.strip()\n"
		    "    try: v = int(l)\n"
		    "    except ValueError: v = float(l)\n"
		    "    print(json.dumps(v))\n",
		    in.buf, in.len);
	CHECK(py != NULL);
	if (py)
		CHECK_STR(sb_str(&mine), py);
	free(py);
	sb_free(&in);
	sb_free(&mine);
}

TEST(value_type_names)
{
	CHECK_INT(value_type_parse("bool"), VT_BOOL);
	CHECK_INT(value_type_parse("boolean"), VT_BOOL);
	CHECK_INT(value_type_parse("number"), VT_NUMBER);
	CHECK_INT(value_type_parse("numeric"), VT_NUMBER);
	CHECK_INT(value_type_parse("text"), VT_TEXT);
	CHECK_INT(value_type_parse("string"), VT_TEXT);
	CHECK_INT(value_type_parse("auto"), -1);
	CHECK_INT(value_type_parse("float"), -1);
	CHECK_INT(value_type_parse(NULL), -1);
}

int main(void)
{
	RUN(strings_match_python);
	RUN(strings_known_bytes);
	RUN(floats_match_python);
	RUN(floats_known_text);
	RUN(ints_and_bools);
	RUN(encode_value_types);
	RUN(encode_value_errors);
	RUN(encode_value_matches_python);
	RUN(value_type_names);
	TEST_MAIN_END();
}
