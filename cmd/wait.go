package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hubctl/hubctl/internal/exitcode"
	"github.com/hubctl/hubctl/internal/history"
	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/poll"
	"github.com/hubctl/hubctl/internal/render"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// waitKeys are the settings 'wait' and 'watch' take as flags.
var waitKeys = []string{"interval", "timeout", "concurrency", "heartbeat", "progress", "quiet",
	"no_history", "max_rate"}

// waitOptions holds what one run of 'hubctl wait' or 'hubctl watch' needs.
type waitOptions struct {
	app        *app
	ids        []string
	watch      bool   // follow every change instead of printing results
	eventsFile string // where to also write the event stream; "" for nowhere
	resume     string // the command line that resumes, without the ids
}

func newWaitCmd(a *app) *cobra.Command {
	opts := &waitOptions{app: a}
	cmd := &cobra.Command{
		Use:   "wait ID... | -",
		Short: "Wait for tasks to finish and print their results",
		Long: `Poll each task until it is finished, print its result as soon as it is,
and exit with a status that tells how the tasks ended: 0 when every task
completed, otherwise the status of the first task, in the order given, that
did not (see 'hubctl help exit-codes').

While waiting, a terminal shows a spinner on stderr; logs and pipes get one
plain line per status change. Errors that may pass (a dropped connection,
HTTP 429 or 5xx) are retried until --timeout.`,
		Example: `  # block until a generation finishes
  hubctl wait "$TASK_ID"

  # wait for several tasks and keep only their output URLs
  hubctl wait hub-1 hub-2 --jq '.data.images[]?.url'

  # in CI: fail the job when the task fails, give up after 20 minutes
  hubctl wait "$TASK_ID" --timeout 20m --json > result.json

  # ids from another command, one per line
  submit-jobs | hubctl wait -`,
		Args: needIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.run(cmd, args)
		},
	}
	addWaitFlags(cmd, opts)
	return cmd
}

// addWaitFlags defines the flags 'wait' and 'watch' share.
func addWaitFlags(cmd *cobra.Command, opts *waitOptions) {
	addKeyFlags(cmd.Flags(), waitKeys)
	cmd.Flags().StringVar(&opts.eventsFile, "events-file", "",
		"also append the stream of status changes, as JSON lines, to `PATH`")
}

// run loads the settings, reads the ids and waits.
func (opts *waitOptions) run(cmd *cobra.Command, args []string) error {
	ids, err := opts.app.setupTasks(cmd, args)
	if err != nil {
		return err
	}
	opts.ids = ids
	opts.resume = resumeCommand(cmd, cmd.Name())
	return runWait(cmd.Context(), opts)
}

// runWait polls every task until it has finished. 'wait' prints each
// result as it comes; 'watch' prints every change, and the results at the
// end unless the changes went to stdout as JSON.
func runWait(ctx context.Context, opts *waitOptions) error {
	a, s := opts.app, opts.app.settings
	progress, err := newProgress(opts)
	if err != nil {
		return err
	}
	defer progress.Stop()

	events, err := openEvents(opts.eventsFile)
	if err != nil {
		return err
	}
	defer events.Close()

	hist := loadHistory(a)
	streamEvents := opts.watch && (a.jsonOut || a.jq != nil)
	var writeErr error
	observe := func(e poll.Event) {
		progress.Observe(e)
		// Only a task seen running teaches anything; one found finished
		// may have been counted by an earlier run.
		if e.Kind == poll.EventStatus && e.Previous != "" && e.Task.State() == hub.StateCompleted &&
			e.Task.HasElapsed {
			hist.Add(e.Task.Model, time.Duration(e.Task.ElapsedMS)*time.Millisecond)
		}
		if writeErr != nil {
			return
		}
		line, err := render.EventJSON(e)
		if err != nil {
			writeErr = err
			return
		}
		if line != nil {
			writeErr = events.Write(line)
			if streamEvents && !s.Quiet && writeErr == nil {
				progress.Suspend(func() { writeErr = a.printer.PrintJSON(line, "event of task "+e.ID) })
			}
		}
		if !opts.watch && e.Kind == poll.EventFinished && e.Err == nil && !s.Quiet {
			progress.Suspend(func() { writeErr = a.printer.Print(e.Task) })
		}
	}

	results, err := poll.Wait(ctx, a.client, opts.ids, poll.Options{
		Clock:       a.deps.Clock,
		Interval:    s.Interval,
		Timeout:     s.Timeout,
		Concurrency: s.Concurrency,
		Heartbeat:   s.Heartbeat,
		Estimates:   estimates(hist),
		MaxRate:     s.MaxRate,
		Observe:     observe,
		Logger:      a.logger,
	})
	progress.Stop()
	if err := hist.Save(a.deps.Clock.Now()); err != nil {
		a.logger.Debug("history not saved", "error", err)
	}

	// 'watch' prints results at the end, even when it stops early: the
	// tasks that finished by then are not in the resume hint.
	printResults := opts.watch && !streamEvents && !s.Quiet && writeErr == nil
	var incomplete *poll.Incomplete
	switch {
	case errors.As(err, &incomplete):
		if printResults {
			// A write cut short by the same signal changes nothing: the
			// stop is what the exit status reports.
			_ = printFinished(a, results)
		}
		// Tasks that ended without an answer are in neither the results
		// nor the resume hint; each gets its line, as when the wait ends.
		for _, r := range results {
			if r.Err != nil && !s.Quiet {
				a.printError(&taskError{id: r.ID, err: r.Err})
			}
		}
		return stoppedEarly(incomplete, s.Timeout, opts.resume)
	case err != nil:
		return err
	case writeErr != nil:
		return fmt.Errorf("writing results: %w", writeErr)
	}

	if printResults {
		if err := printFinished(a, results); err != nil {
			return fmt.Errorf("writing results: %w", err)
		}
	}
	var errs []error
	for _, r := range results {
		switch {
		case r.Err != nil:
			errs = append(errs, &taskError{id: r.ID, err: r.Err})
		case r.Task.State() != hub.StateCompleted:
			errs = append(errs, &hub.OutcomeError{Task: r.Task})
		}
	}
	return summarize(a, errs, len(results), "tasks did not complete")
}

