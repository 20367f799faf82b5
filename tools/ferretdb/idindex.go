package main

// The _id index keeper: a workaround for a FerretDB 1.24 SQLite-backend bug that makes every query scan
// its whole table.
//
// FerretDB creates each collection's unique _id index on the expression _ferretdb_sjson->"_id", but
// pushes an {_id: value} filter down as WHERE _ferretdb_sjson->'$._id' = ?. SQLite matches index
// expressions syntactically, so the index is never used: `explain` on find({_id}) shows
// "SCAN <table>", and a lookup by _id costs time proportional to the collection (measured: 0.8 ms at one
// document, 18 ms at 40,000, 78 ms at 2,000 documents of 15 KB). This keeper adds, for every collection
// table, a second (non-unique) index on exactly the pushed-down expression, so those lookups — and every
// update/delete by _id, which FerretDB runs as a query first — use an index search instead.
//
// FerretDB does not know about these indexes: they are plain SQLite indexes on its tables, dropped with
// the table when a collection or database is dropped, and they never change a query's result. The keeper
// polls the data directory (new databases and collections appear at any time) and only opens a database
// file when its files changed since the last look.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

const (
	idIndexSuffix     = "__id_pushdown"
	metadataTable     = "_ferretdb_collections"
	pushedDownIDExpr  = "_ferretdb_sjson->'$._id'"
	keeperPollEvery   = 300 * time.Millisecond
	keeperBusyTimeout = 10000
)

type fileStamp struct {
	ino     uint64
	size    int64
	mtime   time.Time
	walSize int64
	walTime time.Time
}

func stampOf(path string) (fileStamp, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, false
	}
	s := fileStamp{ino: inodeOf(st), size: st.Size(), mtime: st.ModTime()}
	if wal, err := os.Stat(path + "-wal"); err == nil {
		s.walSize, s.walTime = wal.Size(), wal.ModTime()
	}
	return s, true
}

// ensureIDIndexes adds the pushed-down _id index to every collection table of one database file that
// lacks it. It returns how many indexes it created.
func ensureIDIndexes(ctx context.Context, path string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+path+fmt.Sprintf("?_pragma=busy_timeout(%d)", keeperBusyTimeout))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	var hasMeta int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, metadataTable).Scan(&hasMeta); err != nil || hasMeta == 0 {
		return 0, err
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(
		`SELECT c.table_name FROM %q c WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || '%s')
		 AND EXISTS (SELECT 1 FROM sqlite_master t WHERE t.type = 'table' AND t.name = c.table_name)`, metadataTable, idIndexSuffix))
	if err != nil {
		return 0, err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return 0, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	created := 0
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s)`, t+idIndexSuffix, t, pushedDownIDExpr)
		if _, err := db.ExecContext(ctx, q); err != nil {
			// the collection may have been dropped meanwhile; the next look settles it
			if strings.Contains(err.Error(), "no such table") {
				continue
			}
			return created, err
		}
		created++
	}
	return created, nil
}

// keepIDIndexes polls dir until ctx ends.
func keepIDIndexes(ctx context.Context, dir string, logger *slog.Logger) {
	seen := map[string]fileStamp{}
	tick := time.NewTicker(keeperPollEvery)
	defer tick.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		present := map[string]bool{}
		for _, f := range files {
			present[f] = true
			st, ok := stampOf(f)
			if !ok || seen[f] == st {
				continue
			}
			n, err := ensureIDIndexes(ctx, f)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				logger.Warn("id index keeper: will retry", "file", filepath.Base(f), "error", err)
				continue
			}
			if n > 0 {
				logger.Debug("id index keeper: indexed", "file", filepath.Base(f), "tables", n)
			}
			if st2, ok := stampOf(f); ok {
				seen[f] = st2 // our own DDL changed the files: remember the state after it
			}
		}
		for f := range seen {
			if !present[f] {
				delete(seen, f)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
