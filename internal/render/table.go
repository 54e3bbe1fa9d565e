package render

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/poll"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/jonboulle/clockwork"
	"golang.org/x/text/width"
)

// outcome names how a finished row ended, for the summary: its state, or
// "error" for a task that ended without a final answer.
func (r *Row) outcome() string {
	if r.Status == "error" && r.State == hub.StateUnknown {
		return "error"
	}
	return r.State.String()
}

// Row is one task's line in the live table.
type Row struct {
	ID       string
	Status   string // "" until the first answer
	State    hub.State
	Finished bool
	Since    time.Time // when the task started, as far as known
	Ended    time.Time // when it finished; zero while running
	Detail   string    // the first output URL or the error, once finished
}

// Frame is what one drawing of the live table shows.
type Frame struct {
	Rows    []*Row // in the order the tasks were given
	Start   time.Time
	Now     time.Time
	Tick    int  // animation step, for the spinner marks
	Stopped bool // the wait has ended: running tasks get a still mark
	UTF8    bool // whether non-ASCII marks may be used
	Outage  string
	Palette term.Palette
}

var (
	spinUTF8  = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
	spinASCII = []string{"|", "/", "-", "\\"}
)

// Lines renders the frame for a terminal of the given size: a summary
// line, then one row per task, each cut to width-1 columns so that no line
// wraps. When the rows do not fit in height-2 lines, running tasks come
// first and a last line counts the rows left out; when they fit, rows keep
// the order given, so they do not jump as tasks finish.
func (f *Frame) Lines(width, height int) []string {
	width = max(width, 20)
	height = max(height, 4)

	counts := map[string]int{}
	running := 0
	for _, r := range f.Rows {
		if r.Finished {
			counts[r.outcome()]++
		} else {
			running++
		}
	}
	mark := f.spin()
	if running == 0 {
		mark, _ = f.finishedMark(hub.StateCompleted)
		for _, r := range f.Rows {
			if r.State != hub.StateCompleted {
				mark, _ = f.finishedMark(r.State)
				break
			}
		}
	}
	summary := fmt.Sprintf("%s %d running", mark, running)
	for _, s := range []string{"completed", "failed", "timeout", "cancelled", "unknown", "error"} {
		if counts[s] > 0 {
			summary += fmt.Sprintf("%s%d %s", f.sep(), counts[s], s)
		}
	}
	summary += f.sep() + Duration(f.Now.Sub(f.Start).Truncate(time.Second))
	if f.Outage != "" {
		summary += f.sep() + f.Outage
	}
	lines := []string{f.fit(summary, width-1)}

	// The frame takes at most height-1 lines, since the cursor rests on
	// the line below it; a taller frame would scroll and could not be
	// redrawn in place.
	rows := f.Rows
	room := height - 2
	hidden := 0
	if len(rows) > room {
		// Running tasks first, then those that did not complete, then
		// the completed ones: what still needs an eye comes first.
		rows = make([]*Row, 0, len(f.Rows))
		for _, rank := range []func(*Row) bool{
			func(r *Row) bool { return !r.Finished },
			func(r *Row) bool { return r.Finished && r.State != hub.StateCompleted },
			func(r *Row) bool { return r.Finished && r.State == hub.StateCompleted },
		} {
			for _, r := range f.Rows {
				if rank(r) {
					rows = append(rows, r)
				}
			}
		}
		hidden = len(rows) - (room - 1)
		rows = rows[:room-1]
	}

	idWidth := 0
	for _, r := range rows {
		idWidth = max(idWidth, columns(r.ID))
	}
	idWidth = min(idWidth, max(12, width/2))
	for _, r := range rows {
		lines = append(lines, f.row(r, idWidth, width-1))
	}
	if hidden > 0 {
		lines = append(lines, f.fit(fmt.Sprintf("%s %d more not shown", f.ellipsis(), hidden), width-1))
	}
	return lines
}

// spin returns the mark of a running task: a spinner step, or a still dot
// once the wait has stopped, so that the last frame does not look frozen.
func (f *Frame) spin() string {
	switch {
	case f.Stopped && f.UTF8:
		return "·"
	case f.Stopped:
		return "."
	case f.UTF8:
		return spinUTF8[f.Tick%len(spinUTF8)]
	}
	return spinASCII[f.Tick%len(spinASCII)]
}