// printFinished prints the result of every task in results that has
// finished, in the order given.
func printFinished(a *app, results []poll.Result) error {
	for _, r := range results {
		if r.Err == nil && r.Task != nil && r.Task.Finished() {
			if err := a.printer.Print(r.Task); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadHistory returns the record of past task durations, or an empty one
// that is never saved when --no-history is set.
func loadHistory(a *app) *history.History {
	if a.settings.NoHistory {
		return history.Load("")
	}
	return history.Load(history.DefaultDir(a.deps.Streams.Getenv))
}

// estimates returns what the history says of each model, worked out once
// per model rather than once per poll.
func estimates(h *history.History) func(string) poll.Estimate {
	known := map[string]poll.Estimate{}
	return func(model string) poll.Estimate {
		est, ok := known[model]
		if !ok {
			est = poll.EstimateFrom(h.Samples(model), history.MinSamples)
			known[model] = est
		}
		return est
	}
}

// newProgress returns the progress display the settings ask for: for a
// terminal, a spinner for 'wait' and a live table for 'watch'.
func newProgress(opts *waitOptions) (render.Progress, error) {
	a := opts.app
	kind, err := a.deps.Streams.ProgressFor(a.settings.Progress)
	if err != nil {
		return nil, exitcode.Usagef("%w", err)
	}
	if a.settings.Quiet {
		kind = term.ProgressNone
	}
	if kind == term.ProgressTTY && opts.watch {
		return render.NewTableProgress(a.deps.Streams, a.deps.Clock, opts.ids), nil
	}
	return render.NewProgress(kind, a.deps.Streams, a.deps.Clock), nil
}

// stoppedEarly explains a wait cut short and gives the command that
// resumes it, with every task still running.
//
// command is the resuming command line without the ids, such as
// "wait --json".
func stoppedEarly(e *poll.Incomplete, timeout fmt.Stringer, command string) error {
	what := e.Err.Error()
	switch {
	case errors.Is(e.Err, poll.ErrTimeout) && e.Reason != "":
		what = "stopped waiting: " + e.Reason
	case errors.Is(e.Err, poll.ErrTimeout):
		what = "timed out after " + timeout.String()
	}

	shown, more := e.Running, ""
	if len(shown) > 10 {
		shown, more = shown[:10], fmt.Sprintf(" and %d more", len(e.Running)-10)
	}
	words := []string{"hubctl", command}
	for _, id := range e.Running {
		if strings.HasPrefix(id, "-") {
			words = append(words, "--")
			break
		}
	}
	for _, id := range e.Running {
		words = append(words, shellQuote(id))
	}
	msg := fmt.Sprintf("%s; still running: %s%s; resume with: %s",
		what, strings.Join(shown, ", "), more, strings.Join(words, " "))
	return &rewordedError{msg: msg, err: e}
}

// resumeCommand returns name followed by the flags set on cmd's command
// line, each quoted for a POSIX shell, so that the command that resumes a
// wait prints what the first one would have. --token is left out: the hint
// must not show it, and the token's other sources still apply.
func resumeCommand(cmd *cobra.Command, name string) string {
	parts := []string{name}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		switch {
		case f.Name == "token":
		case f.Value.Type() == "bool" && f.Value.String() == "true":
			parts = append(parts, "--"+f.Name)
		case f.Value.Type() == "bool":
			parts = append(parts, "--"+f.Name+"="+f.Value.String())
		default:
			parts = append(parts, "--"+f.Name, shellQuote(f.Value.String()))
		}
	})
	return strings.Join(parts, " ")
}

// shellQuote returns s as one word for bash and zsh: as it is when it holds
// only characters no shell treats specially; in single quotes when every
// character is printable; else in the $'...' form, with every byte that is
// not printable ASCII written as \xHH, so that the word stays on one line,
// shows nothing a terminal would act on, and reads back as s in any
// locale. (Some sh, dash among them, do not read $'...'.)
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			strings.ContainsRune("@%+:,./_-", r))
	}) < 0
	if safe {
		return s
	}
	printable := utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0
	if printable {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}

	var b strings.Builder
	b.WriteString("$'")
	for _, c := range []byte(s) {
		switch {
		case c == '\\' || c == '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
