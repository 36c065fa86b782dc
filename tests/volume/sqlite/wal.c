/* SQLite on a volume (issue 16): WAL mode, synchronous=FULL, one row per transaction;
 * prints each row's id once its COMMIT returned (a restart continues after the last row). The harness kills QEMU with SIGKILL
 * partway and checks on the host, with the host's own SQLite, that the database passes
 * `PRAGMA integrity_check` and holds every row printed. The WAL index (-shm) is a shared
 * file mapping (libc-port's) and the locks are the host's. argv[1]: the database. */
#include <stdio.h>
#include "sqlite3.h"

static int exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    sqlite3 *db;
    if (sqlite3_open(argc > 1 ? argv[1] : "/data/app.db", &db) != SQLITE_OK)
        return 1;
    if (exec(db, "PRAGMA journal_mode=WAL") ||
        exec(db, "PRAGMA synchronous=FULL") ||
        exec(db, "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, payload BLOB)"))
        return 1;
    /* A restart continues after the last committed row. */
    sqlite3_stmt *top;
    int first = 0;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id) + 1, 0) FROM t", -1, &top, NULL) != SQLITE_OK)
        return 1;
    if (sqlite3_step(top) == SQLITE_ROW)
        first = sqlite3_column_int(top, 0);
    sqlite3_finalize(top);
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?, randomblob(500))", -1, &ins, NULL) != SQLITE_OK)
        return 1;
    for (int i = first; i < first + 1000000; i++) {
        if (exec(db, "BEGIN"))
            return 1;
        sqlite3_bind_int(ins, 1, i);
        if (sqlite3_step(ins) != SQLITE_DONE)
            return 1;
        sqlite3_reset(ins);
        if (exec(db, "COMMIT"))
            return 1;
        printf("%d\n", i);
        fflush(stdout);
    }
    return 0;
}