// row renders one task. Colour goes on after the text is cut to width, so
// escape codes never count against it.
func (f *Frame) row(r *Row, idWidth, width int) string {
	mark, status := f.spin(), r.Status
	if status == "" {
		status = f.ellipsis()
	}
	paint := f.Palette.Cyan
	elapsed := f.Now.Sub(r.Since)
	if r.Finished {
		elapsed = r.Ended.Sub(r.Since)
		mark, paint = f.finishedMark(r.State)
	}

	// The fixed columns take 20: mark, status, time and the spaces between.
	idWidth = min(idWidth, width-20)
	if idWidth < 4 {
		line := strings.Join([]string{mark, r.ID, status, Duration(elapsed.Truncate(time.Second))}, " ")
		return f.fit(line, width)
	}

	id := pad(f.fitMiddle(r.ID, idWidth), idWidth)
	status = pad(f.fit(status, 10), 10)
	took := pad(Duration(elapsed.Truncate(time.Second)), 6)
	line := paint(mark) + " " + id + " " + paint(status) + " " + took

	room := width - (idWidth + 20) - 2
	if r.Detail == "" || room <= 3 {
		return strings.TrimRight(line, " ")
	}
	return line + "  " + f.Palette.Faint(f.fit(r.Detail, room))
}

// sep returns the separator of the summary's parts.
func (f *Frame) sep() string {
	if f.UTF8 {
		return " · "
	}
	return ", "
}

func (f *Frame) ellipsis() string {
	if f.UTF8 {
		return "…"
	}
	return "..."
}

// fit cuts s to n columns, marking a cut with the frame's ellipsis.
func (f *Frame) fit(s string, n int) string {
	return fitColumns(s, n, f.ellipsis())
}

// fitColumns cuts s to n terminal columns, marking a cut with ellipsis.
func fitColumns(s string, n int, ellipsis string) string {
	if columns(s) <= n {
		return s
	}
	if n <= columns(ellipsis) {
		return cutColumns(s, max(n, 0))
	}
	return cutColumns(s, n-columns(ellipsis)) + ellipsis
}

// fitMiddle cuts s to n columns by taking out its middle, for task ids,
// whose ends tell them apart.
func (f *Frame) fitMiddle(s string, n int) string {
	if columns(s) <= n {
		return s
	}
	e := f.ellipsis()
	room := n - columns(e)
	if room < 2 {
		return f.fit(s, n)
	}
	head := cutColumns(s, (room+1)/2)
	tail := s[len(s)-len(lastColumns(s, room/2)):]
	return head + e + tail
}

// lastColumns returns the longest end of s that fits in n columns.
func lastColumns(s string, n int) string {
	r := []rune(s)
	used, i := 0, len(r)
	for i > 0 && used+runeColumns(r[i-1]) <= n {
		used += runeColumns(r[i-1])
		i--
	}
	return string(r[i:])
}

// columns returns how many terminal columns s takes: two for each wide
// East Asian character, none for a combining mark, one for the rest.
func columns(s string) int {
	n := 0
	for _, r := range s {
		n += runeColumns(r)
	}
	return n
}

