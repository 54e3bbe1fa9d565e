package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/spf13/cobra"
)

// getOptions holds what one run of 'hubctl get' needs.
type getOptions struct {
	app *app
	ids []string
}

func newGetCmd(a *app) *cobra.Command {
	opts := &getOptions{app: a}
	cmd := &cobra.Command{
		Use:   "get ID... | -",
		Short: "Fetch tasks once and print them",
		Long: `Fetch each task once and print its status and, when it has finished,
its outputs or its error.

Exits 0 when every fetch succeeded, whatever the tasks' statuses; use
'hubctl wait' to also learn how a task ended from the exit status.`,
		Example: `  hubctl get hub-6f1c2a90-3c1d-4e59-b9a4-1f2e3d4c5b6a
  hubctl get "$TASK_ID" --json | jq -r '.data.images[0].url'
  hubctl get "$TASK_ID" --jq .status`,
		Args: needIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, err := a.setupTasks(cmd, args)
			if err != nil {
				return err
			}
			opts.ids = ids
			return runGet(cmd.Context(), opts)
		},
	}
	addKeyFlags(cmd.Flags(), []string{"concurrency", "quiet"})
	return cmd
}

// fetched is the outcome of one fetch.
type fetched struct {
	task *hub.Task
	err  error
}

// runGet fetches every task, at most the configured number at once, and
// prints the results in the order the ids were given.
func runGet(ctx context.Context, opts *getOptions) error {
	a := opts.app
	outcomes := make([]chan fetched, len(opts.ids))
	slots := make(chan struct{}, a.settings.Concurrency)
	for i, id := range opts.ids {
		outcomes[i] = make(chan fetched, 1)
		go func() {
			slots <- struct{}{}
			defer func() { <-slots }()

			task, err := a.client.Get(ctx, id)
			outcomes[i] <- fetched{task: task, err: err}
		}()
	}

	var errs []error
	for i, id := range opts.ids {
		var f fetched
		select {
		case f = <-outcomes[i]:
		case <-ctx.Done():
			return context.Cause(ctx)
		}

		if f.err != nil {
			errs = append(errs, &taskError{id: id, err: f.err})
			continue
		}
		if a.settings.Quiet {
			continue
		}
		if err := a.printer.Print(f.task); err != nil {
			return err
		}
	}
	return summarize(a, errs, len(opts.ids), "fetches failed")
}

// taskError is a failure that concerns one task.
type taskError struct {
	id  string
	err error
}

func (e *taskError) Error() string { return fmt.Sprintf("task %s: %v", e.id, e.err) }

func (e *taskError) Unwrap() error { return e.err }

// summarize turns the failures of a run over total tasks into the error it
// returns: nil for none, the failure itself for one task. For several
// tasks it prints a line on stderr for each task that failed to be fetched
// (those have no result on stdout to show it) and returns a summary that
// carries the exit status of the first failure.
func summarize(a *app, errs []error, total int, what string) error {
	switch {
	case len(errs) == 0:
		return nil
	case total == 1:
		return errs[0]
	}

	firstShown := false
	for i, err := range errs {
		var te *taskError
		if errors.As(err, &te) && !a.settings.Quiet {
			a.printError(err)
			firstShown = firstShown || i == 0
		}
	}

	msg := fmt.Sprintf("%d of %d %s; the exit status is that of the first", len(errs), total, what)
	if te := (*taskError)(nil); errors.As(errs[0], &te) {
		msg += ", task " + te.id
	}
	if !firstShown {
		msg = fmt.Sprintf("%d of %d %s; the first: %v", len(errs), total, what, errs[0])
	}
	return &rewordedError{msg: msg, err: errs[0]}
}

// printError writes err as one line on stderr, with what the server said
// in it escaped.
func (a *app) printError(err error) {
	fmt.Fprintf(a.deps.Streams.Err, "hubctl: %s\n", term.Sanitize(err.Error()))
}

// rewordedError shows an error in other words: its message replaces the
// wrapped error's, whose type still decides the exit status.
type rewordedError struct {
	msg string
	err error
}

func (e *rewordedError) Error() string { return e.msg }

func (e *rewordedError) Unwrap() error { return e.err }
