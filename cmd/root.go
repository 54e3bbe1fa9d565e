// Package cmd holds hubctl's commands. NewRootCmd builds the command tree
// from injected dependencies; Run executes it and turns the outcome into an
// exit status; Main wires both to the real process.
package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hubctl/hubctl/internal/buildinfo"
	"github.com/hubctl/hubctl/internal/config"
	"github.com/hubctl/hubctl/internal/exitcode"
	"github.com/hubctl/hubctl/internal/history"
	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/render"
	"github.com/hubctl/hubctl/internal/state"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/itchyny/gojq"
	"github.com/jonboulle/clockwork"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Deps are what a run of hubctl takes from its surroundings.
type Deps struct {
	Streams *term.Streams
	Clock   clockwork.Clock

	// HTTP sends requests; nil means one built from the settings.
	HTTP *http.Client
}

// app is the state one run shares between its commands: the settings,
// loaded once before the command runs, and what is built from them.
type app struct {
	ctx      context.Context // the run's; cancelled by a signal
	deps     *Deps
	viper    *viper.Viper
	settings *config.Settings
	client   *hub.Client
	printer  resultPrinter
	logger   *slog.Logger

	jsonOut  bool
	jqExpr   string
	jq       *gojq.Code
	template string

	// ready is set once the flags have parsed and settings have loaded;
	// an error before that is a usage error.
	ready bool

	// taskCmds are the commands that take task ids; seen holds the ids
	// this run has seen, which Run saves for completion to offer.
	taskCmds []*cobra.Command
	seen     []string
}

// resultPrinter writes results to stdout: *render.Printer for the human
// form, --json and --jq, *render.TemplatePrinter for --template.
type resultPrinter interface {
	// Print writes one task.
	Print(t *hub.Task) error

	// PrintJSON writes one JSON document; what names it in errors.
	PrintJSON(doc json.RawMessage, what string) error
}

// globalKeys are the settings every command takes as flags; the others
// belong to the commands that poll.
var globalKeys = []string{
	"token", "token_file", "base_url", "request_timeout", "max_body",
	"insecure_http", "color", "debug",
}

// NewRootCmd returns the hubctl command tree.
func NewRootCmd(deps *Deps) *cobra.Command {
	root, _ := newRoot(deps)
	return root
}

// newRoot returns the command tree and the state its commands share.
func newRoot(deps *Deps) (*cobra.Command, *app) {
	a := &app{ctx: context.Background(), deps: deps, viper: viper.New()}

	root := &cobra.Command{
		Use:   "hubctl",
		Short: "Wait for Mountsea Hub tasks and fetch their results",
		Long: `hubctl fetches tasks of Mountsea's Hub API and waits for them to finish.

After you submit a generation, the Hub returns a task id. 'hubctl wait ID'
polls the task until it is finished, prints its result, and exits with a
status that says how it ended (see 'hubctl help exit-codes').

Results go to stdout; progress, warnings and errors go to stderr. Settings
come from flags, the environment and a config file ('hubctl config list'
shows them; 'hubctl help environment' lists the variables).`,
		Example: `  # wait for a task and print its output URLs
  hubctl wait "$TASK_ID"

  # the first image of a finished task, through jq
  hubctl get "$TASK_ID" --json | jq -r '.data.images[0].url'

  # a CI step: fail the job unless the task completes within 20 minutes
  hubctl wait "$TASK_ID" --timeout 20m --quiet`,
		Version:       buildinfo.Get().Version,
		SilenceErrors: true,
		SilenceUsage:  true,

		// newCompletionCmd documents each shell; Cobra's own command
		// would not.
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetIn(deps.Streams.In)
	root.SetOut(deps.Streams.Out)
	root.SetErr(deps.Streams.Err)
	root.SetVersionTemplate(versionText(buildinfo.Get()))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return exitcode.Usagef("%w; see '%s --help'", err, c.CommandPath())
	})

	flags := root.PersistentFlags()
	flags.String("config", "", "read settings from `FILE` (env HUBCTL_CONFIG; default "+
		"$XDG_CONFIG_HOME/hubctl/config.yaml)")
	addKeyFlags(flags, globalKeys)
	flags.BoolVar(&a.jsonOut, "json", false, "print each task as one line of JSON, as the server sent it")
	flags.StringVar(&a.jqExpr, "jq", "", "filter each task's JSON through a jq `EXPRESSION` (implies --json)")
	flags.StringVar(&a.template, "template", "", "print each task through a Go `TEMPLATE` (see 'hubctl help formatting')")

	a.taskCmds = []*cobra.Command{newGetCmd(a), newWaitCmd(a), newWatchCmd(a)}
	for _, c := range a.taskCmds {
		c.ValidArgsFunction = a.completeTaskIDs
	}
	root.AddCommand(a.taskCmds...)
	root.AddCommand(newVersionCmd(a), newConfigCmd(a), newCompletionCmd())
	root.AddCommand(newExitCodesTopic(), newEnvironmentTopic(), newFormattingTopic())
	registerFlagCompletions(root)
	completeHelpTopics(root)
	return root, a
}