func runeColumns(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// cutColumns returns the longest start of s that fits in n columns.
func cutColumns(s string, n int) string {
	used := 0
	for i, r := range s {
		w := runeColumns(r)
		if used+w > n {
			return s[:i]
		}
		used += w
	}
	return s
}

func (f *Frame) finishedMark(s hub.State) (string, func(string) string) {
	ok, bad, other := "✓", "✗", "?"
	if !f.UTF8 {
		ok, bad, other = "+", "x", "?"
	}
	switch s {
	case hub.StateCompleted:
		return ok, f.Palette.Green
	case hub.StateFailed, hub.StateTimedOut:
		return bad, f.Palette.Red
	case hub.StateCancelled:
		return bad, f.Palette.Yellow
	}
	return other, f.Palette.Yellow
}

// pad fills s with spaces to n columns.
func pad(s string, n int) string {
	if c := columns(s); c < n {
		return s + strings.Repeat(" ", n-c)
	}
	return s
}

// TableProgress redraws a table of tasks in place on a terminal's stderr,
// about ten times a second. Every frame is built off-screen and written
// with one call, so the screen never shows half of one.
type TableProgress struct {
	streams *term.Streams
	clock   clockwork.Clock

	mu      sync.Mutex // guards the fields below
	frame   Frame
	rows    map[string]*Row
	height  int // lines of the frame on screen, 0 when none
	width   int // the width that frame was drawn for
	stopped bool

	quit chan struct{}
	done chan struct{}
}

// NewTableProgress starts drawing a table of the tasks in ids on stderr,
// which must be a terminal.
func NewTableProgress(s *term.Streams, clock clockwork.Clock, ids []string) *TableProgress {
	now := clock.Now()
	p := &TableProgress{
		streams: s,
		clock:   clock,
		rows:    make(map[string]*Row, len(ids)),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	p.frame = Frame{Start: now, Now: now, UTF8: s.UTF8(), Palette: s.ErrPalette()}
	p.frame.Rows = make([]*Row, len(ids))
	for i, id := range ids {
		r := &Row{ID: term.Sanitize(id), Since: now} // an id is server text too
		p.frame.Rows[i] = r
		p.rows[id] = r
	}

	fmt.Fprint(s.ErrFile, "\x1b[?25l")
	go p.loop()
	return p
}

func (p *TableProgress) loop() {
	defer close(p.done)

	ticker := p.clock.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		p.mu.Lock()
		p.draw()
		p.mu.Unlock()

		select {
		case <-ticker.Chan():
		case <-p.quit:
			return
		}
	}
}

// draw writes the current frame over the previous one. The caller holds
// p.mu.
func (p *TableProgress) draw() {
	width, height := p.streams.ErrSize()
	p.frame.Now = p.clock.Now()
	p.frame.Tick++
	lines := p.frame.Lines(width, height)

	var buf bytes.Buffer
	buf.WriteString("\x1b[?2026h") // ask for synchronized output where supported
	old := p.height
	p.home(&buf)
	for _, l := range lines {
		buf.WriteString(l)
		buf.WriteString("\x1b[K\n")
	}
	// Blank what is left of a taller frame, line by line, and come back.
	if extra := old - len(lines); extra > 0 {
		buf.WriteString(strings.Repeat("\x1b[2K\n", extra))
		fmt.Fprintf(&buf, "\x1b[%dA", extra)
	}
	buf.WriteString("\x1b[?2026l")
	p.streams.ErrFile.Write(buf.Bytes())

	p.height, p.width = len(lines), width
}

// home moves the cursor to the first line of the frame on screen, if one
// is there. The next frame overwrites it line by line: clearing the rest
// of the screen instead would make some terminals (tmux among them) push
// the whole screen into the scrollback on every frame.
func (p *TableProgress) home(buf *bytes.Buffer) {
	if p.height > 0 {
		fmt.Fprintf(buf, "\x1b[%dA\r", p.height)
	}
	p.height = 0
}

// clear blanks the frame on screen and leaves the cursor where it began.
func (p *TableProgress) clear(buf *bytes.Buffer) {
	h := p.height
	p.home(buf)
	if h > 0 {
		buf.WriteString(strings.Repeat("\x1b[2K\n", h))
		fmt.Fprintf(buf, "\x1b[%dA\r", h)
	}
}

// Observe records one event of the wait.
func (p *TableProgress) Observe(e poll.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()

	switch e.Kind {
	case poll.EventStatus:
		r := p.rows[e.ID]
		if r == nil {
			return
		}
		r.Status, r.State = oneLine(e.Task.Status), e.Task.State()
		if e.Previous == "" && e.Task.HasElapsed {
			r.Since = e.Time.Add(-time.Duration(e.Task.ElapsedMS) * time.Millisecond)
		}
		if e.Task.Finished() {
			r.Finished, r.Ended = true, e.Time
			if e.Task.HasElapsed {
				r.Ended = r.Since.Add(time.Duration(e.Task.ElapsedMS) * time.Millisecond)
			}
			r.Detail = strings.TrimSpace(outcomeSuffix(e.Task))
		}
	case poll.EventFinished:
		if r := p.rows[e.ID]; r != nil && e.Err != nil {
			r.Finished, r.Ended, r.State = true, e.Time, hub.StateUnknown
			r.Status, r.Detail = "error", oneLine(e.Err.Error())
		}
	case poll.EventOutage:
		p.frame.Outage = "API unreachable, retrying"
	case poll.EventRecovered:
		p.frame.Outage = ""
	}
}

// Suspend clears the table, runs f, and draws the table again below what
// f wrote.
func (p *TableProgress) Suspend(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()

	var buf bytes.Buffer
	p.clear(&buf)
	p.streams.ErrFile.Write(buf.Bytes())
	f()
	if !p.stopped {
		p.draw()
	}
}

// Stop draws the final frame, leaves it on screen and shows the cursor.
// It is safe to call more than once.
func (p *TableProgress) Stop() {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	p.mu.Unlock()

	close(p.quit)
	<-p.done

	p.mu.Lock()
	defer p.mu.Unlock()
	p.frame.Stopped = true
	p.draw()
	fmt.Fprint(p.streams.ErrFile, "\x1b[?25h")
}
