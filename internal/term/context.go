package term

import (
	"context"
	"io"
)

// ContextReader returns a reader of r whose reads end with the cause of
// ctx once ctx is done, even while a read of r blocks, as it does on a pipe
// whose writer takes its time. Each read of r runs in a goroutine of its
// own, into a buffer of its own; one left behind when ctx ends returns
// with the process.
func ContextReader(ctx context.Context, r io.Reader) io.Reader {
	return &contextReader{ctx: ctx, r: r}
}

type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *contextReader) Read(p []byte) (int, error) {
	if err := context.Cause(c.ctx); err != nil {
		return 0, err
	}

	type result struct {
		n   int
		err error
	}
	buf := make([]byte, len(p))
	done := make(chan result, 1)
	go func() {
		n, err := c.r.Read(buf)
		done <- result{n, err}
	}()

	select {
	case r := <-done:
		return copy(p, buf[:r.n]), r.err
	case <-c.ctx.Done():
		return 0, context.Cause(c.ctx)
	}
}