// completeHelpTopics makes 'hubctl help' complete the help topics too:
// Cobra's help command completes only commands.
func completeHelpTopics(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	help, _, err := root.Find([]string{"help"})
	if err != nil || help == root {
		return
	}

	completeCommands := help.ValidArgsFunction
	help.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		out, directive := completeCommands(c, args, toComplete)
		if len(args) > 0 {
			return out, directive
		}
		for _, topic := range root.Commands() {
			if topic.IsAdditionalHelpTopicCommand() && strings.HasPrefix(topic.Name(), toComplete) {
				out = append(out, cobra.CompletionWithDesc(topic.Name(), topic.Short))
			}
		}
		return out, directive
	}
}

// addKeyFlags defines a flag for each named setting, with its default and
// the environment variable that also sets it.
func addKeyFlags(flags *pflag.FlagSet, names []string) {
	for _, k := range config.Keys() {
		if !slices.Contains(names, k.Name) {
			continue
		}

		usage := k.Usage
		if len(k.Env) > 0 {
			usage += " (env " + strings.Join(k.Env, ", ") + ")"
		}
		switch k.Kind {
		case config.Duration:
			flags.Duration(k.Flag, mustDuration(k.Default), usage)
		case config.Int:
			flags.Int64(k.Flag, mustInt(k.Default), usage)
		case config.Float:
			flags.Float64(k.Flag, mustFloat(k.Default), usage)
		case config.Bool:
			flags.BoolP(k.Flag, shorthand(k.Flag), false, usage)
		default:
			flags.String(k.Flag, k.Default, usage)
		}
	}
}

// shorthand returns the one-letter form of a flag, if it has one.
func shorthand(flag string) string {
	if flag == "quiet" {
		return "q"
	}
	return ""
}

// loader returns the settings loader for cmd's flags and the streams.
func (a *app) loader(cmd *cobra.Command) *config.Loader {
	s := a.deps.Streams
	return &config.Loader{
		V:      a.viper,
		Flags:  cmd.Flags(),
		Getenv: s.Getenv,
		Stdin:  term.ContextReader(a.ctx, s.In),

		LookupEnv: s.LookupEnv,
		StdinTTY:  s.InTTY,
		Warn:      func(msg string) { fmt.Fprintf(s.Err, "hubctl: warning: %s\n", msg) },
	}
}

