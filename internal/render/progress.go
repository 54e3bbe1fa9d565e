package render

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/briandowns/spinner"
	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/poll"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/jonboulle/clockwork"
)

// Progress shows a wait's progress on stderr.
type Progress interface {
	// Observe records one event of the wait.
	Observe(e poll.Event)

	// Suspend runs f with the display cleared from the screen, so that f
	// can write to stdout or stderr, and then shows the display again.
	Suspend(f func())

	// Stop removes the display for good and restores the terminal.
	Stop()
}

// NewProgress returns the display for a kind of progress.
func NewProgress(kind term.Progress, s *term.Streams, clock clockwork.Clock) Progress {
	switch kind {
	case term.ProgressTTY:
		return newSpinnerProgress(s, clock)
	case term.ProgressPlain:
		return NewPlainProgress(s.Err, s.UTF8())
	}
	return noProgress{}
}

type noProgress struct{}

func (noProgress) Observe(poll.Event) {}
func (noProgress) Suspend(f func())   { f() }
func (noProgress) Stop()              {}

// PlainProgress writes one line per change, for logs and pipes: no escape
// codes, no carriage returns, no line written twice.
type PlainProgress struct {
	w     io.Writer
	arrow string
}

// NewPlainProgress returns a plain display writing to w. With utf8 false
// it writes ASCII only.
func NewPlainProgress(w io.Writer, utf8 bool) *PlainProgress {
	arrow := "->"
	if utf8 {
		arrow = "→"
	}
	return &PlainProgress{w: w, arrow: arrow}
}

// Observe writes the line for one event, if it has one.
func (p *PlainProgress) Observe(e poll.Event) {
	line := p.line(e)
	if line == "" {
		return
	}
	fmt.Fprintf(p.w, "%s %s\n", e.Time.Format(time.RFC3339), line)
}

func (p *PlainProgress) line(e poll.Event) string {
	switch e.Kind {
	case poll.EventStatus:
		s := term.Sanitize(e.ID) + " "
		if e.Previous != "" {
			s += oneLine(e.Previous) + " " + p.arrow + " "
		}
		s += oneLine(e.Task.Status)
		if e.Task.Finished() {
			s += outcomeSuffix(e.Task)
		}
		return s
	case poll.EventUnknownStatus:
		return fmt.Sprintf("warning: %s reports a status hubctl does not know (\"%s\"); still waiting",
			term.Sanitize(e.ID), oneLine(e.Task.Status))
	case poll.EventOutage:
		return fmt.Sprintf("API unreachable: %s, retrying until --timeout; check --base-url if it lasts",
			oneLine(e.Err.Error()))
	case poll.EventRecovered:
		return "API reachable again"
	case poll.EventHeartbeat:
		return fmt.Sprintf("%d running, %s elapsed", e.Running, Duration(e.Elapsed.Truncate(time.Second)))
	}
	return ""
}

// outcomeSuffix returns what a finished task's log line ends with: its
// first output URL or its error.
func outcomeSuffix(t *hub.Task) string {
	if t.ErrorCode != "" || t.ErrorMessage != "" {
		return " " + ErrorText(t)
	}
	if urls := OutputURLs(t.Data); len(urls) > 0 {
		return " " + term.Sanitize(ShortURL(urls[0]))
	}
	return ""
}

// Suspend runs f; a plain display has nothing to clear.
func (p *PlainProgress) Suspend(f func()) { f() }

// Stop does nothing; a plain display leaves nothing behind.
func (p *PlainProgress) Stop() {}

// oneLine folds runs of white space, newlines included, into one space,
// and escapes what could take over the terminal (see term.Sanitize).
func oneLine(s string) string {
	return term.Sanitize(strings.Join(strings.Fields(s), " "))
}

// spinnerProgress animates one line on a terminal's stderr: a spinner and
// each unfinished task's status and running time.
type spinnerProgress struct {
	streams *term.Streams
	clock   clockwork.Clock
	pal     term.Palette
	sp      *spinner.Spinner

	mu     sync.Mutex // guards the fields below, read by the spinner's goroutine
	start  time.Time
	status map[string]string
	since  map[string]time.Time // when each task started, as far as known
}

