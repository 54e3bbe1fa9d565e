//go:build unix

package atomicfile

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestLockGivesUpOnAHeldLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.lock")
	unlock, err := Lock(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}

	// flock locks belong to the open file, so a second Lock in this
	// process contends as another process would.
	_, err = Lock(path, 50*time.Millisecond)
	if err == nil || !strings.HasSuffix(err.Error(), "held by another process for over 50ms") {
		t.Errorf("second Lock: %v, want it to give up", err)
	}

	unlock()
	again, err := Lock(path, 50*time.Millisecond)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	again()
}

func TestLockRefusesAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.lock")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(path, time.Second); !errors.Is(err, ErrIrregular) {
		t.Errorf("Lock on a FIFO: %v, want ErrIrregular", err)
	}
}
