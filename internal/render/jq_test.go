package render

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/term"
)

func TestJQStopsWhenContextIsDone(t *testing.T) {
	code, err := CompileJQ("[range(1e12)]") // would run for hours
	if err != nil {
		t.Fatal(err)
	}
	cause := errors.New("interrupted")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cause)

	var out bytes.Buffer
	p := NewPrinter(&out, FormatJQ, code, term.NewPalette(false)).WithContext(ctx)
	err = p.Print(&hub.Task{ID: "t", Raw: []byte(`{"task_id":"t"}`)})

	if !errors.Is(err, cause) {
		t.Errorf("Print = %v, want the context's cause", err)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out.String())
	}
}