// setup loads the settings and builds what the commands share. Commands
// that talk to the Hub call it first.
func (a *app) setup(cmd *cobra.Command) error {
	s := a.deps.Streams
	settings, err := a.loader(cmd).Load(true)
	if err != nil {
		return err
	}
	a.settings = settings

	if err := a.setupOutput(settings.Color); err != nil {
		return err
	}

	a.logger = slog.New(slog.DiscardHandler)
	if settings.Debug {
		a.logger = slog.New(slog.NewTextHandler(s.Err, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}

	httpClient := a.deps.HTTP
	if httpClient == nil {
		httpClient = hub.NewHTTPClient(settings.RequestTimeout, settings.Concurrency)
	}
	a.client, err = hub.New(hub.Options{
		BaseURL:   settings.BaseURL,
		Token:     settings.Token,
		UserAgent: "hubctl/" + buildinfo.Get().Version,
		HTTP:      httpClient,
		Clock:     a.deps.Clock,
		MaxBody:   settings.MaxBody,
		Logger:    a.logger,
		OnRetry:   a.noteRetry(),
	})
	if err != nil {
		return exitcode.Usagef("%w", err)
	}
	a.ready = true
	return nil
}

// setupOutput applies the colour mode and builds the printer that --json,
// --jq and --template ask for, or the human form. Commands that print
// results call it, through setup or on their own.
func (a *app) setupOutput(colorMode string) error {
	s := a.deps.Streams
	if err := s.SetColorMode(colorMode); err != nil {
		return exitcode.Usagef("%w", err)
	}

	if a.template != "" {
		if a.jsonOut || a.jqExpr != "" {
			return exitcode.Usagef("--template cannot be combined with --json or --jq; pick one")
		}
		tmpl, err := render.ParseTemplate(a.template, s.OutPalette(), a.now)
		if err != nil {
			return exitcode.Usagef("%w", err)
		}
		a.printer = render.NewTemplatePrinter(s.Out, tmpl).WithContext(a.ctx)
		return nil
	}

	format := render.FormatHuman
	switch {
	case a.jqExpr != "":
		var err error
		if a.jq, err = render.CompileJQ(a.jqExpr); err != nil {
			return exitcode.Usagef("%w", err)
		}
		format = render.FormatJQ
	case a.jsonOut:
		format = render.FormatJSON
	}
	a.printer = render.NewPrinter(s.Out, format, a.jq, s.OutPalette()).WithContext(a.ctx)
	return nil
}

// structured reports whether --json, --jq or --template chose the form of
// the output.
func (a *app) structured() bool {
	return a.jsonOut || a.jqExpr != "" || a.template != ""
}

// now returns the time on the run's clock.
func (a *app) now() time.Time {
	if a.deps.Clock == nil {
		return time.Now()
	}
	return a.deps.Clock.Now()
}

// remember notes task ids this run has seen. When the command has ended,
// Run saves them in the state directory, newest last, for completion to
// offer; ids that are not valid are dropped then.
func (a *app) remember(ids ...string) {
	a.seen = append(a.seen, ids...)
}

// saveSeen records the task ids the command remembered (those it was
// given, from its arguments or standard input) as recently seen, unless the run failed before it could use them (a usage
// error) or --no-history asked for no record. A failure to save is only
// traced: completion is a convenience, never a reason to fail a run.
func (a *app) saveSeen(cmd *cobra.Command, err error) {
	if !a.ready || a.settings == nil || a.settings.NoHistory || !slices.Contains(a.taskCmds, cmd) ||
		exitcode.For(err) == exitcode.Usage {
		return
	}

	recent, loadErr := state.Load(history.DefaultDir(a.deps.Streams.Getenv))
	if loadErr == nil {
		recent.Add(a.seen...)
		loadErr = recent.Save()
	}
	if loadErr != nil {
		a.logger.Debug("recent task ids not saved", "error", loadErr)
	}
}

// noteRetry returns the retry hook of the client. When 'get' has to retry
// a second time, which a passing blip does not cause, and stderr is a
// terminal, it says so once, so that a person does not stare at a silent
// terminal for up to 30 seconds; the error that ends the run, if any, says
// the rest. In a log, the final line is enough. 'wait' has its own outage
// line.
func (a *app) noteRetry() func(string, int, error, time.Duration) {
	var once sync.Once
	return func(id string, attempt int, err error, _ time.Duration) {
		if a.settings.Quiet || attempt < 3 || !a.deps.Streams.ErrTTY {
			return
		}
		once.Do(func() {
			fmt.Fprintf(a.deps.Streams.Err, "hubctl: task %s: %s; retrying, at most %d attempts within %v\n",
				term.Sanitize(id), briefCause(err), hub.DefaultGetAttempts, hub.DefaultGetBudget)
		})
	}
}

// briefCause names what went wrong in a few words: the status of an HTTP
// error, the kind of an unusable answer, or the start of any other error.
func briefCause(err error) string {
	var status *hub.StatusError
	var bad *hub.BadAnswerError
	switch {
	case errors.As(err, &status):
		return strings.TrimSpace(fmt.Sprintf("HTTP %d %s", status.Code, http.StatusText(status.Code)))
	case errors.As(err, &bad):
		return "unusable answer (" + term.Sanitize(bad.ContentType) + ")"
	}
	msg := []rune(term.Sanitize(joinLines(err.Error())))
	if len(msg) > 60 {
		return string(msg[:59]) + "…"
	}
	return string(msg)
}

// Run executes hubctl with args and returns its exit status. It prints a
// failure as one line on stderr, unless --quiet asked for silence and the
// failure is not a usage error.
func Run(ctx context.Context, deps *Deps, args []string) int {
	root, a := newRoot(deps)
	a.ctx = ctx
	root.SetArgs(args)
	if len(args) > 0 && strings.HasPrefix(args[0], cobra.ShellCompRequestCmd) {
		plainFlagUsages(root)
	}

	cmd, err := root.ExecuteContextC(ctx)
	a.saveSeen(cmd, err)
	if err == nil {
		return exitcode.OK
	}

	if !a.ready && exitcode.For(err) == exitcode.Error {
		err = exitcode.Usagef("%w; see '%s --help'", err, cmd.CommandPath())
	}
	code := exitcode.For(err)
	if a.settings != nil && a.settings.Quiet && code != exitcode.Usage {
		return code
	}

	msg := err.Error()
	if hint := exitcode.Hint(err); hint != "" {
		msg += "; " + hint
	}
	fmt.Fprintf(deps.Streams.Err, "hubctl: %s\n", term.Sanitize(joinLines(msg)))
	return code
}

// plainFlagUsages removes the backticks that mark the name of a flag's
// value in its usage, throughout the tree under c. Help shows the name in
// their place; completion shows a usage as written, so it must not see them.
func plainFlagUsages(c *cobra.Command) {
	strip := func(f *pflag.Flag) { f.Usage = strings.ReplaceAll(f.Usage, "`", "") }
	c.Flags().VisitAll(strip)
	c.PersistentFlags().VisitAll(strip)
	for _, sub := range c.Commands() {
		plainFlagUsages(sub)
	}
}

// Main runs hubctl as the process: real streams, clock and signals. It
// returns the exit status.
func Main() int {
	streams := term.System()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go relaySignals(sigs, cancel, streams, os.Exit)

	return Run(ctx, &Deps{Streams: streams, Clock: clockwork.NewRealClock()}, os.Args[1:])
}

// joinLines joins the lines of msg, each trimmed, with single spaces.
// Spaces within a line stay as they are: a quoted value in a hint must read
// back as it was.
func joinLines(msg string) string {
	var lines []string
	for line := range strings.Lines(msg) {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, " ")
}

// needIDs is the argument check of the commands that take task ids: at
// least one id, or -.
func needIDs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return exitcode.Usagef("missing task id: pass one or more ids, or - to read them from standard input; see '%s --help'",
			cmd.CommandPath())
	}
	return nil
}