func newSpinnerProgress(s *term.Streams, clock clockwork.Clock) *spinnerProgress {
	charset := spinner.CharSets[14]
	if !s.UTF8() {
		charset = spinner.CharSets[9]
	}

	p := &spinnerProgress{
		streams: s,
		clock:   clock,
		pal:     s.ErrPalette(),
		start:   clock.Now(),
		status:  map[string]string{},
		since:   map[string]time.Time{},
	}
	p.sp = spinner.New(charset, 100*time.Millisecond, spinner.WithWriterFile(s.ErrFile))
	p.sp.PreUpdate = p.refresh
	p.sp.Start()
	return p
}

// refresh sets the spinner's text. The spinner calls it with its own lock
// held, which makes writing Suffix here safe. The text is cut to the
// terminal's width, so that it always fits on the one line the spinner
// erases.
func (p *spinnerProgress) refresh(sp *spinner.Spinner) {
	p.mu.Lock()
	defer p.mu.Unlock()

	ids := make([]string, 0, len(p.status))
	for id := range p.status {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	now := p.clock.Now()
	var b strings.Builder
	if len(ids) == 0 {
		fmt.Fprintf(&b, " waiting (%s)", Duration(now.Sub(p.start).Truncate(time.Second)))
	} else {
		fmt.Fprintf(&b, " waiting for %d %s", len(ids), plural(len(ids), "task", "tasks"))
	}
	between := " · "
	if !p.streams.UTF8() {
		between = ", "
	}
	for i, id := range ids {
		sep := ": "
		if i > 0 {
			sep = between
		}
		fmt.Fprintf(&b, "%s%s %s %s", sep, term.Sanitize(id), p.status[id],
			Duration(now.Sub(p.since[id]).Truncate(time.Second)))
	}
	ellipsis := "…"
	if !p.streams.UTF8() {
		ellipsis = "..."
	}
	sp.Suffix = spinnerText(b.String(), p.streams.ErrWidth(), ellipsis)
}

// spinnerText cuts s to follow the spinner's mark on a line of width
// columns. The spinner library measures what it wrote in UTF-8 bytes
// rather than columns, with its leading carriage return, and before each
// frame erases one line above for every width it believes the last one
// took; so s must also fit the width in bytes, or each frame would eat a
// line of earlier output.
func spinnerText(s string, width int, ellipsis string) string {
	s = fitColumns(s, width-3, ellipsis)
	budget := width - len("\r") - maxSpinnerMark - 1
	if len(s) <= budget {
		return s
	}
	cut := max(budget-len(ellipsis), 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// maxSpinnerMark is the longest mark of the spinner's character sets, in
// bytes.
const maxSpinnerMark = len("⠋")

func (p *spinnerProgress) Observe(e poll.Event) {
	switch e.Kind {
	case poll.EventStatus:
		p.mu.Lock()
		defer p.mu.Unlock()
		if e.Task.Finished() {
			delete(p.status, e.ID)
			return
		}
		p.status[e.ID] = oneLine(e.Task.Status)
		if _, ok := p.since[e.ID]; !ok {
			since := p.start
			if e.Task.HasElapsed {
				since = e.Time.Add(-time.Duration(e.Task.ElapsedMS) * time.Millisecond)
			}
			p.since[e.ID] = since
		}
	case poll.EventFinished:
		p.mu.Lock()
		delete(p.status, e.ID)
		p.mu.Unlock()
	case poll.EventUnknownStatus, poll.EventOutage, poll.EventRecovered:
		line := NewPlainProgress(io.Discard, p.streams.UTF8()).line(e)
		p.Suspend(func() { fmt.Fprintln(p.streams.Err, p.pal.Yellow(line)) })
	}
}

// Suspend clears the spinner's line and runs f while the spinner's lock
// keeps it from drawing; the next frame draws below what f wrote.
func (p *spinnerProgress) Suspend(f func()) {
	p.sp.Lock()
	defer p.sp.Unlock()

	fmt.Fprint(p.streams.ErrFile, "\r\033[K")
	f()
}

// Stop erases the spinner's line and shows the cursor again.
func (p *spinnerProgress) Stop() {
	p.sp.Stop()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
