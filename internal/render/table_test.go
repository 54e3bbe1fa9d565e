package render

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/term"
)

// frameAt returns a frame 75 seconds into a watch of rows, ASCII or not.
func frameAt(rows []*Row, utf bool) *Frame {
	start := time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC)
	return &Frame{Rows: rows, Start: start, Now: start.Add(75 * time.Second), Tick: 3,
		UTF8: utf, Palette: term.NewPalette(false)}
}

// oneRowPerStatus returns a row in each state a task can show.
func oneRowPerStatus() []*Row {
	start := time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC)
	return []*Row{
		{ID: "hub-a1b2c3d4-0001", Since: start},
		{ID: "hub-a1b2c3d4-0002", Status: "pending", State: hub.StateRunning, Since: start.Add(5 * time.Second)},
		{ID: "hub-a1b2c3d4-0003", Status: "processing", State: hub.StateRunning, Since: start},
		{ID: "hub-a1b2c3d4-0004", Status: "completed", State: hub.StateCompleted, Finished: true,
			Since: start, Ended: start.Add(41 * time.Second),
			Detail: "https://files.example/hub-a1b2c3d4-0004/image-0.png"},
		{ID: "hub-a1b2c3d4-0005", Status: "failed", State: hub.StateFailed, Finished: true,
			Since: start, Ended: start.Add(9 * time.Second), Detail: "error 5001: content policy violation"},
		{ID: "hub-a1b2c3d4-0006", Status: "timeout", State: hub.StateTimedOut, Finished: true,
			Since: start, Ended: start.Add(60 * time.Second), Detail: "error E_TIMEOUT"},
		{ID: "hub-a1b2c3d4-0007", Status: "cancelled", State: hub.StateCancelled, Finished: true,
			Since: start, Ended: start.Add(3 * time.Second)},
		{ID: "hub-a1b2c3d4-0008", Status: "exploded", State: hub.StateUnknown, Finished: true,
			Since: start, Ended: start.Add(7 * time.Second)},
	}
}

func TestFrameGolden(t *testing.T) {
	many := make([]*Row, 300)
	start := time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC)
	for i := range many {
		r := &Row{ID: fmt.Sprintf("hub-task-%04d", i), Status: "processing", State: hub.StateRunning, Since: start}
		if i%3 == 0 {
			r.Status, r.State, r.Finished, r.Ended = "completed", hub.StateCompleted, true, start.Add(time.Minute)
			r.Detail = fmt.Sprintf("https://files.example/%d.png", i)
		}
		many[i] = r
	}

	tests := []struct {
		name          string
		rows          []*Row
		utf8          bool
		width, height int
	}{
		{"statuses-w100", oneRowPerStatus(), true, 100, 30},
		{"statuses-w60", oneRowPerStatus(), true, 60, 30},
		{"statuses-w30", oneRowPerStatus(), true, 30, 30},
		{"statuses-ascii", oneRowPerStatus(), false, 100, 30},
		{"statuses-short-screen", oneRowPerStatus(), true, 100, 6},
		{"hundreds-w80-h24", many, true, 80, 24},
	}
	wide := oneRowPerStatus()
	wide[4].Detail = "生成失败：内容违反安全策略，请修改提示词后重试。生成失败：内容违反安全策略，请修改提示词后重试。"
	wide[1].ID = "任务-一二三四五六七八九十"
	tests = append(tests, struct {
		name          string
		rows          []*Row
		utf8          bool
		width, height int
	}{"wide-characters-w60", wide, true, 60, 30})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := frameAt(tt.rows, tt.utf8).Lines(tt.width, tt.height)

			if len(lines) > tt.height-1 {
				t.Errorf("%d lines on a %d-line screen; the frame must leave the cursor's line free",
					len(lines), tt.height)
			}
			for i, l := range lines {
				if n := columns(l); n > tt.width-1 {
					t.Errorf("line %d is %d columns on a %d-column screen: %q", i, n, tt.width, l)
				}
			}
			golden(t, "frame-"+tt.name, []byte(strings.Join(lines, "\n")+"\n"))
		})
	}
}

