//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestSetInFileRefusesAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	// A writer, so that a reader that opened the FIFO would not block and
	// the test would see the FIFO replaced rather than hang.
	go func() {
		if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			f.Close()
		}
	}()

	k, _ := Lookup("timeout")
	err := SetInFile(path, k, "5m")
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("error %v, want the FIFO refused", err)
	}
	if info, err := os.Lstat(path); err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", info.Mode(), err)
	}
}

func TestTokenFileFIFOWithoutAWriterDoesNotBlock(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "token")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}

	// Opening the FIFO for reading in the usual way would block until a
	// writer came, and none will.
	b, err := readTokenFile(fifo)
	if err != nil || len(b) != 0 {
		t.Errorf("a FIFO without a writer read %q, %v; want nothing", b, err)
	}
}
