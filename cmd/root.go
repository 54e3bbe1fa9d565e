// Package cmd holds hubctl's commands. NewRootCmd builds the command tree
// from injected dependencies; Run executes it and turns the outcome into an
// exit status; Main wires both to the real process.
package cmd

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/hubctl/hubctl/internal/buildinfo"
	"github.com/hubctl/hubctl/internal/config"
	"github.com/hubctl/hubctl/internal/exitcode"
	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/render"
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
	deps     *Deps
	viper    *viper.Viper
	settings *config.Settings
	client   *hub.Client
	printer  *render.Printer
	logger   *slog.Logger

	jsonOut bool
	jqExpr  string
	jq      *gojq.Code

	// ready is set once the flags have parsed and settings have loaded;
	// an error before that is a usage error.
	ready bool
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
	a := &app{deps: deps, viper: viper.New()}

	root := &cobra.Command{
		Use:   "hubctl",
		Short: "Wait for Mountsea Hub tasks and fetch their results",
		Long: `hubctl fetches tasks of Mountsea's Hub API and waits for them to finish.

After you submit a generation, the Hub returns a task id. 'hubctl wait ID'
polls the task until it is finished, prints its result, and exits with a
status that says how it ended (see 'hubctl help exit-codes').`,
		Version:           buildinfo.Get().Version,
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: true},
	}
	root.SetIn(deps.Streams.In)
	root.SetOut(deps.Streams.Out)
	root.SetErr(deps.Streams.Err)
	root.SetVersionTemplate("hubctl {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return exitcode.Usagef("%w; see '%s --help'", err, c.CommandPath())
	})

	flags := root.PersistentFlags()
	flags.String("config", "", "read settings from `FILE` (env HUBCTL_CONFIG; default "+
		"$XDG_CONFIG_HOME/hubctl/config.yaml)")
	addKeyFlags(flags, globalKeys)
	flags.BoolVar(&a.jsonOut, "json", false, "print each task as one line of JSON, as the server sent it")
	flags.StringVar(&a.jqExpr, "jq", "", "filter each task's JSON through a jq `EXPRESSION` (implies --json)")

	root.AddCommand(newGetCmd(a), newWaitCmd(a), newWatchCmd(a), newExitCodesTopic())
	return root, a
}

// addKeyFlags defines a flag for each named setting, with its default and
// the environment variable that also sets it.
func addKeyFlags(flags *pflag.FlagSet, names []string) {
	for _, k := range config.Keys() {
		if !contains(names, k.Name) {
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
			flags.Float64(k.Flag, 0, usage)
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

// setup loads the settings and builds what the commands share. Commands
// that talk to the Hub call it first.
func (a *app) setup(cmd *cobra.Command) error {
	s := a.deps.Streams
	loader := &config.Loader{
		V:      a.viper,
		Flags:  cmd.Flags(),
		Getenv: s.Getenv,
		Stdin:  s.In,
		Warn:   func(msg string) { fmt.Fprintf(s.Err, "hubctl: warning: %s\n", msg) },
	}
	settings, err := loader.Load(true)
	if err != nil {
		return err
	}
	a.settings = settings

	if err := s.SetColorMode(settings.Color); err != nil {
		return exitcode.Usagef("%w", err)
	}
	if a.jqExpr != "" {
		if a.jq, err = render.CompileJQ(a.jqExpr); err != nil {
			return exitcode.Usagef("%w", err)
		}
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
	})
	if err != nil {
		return exitcode.Usagef("%w", err)
	}

	format := render.FormatHuman
	switch {
	case a.jq != nil:
		format = render.FormatJQ
	case a.jsonOut:
		format = render.FormatJSON
	}
	a.printer = render.NewPrinter(s.Out, format, a.jq, s.OutPalette())
	a.ready = true
	return nil
}

// Run executes hubctl with args and returns its exit status. It prints a
// failure as one line on stderr, unless --quiet asked for silence and the
// failure is not a usage error.
func Run(ctx context.Context, deps *Deps, args []string) int {
	root, a := newRoot(deps)
	root.SetArgs(args)

	cmd, err := root.ExecuteContextC(ctx)
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
	fmt.Fprintf(deps.Streams.Err, "hubctl: %s\n", msg)
	return code
}

// Main runs hubctl as the process: real streams, clock and signals. It
// returns the exit status.
func Main() int {
	streams := term.System()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		first := <-sigs
		cancel(&exitcode.SignalError{Signal: first})

		second := <-sigs
		if streams.ErrTTY {
			fmt.Fprint(streams.Err, "\r\033[K\033[?25h")
		}
		os.Exit(exitcode.For(&exitcode.SignalError{Signal: second}))
	}()

	return Run(ctx, &Deps{Streams: streams, Clock: clockwork.NewRealClock()}, os.Args[1:])
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
