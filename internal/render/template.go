package render

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/template"
	"time"

	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/term"
)

// TemplatePrinter writes each result through a Go text/template, as
// --template asks. It prints the same documents as Printer in FormatJSON,
// decoded into maps, slices, strings, booleans and json.Number, so that
// {{.task_id}} and {{.data.images}} reach the server's fields and numbers
// keep every digit. It is not safe for concurrent use.
type TemplatePrinter struct {
	ctx  context.Context // stops a template that runs long
	w    io.Writer
	tmpl *template.Template
}

// NewTemplatePrinter returns a printer that executes tmpl, made by
// ParseTemplate, once per result.
func NewTemplatePrinter(w io.Writer, tmpl *template.Template) *TemplatePrinter {
	return &TemplatePrinter{ctx: context.Background(), w: w, tmpl: tmpl}
}

// WithContext returns a copy of p that gives up on a template once ctx is
// done, so that an interrupt ends a template that loops for long.
func (p *TemplatePrinter) WithContext(ctx context.Context) *TemplatePrinter {
	q := *p
	q.ctx = ctx
	return &q
}

// ParseTemplate parses text as a template for results. Besides the
// functions of text/template it offers:
//
//	timeago T        how long ago T was: "12s ago", "3m ago", "in 5m"; T is
//	                 an RFC 3339 time or Unix seconds (milliseconds from 1e11)
//	duration MS      milliseconds, such as elapsed_ms, or a Go duration
//	                 string, for people: "850ms", "7.4s", "2m05s"
//	color NAME TEXT  TEXT in green, red, yellow, cyan, faint or bold when
//	                 stdout takes colour (see --color)
//	json V           V as compact JSON
//	urls TASK        the output URLs in a task's data, or in any value
//	join SEP LIST    the items of LIST joined by SEP
//
// A missing field gives "" to timeago and duration, so a template can run
// over tasks that have not finished yet. pal colours for color; now tells
// timeago the time.
func ParseTemplate(text string, pal term.Palette, now func() time.Time) (*template.Template, error) {
	colors := map[string]func(string) string{
		"green": pal.Green, "red": pal.Red, "yellow": pal.Yellow,
		"cyan": pal.Cyan, "faint": pal.Faint, "bold": pal.Bold,
	}
	funcs := template.FuncMap{
		"timeago": func(v any) (string, error) { return timeAgo(v, now()) },
		"duration": func(v any) (string, error) {
			d, ok, err := toDuration(v)
			if !ok {
				return "", err
			}
			return Duration(d), nil
		},
		"color": func(name string, v any) (string, error) {
			c, ok := colors[name]
			if !ok {
				return "", fmt.Errorf("unknown colour %q: want green, red, yellow, cyan, faint or bold", name)
			}
			return c(fmt.Sprint(v)), nil
		},
		"json": compactJSON,
		"urls": taskURLs,
		"join": join,
	}

	tmpl, err := template.New("--template").Funcs(funcs).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("invalid template: %w", err)
	}
	return tmpl, nil
}

// Print writes one task through the template.
func (p *TemplatePrinter) Print(t *hub.Task) error {
	return p.PrintJSON(t.Raw, "task "+t.ID)
}

// PrintJSON writes one JSON document through the template, followed by a
// newline unless the output is empty or already ends with one. Each result
// is one write on the underlying writer. what names the document in
// errors.
func (p *TemplatePrinter) PrintJSON(doc json.RawMessage, what string) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("%s: decoding answer: %w", what, err)
	}

	out, err := p.execute(v)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if len(out) == 0 {
		return nil
	}
	if !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, '\n')
	}
	_, err = p.w.Write(out)
	return err
}

