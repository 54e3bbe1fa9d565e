package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hubctl/hubctl/internal/exitcode"
	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/poll"
	"github.com/hubctl/hubctl/internal/render"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/spf13/cobra"
)

// waitKeys are the settings 'wait' takes as flags.
var waitKeys = []string{"interval", "timeout", "concurrency", "heartbeat", "progress", "quiet"}

// waitOptions holds what one run of 'hubctl wait' needs.
type waitOptions struct {
	app *app
	ids []string
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
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.setup(cmd); err != nil {
				return err
			}

			ids, err := taskIDs(args, a.deps.Streams.In, a.settings.TokenFile == "-")
			if err != nil {
				return err
			}
			opts.ids = ids
			return runWait(cmd.Context(), opts)
		},
	}
	addKeyFlags(cmd.Flags(), waitKeys)
	return cmd
}

// runWait polls every task until it has finished, printing each result as
// it comes.
func runWait(ctx context.Context, opts *waitOptions) error {
	a, s := opts.app, opts.app.settings
	kind, err := a.deps.Streams.ProgressFor(s.Progress)
	if err != nil {
		return exitcode.Usagef("%w", err)
	}
	if s.Quiet {
		kind = term.ProgressNone
	}
	progress := render.NewProgress(kind, a.deps.Streams, a.deps.Clock)
	defer progress.Stop()

	var printErr error
	observe := func(e poll.Event) {
		progress.Observe(e)
		if e.Kind != poll.EventFinished || e.Err != nil || s.Quiet || printErr != nil {
			return
		}
		progress.Suspend(func() { printErr = a.printer.Print(e.Task) })
	}

	results, err := poll.Wait(ctx, a.client, opts.ids, poll.Options{
		Clock:       a.deps.Clock,
		Interval:    s.Interval,
		Timeout:     s.Timeout,
		Concurrency: s.Concurrency,
		Heartbeat:   s.Heartbeat,
		Observe:     observe,
	})
	progress.Stop()

	var incomplete *poll.Incomplete
	switch {
	case errors.As(err, &incomplete):
		return stoppedEarly(incomplete, s.Timeout)
	case err != nil:
		return err
	case printErr != nil:
		return fmt.Errorf("writing results: %w", printErr)
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

// stoppedEarly explains a wait cut short and says how to resume it.
func stoppedEarly(e *poll.Incomplete, timeout fmt.Stringer) error {
	what := e.Err.Error()
	if errors.Is(e.Err, poll.ErrTimeout) {
		what = "timed out after " + timeout.String()
	}
	if e.Reason != "" {
		what += " (" + e.Reason + ")"
	}

	shown := e.Running
	more := ""
	if len(shown) > 10 {
		shown, more = shown[:10], fmt.Sprintf(" and %d more", len(e.Running)-10)
	}
	msg := fmt.Sprintf("%s; still running: %s%s; resume with: hubctl wait %s",
		what, strings.Join(shown, ", "), more, strings.Join(shown, " "))
	return &rewordedError{msg: msg, err: e}
}