func TestFrameKeepsOrderWhenRowsFit(t *testing.T) {
	rows := oneRowPerStatus()
	lines := frameAt(rows, true).Lines(100, 30)

	for i, r := range rows {
		if !strings.Contains(lines[i+1], r.ID) {
			t.Errorf("line %d = %q, want the row of %s, in the order given", i+1, lines[i+1], r.ID)
		}
	}
}

func TestFramePutsRunningFirstWhenRowsDoNotFit(t *testing.T) {
	rows := oneRowPerStatus()
	lines := frameAt(rows, true).Lines(100, 6) // room for 3 rows and the count

	want := []string{"hub-a1b2c3d4-0001", "hub-a1b2c3d4-0002", "hub-a1b2c3d4-0003"}
	for i, id := range want {
		if !strings.Contains(lines[i+1], id) {
			t.Errorf("line %d = %q, want running task %s", i+1, lines[i+1], id)
		}
	}
	if last := lines[len(lines)-1]; last != "… 5 more not shown" {
		t.Errorf("last line = %q, want the count of hidden rows", last)
	}
}

func TestFrameSummaryCounts(t *testing.T) {
	lines := frameAt(oneRowPerStatus(), true).Lines(200, 30)

	want := "⠸ 3 running · 1 completed · 1 failed · 1 timeout · 1 cancelled · 1 unknown · 1m15s"
	if lines[0] != want {
		t.Errorf("summary = %q, want %q", lines[0], want)
	}
}

func TestFrameColourDoesNotCountAgainstWidth(t *testing.T) {
	f := frameAt(oneRowPerStatus(), true)
	f.Palette = term.NewPalette(true)
	plain := frameAt(oneRowPerStatus(), true).Lines(60, 30)

	for i, l := range f.Lines(60, 30) {
		if strip := stripEscapes(l); strip != strings.TrimRight(plain[i], " ") && strip != plain[i] {
			t.Errorf("line %d with colour %q, without %q", i, strip, plain[i])
		}
		if !strings.Contains(l, "\x1b[") && i > 0 {
			t.Errorf("line %d has no colour: %q", i, l)
		}
	}
}

// stripEscapes removes SGR escape codes.
func stripEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestFrameShowsFailuresBeforeCompletedWhenRowsDoNotFit(t *testing.T) {
	start := time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC)
	var rows []*Row
	for i := range 12 {
		rows = append(rows, &Row{ID: fmt.Sprintf("ok-%02d", i), Status: "completed", State: hub.StateCompleted,
			Finished: true, Since: start, Ended: start.Add(time.Second)})
	}
	rows = append(rows, &Row{ID: "gone", Status: "error", State: hub.StateUnknown, Finished: true,
		Since: start, Ended: start, Detail: "HTTP 404 Not Found"})

	lines := frameAt(rows, true).Lines(80, 6)
	if !strings.Contains(lines[1], "gone") {
		t.Errorf("first row = %q, want the task that failed", lines[1])
	}
	if !strings.Contains(lines[0], "12 completed · 1 error") {
		t.Errorf("summary = %q, want a fetch failure counted as an error, not an unknown status", lines[0])
	}
}

func TestFrameCutsLongIDsInTheMiddle(t *testing.T) {
	f := frameAt(nil, true)
	if got := f.fitMiddle("hub-00000000-0000-4000-8000-000000000015", 20); got != "hub-000000…000000015" {
		t.Errorf("fitMiddle = %q, want the start and the end kept", got)
	}
}

func TestStoppedFrameShowsStillMarks(t *testing.T) {
	for _, utf := range []bool{true, false} {
		f := frameAt(oneRowPerStatus(), utf)
		f.Stopped = true
		lines := f.Lines(100, 30)

		still := map[bool]string{true: "·", false: "."}[utf]
		for _, i := range []int{0, 1, 2, 3} { // the summary, then the three running rows
			if !strings.HasPrefix(lines[i], still+" ") {
				t.Errorf("utf8 %v: line %d = %q, want it to start with the still mark %q", utf, i, lines[i], still)
			}
		}
		for _, spin := range append(slices.Clone(spinUTF8), spinASCII...) {
			if strings.Contains(strings.Join(lines, "\n"), spin+" ") {
				t.Errorf("utf8 %v: a stopped frame shows the spinner step %q", utf, spin)
			}
		}
	}
}
