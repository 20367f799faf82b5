//go:build unix

package main

import (
	"os"
	"syscall"
)

func inodeOf(st os.FileInfo) uint64 {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Ino)
	}
	return 0
}

// privateFiles makes every file this process creates from now on readable by its user only (SQLite
// creates its database, WAL and shm files with 0644 before the umask).
func privateFiles() { syscall.Umask(0o077) }
