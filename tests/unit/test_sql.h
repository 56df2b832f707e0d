/*
 * SQL helpers for the unit tests that check rows in real store files with
 * SQLite itself (test_store.c, test_schemas.c): open a file, run
 * statements that must succeed, read a query's rows as text.
 */
#ifndef TB_TEST_SQL_H
#define TB_TEST_SQL_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/strbuf.h"
#include "core/util.h"

/* Opens path for reading and writing (creating it when create); exits on
 * failure. */
static inline sqlite3 *sql_open(const char *path, int create)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0),
			    NULL) != SQLITE_OK) {
		printf("    cannot open %s\n", path);
		exit(1);
	}
	return db;
}

static inline void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		printf("    exec failed: %.200s: %s\n", sql, msg);
		exit(1);
	}
}

/* All rows of a query, columns joined by '|', rows by '\n'; caller frees. */
static inline char *q_all(sqlite3 *db, const char *sql)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int i;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return xstrdup("(error)");
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);

			sb_addf(&sb, "%s%s", i ? "|" : "", t ? (const char *)t : "(null)");
		}
		sb_addc(&sb, '\n');
	}
	sqlite3_finalize(st);
	return sb_take(&sb);
}

#endif
