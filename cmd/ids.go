package cmd

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/hubctl/hubctl/internal/exitcode"
	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/spf13/cobra"
)

// setupTasks loads the settings and returns the task ids args name.
func (a *app) setupTasks(cmd *cobra.Command, args []string) ([]string, error) {
	if err := a.setup(cmd); err != nil {
		return nil, err
	}

	if slices.Contains(args, "-") && a.deps.Streams.InTTY {
		return nil, exitcode.Usagef("- reads task ids from standard input, which is a terminal; "+
			"pipe them in, as in: %s - < ids.txt", cmd.CommandPath())
	}

	ids, err := taskIDs(args, term.ContextReader(a.ctx, a.deps.Streams.In), a.settings.TokenFile == "-")
	a.remember(ids...)
	return ids, err
}

// taskIDs returns the ids named by args, in order and each once. An
// argument "-" stands for the whitespace-separated ids on stdin. Every id
// is checked before anything is sent.
func taskIDs(args []string, stdin io.Reader, stdinTaken bool) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	add := func(id string) error {
		if err := hub.CheckID(id); err != nil {
			return exitcode.Usagef("%w", err)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
		return nil
	}

	readStdin := false
	for _, arg := range args {
		if arg != "-" {
			if err := add(arg); err != nil {
				return nil, err
			}
			continue
		}
		if readStdin {
			continue
		}
		if stdinTaken {
			return nil, exitcode.Usagef("standard input cannot hold both the token and task ids")
		}
		readStdin = true

		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 0, 4096), hub.MaxIDLength+1)
		sc.Split(bufio.ScanWords)
		for sc.Scan() {
			if err := add(sc.Text()); err != nil {
				return nil, err
			}
		}
		if err := sc.Err(); err != nil {
			return nil, exitcode.Usagef("reading task ids from standard input: %w", err)
		}
	}

	if len(ids) == 0 {
		return nil, exitcode.Usagef("no task ids given: none as arguments and none on standard input")
	}
	return ids, nil
}

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(fmt.Sprintf("invalid default duration %q", s))
	}
	return d
}

func mustFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(fmt.Sprintf("invalid default number %q", s))
	}
	return f
}

func mustInt(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic(fmt.Sprintf("invalid default integer %q", s))
	}
	return n
}
