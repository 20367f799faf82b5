// Command ferretdb runs an embedded FerretDB (MongoDB wire protocol over SQLite) for twincoach.
//
// It embeds the github.com/FerretDB/FerretDB/ferretdb package instead of using `go install
// .../cmd/ferretdb`, whose binary panics at start when built outside FerretDB's own tree (its
// build/version/version.txt is generated and missing from the module). Embedded mode also turns
// telemetry off.
//
// It also keeps an extra SQLite index per collection so that lookups by _id use an index (idindex.go:
// FerretDB 1.24's own _id index is never used by its queries).
//
// Usage: ferretdb -dir DATA_DIR [-listen 127.0.0.1:0] [-log-level warn]
//
// On start it prints exactly one line "FERRETDB_URI=mongodb://127.0.0.1:PORT/" to stdout once the
// listener accepts connections. It exits when it receives SIGINT/SIGTERM or when its standard input
// reaches EOF (the parent process died), so an orphaned database never outlives the service.
//
// Erasure reaches the disk (erasure.go): every connection runs with secure_delete, a line "checkpoint"
// on standard input truncates every WAL (answered by one "CHECKPOINT files=N busy=M" line on stdout),
// and the data directory and its files are readable by our user only.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dir := flag.String("dir", "data", "directory for the SQLite databases")
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free port)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("watch-stdin", true, "exit when standard input reaches EOF")
	idIndexes := flag.Bool("id-indexes", true, "index every collection on the expression FerretDB pushes _id filters down to (see idindex.go)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: invalid -log-level %q\n", *logLevel)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	abs, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: data directory %q: %v\n", *dir, err)
		os.Exit(1)
	}
	privateFiles()
	if err := os.MkdirAll(abs, 0o700); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: cannot create data directory %q: %v\n", abs, err)
		os.Exit(1)
	}
	if err := makePrivate(abs); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: cannot make data directory %q private: %v\n", abs, err)
		os.Exit(1)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?" + secureDeletePragma,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() {
			lines := bufio.NewScanner(os.Stdin)
			for lines.Scan() {
				if lines.Text() != "checkpoint" {
					continue
				}
				files, busy, err := checkpointAll(ctx, abs)
				if err != nil {
					logger.Warn("checkpoint failed", "error", err)
				}
				fmt.Fprintf(os.Stdout, "CHECKPOINT files=%d busy=%d ok=%t\n", files, busy, err == nil)
			}
			stop()
		}()
	}

	if *idIndexes {
		go keepIDIndexes(ctx, abs, logger)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()

	// MongoDBURI waits until Run has bound the listener.
	fmt.Fprintf(os.Stdout, "FERRETDB_URI=%s\n", f.MongoDBURI())
	<-done
}
