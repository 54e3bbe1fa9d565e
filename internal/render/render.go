// Package render turns tasks into what hubctl prints: human-readable
// results, the server's JSON, or the output of a jq expression.
package render

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/itchyny/gojq"
)

// Format is a way of printing results.
type Format int

// The formats of results.
const (
	FormatHuman Format = iota
	FormatJSON
	FormatJQ
)

// Printer writes results to one stream in one format. It is not safe for
// concurrent use.
type Printer struct {
	ctx    context.Context // stops a jq expression that runs long
	w      io.Writer
	format Format
	jq     *gojq.Code
	pal    term.Palette
}

// NewPrinter returns a printer. jq is used only with FormatJQ.
func NewPrinter(w io.Writer, format Format, jq *gojq.Code, pal term.Palette) *Printer {
	return &Printer{ctx: context.Background(), w: w, format: format, jq: jq, pal: pal}
}

// WithContext returns a copy of p whose jq expressions stop when ctx is
// done, so that an interrupt ends an expression that would run forever.
func (p *Printer) WithContext(ctx context.Context) *Printer {
	q := *p
	q.ctx = ctx
	return &q
}

// CompileJQ parses and compiles a jq expression.
func CompileJQ(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid jq expression: %w", err)
	}

	code, err := gojq.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("invalid jq expression: %w", err)
	}
	return code, nil
}

// Print writes one task. Each write is one call on the underlying writer,
// so a result is never cut in half by an interrupt.
func (p *Printer) Print(t *hub.Task) error {
	if p.format == FormatHuman {
		var buf bytes.Buffer
		p.human(&buf, t)
		_, err := p.w.Write(buf.Bytes())
		return err
	}
	return p.PrintJSON(t.Raw, "task "+t.ID)
}

// PrintJSON writes one JSON document in the printer's format: compacted,
// or through the jq expression. what names the document in errors. In the
// human format it writes the document as FormatJSON does.
func (p *Printer) PrintJSON(doc json.RawMessage, what string) error {
	var buf bytes.Buffer
	if p.format == FormatJQ {
		if err := p.runJQ(&buf, doc, what); err != nil {
			return err
		}
	} else {
		if err := json.Compact(&buf, doc); err != nil {
			return fmt.Errorf("%s: compacting answer: %w", what, err)
		}
		buf.WriteByte('\n')
	}

	_, err := p.w.Write(buf.Bytes())
	return err
}

// runJQ applies the jq expression to a document. Strings print raw, as
// jq -r does; other values as compact JSON, numbers with their digits
// unchanged.
func (p *Printer) runJQ(buf *bytes.Buffer, doc json.RawMessage, what string) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var input any
	if err := dec.Decode(&input); err != nil {
		return fmt.Errorf("%s: decoding answer: %w", what, err)
	}

	iter := p.jq.RunWithContext(p.ctx, input)
	for {
		v, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, isErr := v.(error); isErr {
			if err, halt := err.(*gojq.HaltError); halt && err.Value() == nil {
				return nil
			}
			if p.ctx.Err() != nil {
				return context.Cause(p.ctx)
			}
			return fmt.Errorf("%s: jq: %w", what, err)
		}

		if s, isString := v.(string); isString {
			buf.WriteString(s)
		} else {
			out, err := gojq.Marshal(v)
			if err != nil {
				return fmt.Errorf("%s: jq: %w", what, err)
			}
			buf.Write(out)
		}
		buf.WriteByte('\n')
	}
}

// human writes the form a person reads: a head line with the id, status
// and elapsed time, then indented lines with the error, the output URLs or
// the transcript.
func (p *Printer) human(buf *bytes.Buffer, t *hub.Task) {
	fmt.Fprintf(buf, "%s  %s", p.pal.Bold(term.Sanitize(t.ID)), StatusText(p.pal, t))
	if t.HasElapsed {
		fmt.Fprintf(buf, "  %s", Duration(time.Duration(t.ElapsedMS)*time.Millisecond))
	}
	buf.WriteByte('\n')

	if t.ErrorCode != "" || t.ErrorMessage != "" {
		fmt.Fprintf(buf, "  %s\n", p.pal.Red(ErrorText(t)))
	}
	if !t.Finished() {
		return
	}
	if text, ok := Transcript(t.Data); ok {
		sc := bufio.NewScanner(strings.NewReader(text))
		sc.Buffer(nil, len(text)+1)
		for sc.Scan() {
			fmt.Fprintf(buf, "%s\n", term.Sanitize(strings.TrimRight("  "+sc.Text(), " \t")))
		}
		return
	}
	for _, u := range OutputURLs(t.Data) {
		fmt.Fprintf(buf, "  %s\n", term.Sanitize(ShortURL(u)))
	}
}

// StatusText returns a task's status, coloured by what it means, with a
// note when the status is one hubctl does not know.
func StatusText(pal term.Palette, t *hub.Task) string {
	status := term.Sanitize(t.Status)
	if status == "" && !t.Ready {
		return pal.Yellow("(no status)")
	}
	if status == "" {
		status = "(no status)"
	}

	switch t.State() {
	case hub.StateCompleted:
		return pal.Green(status)
	case hub.StateFailed, hub.StateTimedOut:
		return pal.Red(status)
	case hub.StateCancelled:
		return pal.Yellow(status)
	case hub.StateRunning:
		return pal.Cyan(status)
	}
	return pal.Yellow(status + " (unknown status)")
}

// ErrorText returns a task's error code and message as one line.
func ErrorText(t *hub.Task) string {
	msg := term.Sanitize(strings.Join(strings.Fields(t.ErrorMessage), " "))
	code := term.Sanitize(t.ErrorCode)
	switch {
	case code != "" && msg != "":
		return fmt.Sprintf("error %s: %s", code, msg)
	case code != "":
		return "error " + code
	}
	return "error: " + msg
}

// Duration formats a duration for people: 850ms, 4.1s, 12s (for whole
// seconds), 2m05s, 1h02m.
func Duration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute-50*time.Millisecond: // else %.1f would round up to "60.0s"
		// Tenths, without a ".0" that a whole number of seconds lacks.
		return strings.TrimSuffix(fmt.Sprintf("%.1f", d.Seconds()), ".0") + "s"
	case d < time.Hour-500*time.Millisecond: // else rounding would give "60m00s"
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
