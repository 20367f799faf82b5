package main

// Erasure that reaches the disk (issue 16, finding 4).
//
// Deleting a document in FerretDB deletes its SQLite row, but the bytes stay: in the freed space of the
// database page, and in every older copy of that page still in the write-ahead log (the WAL is reused,
// never shrunk, by SQLite's automatic PASSIVE checkpoints). Measured before this file: after
// /privacy delete, `grep` found the athlete's id, name, chat id and a coach's override text in
// <db>.sqlite-wal. Three measures:
//
//   - secure_delete: every FerretDB connection runs with PRAGMA secure_delete=ON (a `_pragma` on the
//     SQLite URL, which FerretDB passes to each database file it opens), so freed cells and pages are
//     overwritten with zeros when they are written (measured without it: after the checkpoint the
//     .sqlite file still held every deleted value in its pages' free space);
//   - a checkpoint on request: the parent writes the line "checkpoint" to our standard input (the same
//     pipe whose EOF stops us); we run PRAGMA wal_checkpoint(TRUNCATE) on every database file — the
//     zeroed pages go into the database file and the WAL, with the old page copies, is cut to 0 bytes —
//     and answer "CHECKPOINT files=N busy=M" on standard output. busy > 0 means a reader kept a file
//     from being truncated (the parent retries);
//   - private files: umask 077 (files 0600, directories 0700), and on start the data directory and what
//     is already in it are made private too.
//
// What this does not cover: copies outside SQLite's files (file-system journals, SSD remapping,
// backups of the data directory) — the README says so.

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// secureDeletePragma is added to FerretDB's SQLite URL.
const secureDeletePragma = "_pragma=secure_delete(on)"

// checkpointPatience is how long one database file's checkpoint retries while readers block it.
const checkpointPatience = 10 * time.Second

// makePrivate chmods dir to 0700 and everything in it to 0700 (directories) / 0600 (files).
func makePrivate(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		mode := os.FileMode(0o600)
		if d.IsDir() {
			mode = 0o700
		}
		return os.Chmod(path, mode)
	})
}

// checkpointAll truncates the WAL of every database file in dir. It returns how many files it
// checkpointed and how many stayed busy (a reader held an older snapshot).
func checkpointAll(ctx context.Context, dir string) (files, busy int, err error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return 0, 0, err
	}
	for _, p := range paths {
		b, err := checkpointFile(ctx, p)
		if err != nil {
			return files, busy, fmt.Errorf("%s: %w", filepath.Base(p), err)
		}
		files++
		if b {
			busy++
		}
	}
	return files, busy, nil
}

func checkpointFile(ctx context.Context, path string) (bool, error) {
	db, err := sql.Open("sqlite", "file:"+path+fmt.Sprintf("?_pragma=busy_timeout(%d)&%s", keeperBusyTimeout, secureDeletePragma))
	if err != nil {
		return false, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// A reader holding an older snapshot keeps the WAL from being cut: try again for a while.
	deadline := time.Now().Add(checkpointPatience)
	for {
		var blocked, logFrames, checkpointed int
		if err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&blocked, &logFrames, &checkpointed); err != nil {
			return false, err
		}
		if blocked == 0 {
			return false, nil
		}
		if time.Now().After(deadline) {
			return true, nil
		}
		select {
		case <-ctx.Done():
			return true, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
