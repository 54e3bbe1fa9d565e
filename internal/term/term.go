// Package term decides, once per process and per stream, what hubctl may
// write where: whether a stream is a terminal, whether it gets colour, and
// which kind of progress display stderr can carry.
package term

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fatih/color"
	"golang.org/x/term"
)

// Streams holds the standard streams of one run and what is known about
// them. Commands write only through a Streams value.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer

	InTTY  bool
	OutTTY bool
	ErrTTY bool

	// ErrFile is stderr as a file when it is one; a spinner needs it.
	ErrFile *os.File

	// Getenv reads the environment; tests replace it.
	Getenv func(string) string

	// LookupEnv also tells a variable set to "" from an unset one; nil
	// means the environment has no variables set to "".
	LookupEnv func(string) (string, bool)

	// Undo holds what to put back on the terminal if the process must exit
	// at once; nil for streams that are not the process's own.
	Undo *Undo

	colorOut bool
	colorErr bool
}

// System returns the process's own streams.
func System() *Streams {
	s := &Streams{
		In:      os.Stdin,
		Out:     os.Stdout,
		Err:     os.Stderr,
		InTTY:   term.IsTerminal(int(os.Stdin.Fd())),
		OutTTY:  term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY:  term.IsTerminal(int(os.Stderr.Fd())),
		ErrFile: os.Stderr,
		Getenv:  os.Getenv,

		LookupEnv: os.LookupEnv,
		Undo:      &Undo{},
	}
	s.colorOut, s.colorErr = s.autoColor(s.OutTTY), s.autoColor(s.ErrTTY)
	return s
}

// ForTest returns streams backed by buffers, none of them a terminal, with
// an empty environment.
func ForTest() (s *Streams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = new(bytes.Buffer), new(bytes.Buffer), new(bytes.Buffer)
	s = &Streams{In: in, Out: out, Err: errOut, Getenv: func(string) string { return "" }}
	return s, in, out, errOut
}

// ColorModes lists the values SetColorMode accepts.
var ColorModes = []string{"auto", "always", "never"}

// SetColorMode applies a --color value: "always" and "never" force colour
// on both streams; "auto" gives it to each stream that is a terminal when
// NO_COLOR is empty and TERM is not "dumb".
func (s *Streams) SetColorMode(mode string) error {
	switch mode {
	case "always":
		s.colorOut, s.colorErr = true, true
	case "never":
		s.colorOut, s.colorErr = false, false
	case "auto", "":
		s.colorOut, s.colorErr = s.autoColor(s.OutTTY), s.autoColor(s.ErrTTY)
	default:
		return fmt.Errorf("invalid color mode %q: want auto, always or never", mode)
	}

	// The spinner colours its frames through fatih/color's process-wide
	// switch; palettes set their own, so the switch can follow stderr.
	color.NoColor = !s.colorErr
	return nil
}

func (s *Streams) autoColor(tty bool) bool {
	return tty && s.Getenv("NO_COLOR") == "" && !s.dumb()
}

func (s *Streams) dumb() bool {
	return s.Getenv("TERM") == "dumb"
}

// OutPalette returns the palette for stdout.
func (s *Streams) OutPalette() Palette { return NewPalette(s.colorOut) }

// ErrPalette returns the palette for stderr.
func (s *Streams) ErrPalette() Palette { return NewPalette(s.colorErr) }

// Progress is a kind of progress display on stderr.
type Progress int

// The kinds of progress display.
const (
	ProgressNone  Progress = iota
	ProgressPlain          // one line per change, for logs and pipes
	ProgressTTY            // redrawn in place, for a person at a terminal
)

// ProgressModes lists the values ProgressFor accepts.
var ProgressModes = []string{"auto", "tty", "plain", "none"}

// ProgressFor resolves a --progress value. "auto" draws in place only when
// stderr is a terminal, TERM is not "dumb" and CI is unset; "tty" asks for
// drawing in place, which still needs stderr to be a terminal.
func (s *Streams) ProgressFor(mode string) (Progress, error) {
	switch mode {
	case "none":
		return ProgressNone, nil
	case "plain":
		return ProgressPlain, nil
	case "tty":
		if s.ErrTTY && s.ErrFile != nil {
			return ProgressTTY, nil
		}
		return ProgressPlain, nil
	case "auto", "":
		if s.ErrTTY && s.ErrFile != nil && !s.dumb() && s.Getenv("CI") == "" {
			return ProgressTTY, nil
		}
		return ProgressPlain, nil
	}
	return ProgressNone, fmt.Errorf("invalid progress mode %q: want auto, tty, plain or none", mode)
}

// UTF8 reports whether the locale lets stderr show non-ASCII marks.
func (s *Streams) UTF8() bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := s.Getenv(name); v != "" {
			v = strings.ToUpper(v)
			return strings.Contains(v, "UTF-8") || strings.Contains(v, "UTF8")
		}
	}
	return false
}

// ErrWidth returns stderr's width in columns, or 80 when it is unknown.
func (s *Streams) ErrWidth() int {
	w, _ := s.ErrSize()
	return w
}

// ErrSize returns stderr's width and height, or 80 by 24 when they are
// unknown.
func (s *Streams) ErrSize() (width, height int) {
	if s.ErrFile != nil && s.ErrTTY {
		if w, h, err := term.GetSize(int(s.ErrFile.Fd())); err == nil && w > 0 && h > 0 {
			return w, h
		}
	}
	return 80, 24
}

// Palette colours text for one stream, or passes it through unchanged.
type Palette struct {
	enabled bool
	green   *color.Color
	red     *color.Color
	yellow  *color.Color
	cyan    *color.Color
	faint   *color.Color
	bold    *color.Color
}

// NewPalette returns a palette that colours when enabled is true.
func NewPalette(enabled bool) Palette {
	p := Palette{
		enabled: enabled,
		green:   color.New(color.FgGreen),
		red:     color.New(color.FgRed),
		yellow:  color.New(color.FgYellow),
		cyan:    color.New(color.FgCyan),
		faint:   color.New(color.Faint),
		bold:    color.New(color.Bold),
	}
	for _, c := range []*color.Color{p.green, p.red, p.yellow, p.cyan, p.faint, p.bold} {
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

// Enabled reports whether the palette colours.
func (p Palette) Enabled() bool { return p.enabled }

// Green, Red, Yellow, Cyan, Faint and Bold wrap s in the escape codes of
// their style when the palette is enabled.
func (p Palette) Green(s string) string  { return p.green.Sprint(s) }
func (p Palette) Red(s string) string    { return p.red.Sprint(s) }
func (p Palette) Yellow(s string) string { return p.yellow.Sprint(s) }
func (p Palette) Cyan(s string) string   { return p.cyan.Sprint(s) }
func (p Palette) Faint(s string) string  { return p.faint.Sprint(s) }
func (p Palette) Bold(s string) string   { return p.bold.Sprint(s) }