// execute runs the template on v into memory. text/template takes no
// context, so it runs in a goroutine that execute abandons when p's
// context is done; the goroutine stops at its next write, or ends with
// the process.
func (p *TemplatePrinter) execute(v any) ([]byte, error) {
	type result struct {
		out []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		w := &stopWriter{ctx: p.ctx}
		err := p.tmpl.Execute(w, v)
		done <- result{w.buf.Bytes(), err}
	}()

	select {
	case r := <-done:
		return r.out, r.err
	case <-p.ctx.Done():
		return nil, context.Cause(p.ctx)
	}
}

// MaxTemplateOutput bounds what a template may print for one result, so
// that a template that loops over its input cannot fill the memory.
const MaxTemplateOutput = 64 << 20

// stopWriter collects a template's output and fails once ctx is done or
// the output passes MaxTemplateOutput.
type stopWriter struct {
	ctx context.Context
	buf bytes.Buffer
}

func (w *stopWriter) Write(b []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	if w.buf.Len()+len(b) > MaxTemplateOutput {
		return 0, fmt.Errorf("template output larger than %d MiB", MaxTemplateOutput>>20)
	}
	return w.buf.Write(b)
}

// timeAgo says how long before now the time v was. v is a time.Time, an
// RFC 3339 string, or a number of Unix seconds, read as milliseconds from
// 1e11 on (a date in the year 5138 in seconds); nil gives "".
func timeAgo(v any, now time.Time) (string, error) {
	var t time.Time
	switch v := v.(type) {
	case nil:
		return "", nil
	case time.Time:
		t = v
	case string:
		var err error
		if t, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return "", fmt.Errorf("timeago: %q is not an RFC 3339 time", v)
		}
	default:
		n, ok := toFloat(v)
		if !ok {
			return "", fmt.Errorf("timeago: %v is neither a time nor a number", v)
		}
		if math.Abs(n) >= 1e11 {
			n /= 1000
		}
		sec, frac := math.Modf(n)
		t = time.Unix(int64(sec), int64(frac*1e9))
	}

	d := now.Sub(t)
	switch {
	case d > -time.Second && d < time.Second:
		return "just now", nil
	case d < 0:
		return "in " + roughly(-d), nil
	}
	return roughly(d) + " ago", nil
}

// roughly gives d in its largest whole unit: 12s, 3m, 5h, 2d.
func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

// toDuration reads v as a duration: a number of milliseconds, a Go
// duration string, or a time.Duration. ok is false for nil and for errors.
func toDuration(v any) (d time.Duration, ok bool, err error) {
	switch v := v.(type) {
	case nil:
		return 0, false, nil
	case time.Duration:
		return v, true, nil
	case string:
		d, err := time.ParseDuration(v)
		if err != nil {
			return 0, false, fmt.Errorf("duration: %q is not a duration such as 1m30s", v)
		}
		return d, true, nil
	}
	ms, isNumber := toFloat(v)
	if !isNumber {
		return 0, false, fmt.Errorf("duration: %v is neither milliseconds nor a duration", v)
	}
	return time.Duration(ms * float64(time.Millisecond)), true, nil
}

func toFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// compactJSON encodes v on one line, leaving <, > and & as they are.
func compactJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("json: %w", err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// taskURLs returns the output URLs of v as OutputURLs finds them: in
// v.data when v is an object holding data, such as a task, else anywhere
// in v.
func taskURLs(v any) ([]string, error) {
	if m, ok := v.(map[string]any); ok {
		if data, ok := m["data"]; ok {
			v = data
		}
	}
	doc, err := compactJSON(v)
	if err != nil {
		return nil, fmt.Errorf("urls: %w", err)
	}
	return OutputURLs(json.RawMessage(doc)), nil
}

// join joins the items of list, a slice of strings or of any values,
// with sep, as strings.Join does.
func join(sep string, list any) (string, error) {
	switch l := list.(type) {
	case nil:
		return "", nil
	case []string:
		return strings.Join(l, sep), nil
	case []any:
		parts := make([]string, len(l))
		for i, item := range l {
			parts[i] = fmt.Sprint(item)
		}
		return strings.Join(parts, sep), nil
	}
	return "", fmt.Errorf("join: %T is not a list", list)
}
