package term

import (
	"context"
	"errors"
	"io"
	"testing"
)

func TestContextReader(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancelCause(t.Context())
	r := ContextReader(ctx, pr)

	go pw.Write([]byte("abc"))
	buf := make([]byte, 8)
	if n, err := r.Read(buf); err != nil || string(buf[:n]) != "abc" {
		t.Fatalf("Read = %q, %v; want abc", buf[:n], err)
	}

	// The writer says nothing more; the cause of ctx ends the read.
	stop := errors.New("stopped")
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(buf)
		done <- err
	}()
	cancel(stop)
	if err := <-done; !errors.Is(err, stop) {
		t.Errorf("Read after cancel: %v, want the cause", err)
	}
	if _, err := r.Read(buf); !errors.Is(err, stop) {
		t.Errorf("Read once cancelled: %v, want the cause at once", err)
	}
}
