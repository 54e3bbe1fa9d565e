//go:build unix

package state

import (
	"path/filepath"
	"syscall"
	"testing"
)

func TestLoadIgnoresAFIFO(t *testing.T) {
	dir := t.TempDir()
	// Opening a FIFO for reading blocks until a writer comes, which none
	// will.
	if err := syscall.Mkfifo(filepath.Join(dir, "recent-ids"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := r.IDs(); len(got) != 0 {
		t.Errorf("ids %v from a FIFO, want none", got)
	}
}