// relaySignals turns the first signal from sigs into the cancellation of
// the run, which then ends in order. A second signal calls exit at once,
// with the code for that signal, after putting back what streams.Undo
// holds and showing the cursor on a terminal.
func relaySignals(sigs <-chan os.Signal, cancel context.CancelCauseFunc, streams *term.Streams, exit func(int)) {
	first := <-sigs
	cancel(&exitcode.SignalError{Signal: first})

	second := <-sigs
	streams.Undo.Run()
	if streams.ErrTTY {
		fmt.Fprint(streams.Err, "\r\033[K\033[?25h")
	}
	exit(exitcode.For(&exitcode.SignalError{Signal: second}))
}

// onlySubcommands refuses any argument to a command that only groups
// subcommands, naming the nearest subcommand when one is close.
func onlySubcommands(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}

	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	// Cobra lists suggestions in name order, not by distance: ask for
	// the closest first, up to Cobra's default distance of 2.
	for cmd.SuggestionsMinimumDistance = 1; cmd.SuggestionsMinimumDistance <= 2; cmd.SuggestionsMinimumDistance++ {
		if near := cmd.SuggestionsFor(args[0]); len(near) > 0 {
			return exitcode.Usagef("%s; did you mean %q?", msg, near[0])
		}
	}
	return exitcode.Usagef("%s; see '%s --help'", msg, cmd.CommandPath())
}
