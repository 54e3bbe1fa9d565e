package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/hubctl/hubctl/internal/config"
	"github.com/hubctl/hubctl/internal/exitcode"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	xterm "golang.org/x/term"
)

// newConfigCmd returns 'hubctl config' and its subcommands. None of them
// needs a token.
func newConfigCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show and change settings",
		Long: `Show where each setting comes from, and change the config file.

Every setting can come from a flag, an environment variable or the config
file; the first of those that sets it wins, then the default. The config
file is --config FILE, else $HUBCTL_CONFIG, else
$XDG_CONFIG_HOME/hubctl/config.yaml (~/.config/hubctl/config.yaml).`,
		Example: `  # what a wait would use, and why
  hubctl config list

  # store the API key without it reaching your shell history
  hubctl config set token -

  # wait longer by default
  hubctl config set timeout 45m`,
		Args: onlySubcommands,

		// A RunE makes Cobra check the arguments, so that a mistyped
		// subcommand is an error rather than a silent help page.
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newConfigListCmd(a), newConfigGetCmd(a), newConfigSetCmd(a), newConfigPathCmd(a))
	return cmd
}

// setting is one row of 'hubctl config list', and the JSON object --json
// prints for it.
type setting struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// addSettingFlags gives a command that shows settings the flags of the
// settings that are not global, hidden, so that the effect of any flag
// can be seen before using it on wait.
func addSettingFlags(cmd *cobra.Command) {
	var names []string
	for _, k := range config.Keys() {
		if !slices.Contains(globalKeys, k.Name) && k.Flag != "" {
			names = append(names, k.Name)
		}
	}
	addKeyFlags(cmd.Flags(), names)
	cmd.Flags().VisitAll(func(f *pflag.Flag) { f.Hidden = true })
}

func newConfigListCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Print every setting, its value and where it comes from",
		Long: `Print every setting with its effective value and its source: a flag
(--timeout), an environment variable (HUBCTL_TIMEOUT), the config file (with
its path), or the default. The token shows only its last four characters.

Flags given here count as they would for another command, so
'hubctl config list --timeout 5m' shows what 'hubctl wait --timeout 5m'
would use. With --json, each setting is one JSON object on its own line,
with the fields key, value and source.`,
		Example: `  hubctl config list

  # where does the token come from?
  hubctl config list --jq 'select(.key == "token") | .source'

  # check a CI job's settings in its log
  HUBCTL_TIMEOUT=20m hubctl config list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rows, err := loadSettings(a, cmd)
			if err != nil {
				return err
			}
			return printSettings(a, rows)
		},
	}
	addSettingFlags(cmd)
	return cmd
}

func newConfigGetCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get KEY",
		Short: "Print the effective value of one setting",
		Long: `Print the effective value of one setting, from wherever it comes: a flag,
the environment, the config file or the default. KEY is a setting's name as
in the config file (base_url) or as its flag (base-url); 'hubctl config list'
shows them all. The token shows only its last four characters. With --json,
the setting is one JSON object with the fields key, value and source.`,
		Example: `  hubctl config get timeout

  # in a script
  base=$(hubctl config get base_url)

  # and where it comes from
  hubctl config get base_url --jq .source`,
		Args:              configGetArgs,
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := lookupKey(args[0])
			if err != nil {
				return err
			}

			rows, err := loadSettings(a, cmd)
			if err != nil {
				return err
			}
			for _, row := range rows {
				if row.Key != k.Name {
					continue
				}
				if a.structured() {
					return printSettings(a, []setting{row})
				}
				_, err := fmt.Fprintln(a.deps.Streams.Out, row.Value)
				return err
			}
			return fmt.Errorf("setting %s missing from the list", k.Name) // Keys and list disagree: a bug
		},
	}
	addSettingFlags(cmd)
	return cmd
}

func newConfigSetCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Write a setting to the config file",
		Long: `Write a setting to the config file, creating the file when it is missing.

The value is checked first: a duration must parse (45m, 1h30m, 0), colour
and progress must be one of their choices, and so on; nothing is written
otherwise. The rest of the file stays as it was, comments included. The
file is replaced whole, with mode 0600, so that a token in it stays private.

'hubctl config set token -' reads the token from standard input: typed with
no echo on a terminal, or piped from a password manager. It never reaches
your shell history that way.`,
		Example: `  # paste the API key when asked
  hubctl config set token -

  # or from a password manager
  pass show mountsea/api-key | hubctl config set token -

  hubctl config set timeout 45m
  hubctl config set color never`,
		Args:              configSetArgs,
		ValidArgsFunction: completeKeyValue,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfigSet(a, cmd, args[0], args[1])
		},
	}
}

func newConfigPathCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "path",
		Short: "Print the path of the config file",
		Long: `Print the path of the config file this run would read and 'hubctl config
set' would write: --config FILE, else $HUBCTL_CONFIG, else
$XDG_CONFIG_HOME/hubctl/config.yaml (~/.config/hubctl/config.yaml). The
file need not exist yet.`,
		Example: `  hubctl config path

  # edit it by hand
  "${EDITOR:-vi}" "$(hubctl config path)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.ready = true
			path, err := configPath(a, cmd)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.deps.Streams.Out, path)
			return err
		},
	}
}

// loadSettings loads the settings without requiring a token, prepares the
// output, and returns every setting with its value and source.
func loadSettings(a *app, cmd *cobra.Command) ([]setting, error) {
	loader := a.loader(cmd)
	s, err := loader.Load(false)
	if err != nil {
		return nil, err
	}
	a.settings = s

	if err := a.setupOutput(s.Color); err != nil {
		return nil, err
	}
	a.ready = true

	var rows []setting
	for _, k := range config.Keys() {
		row := setting{Key: k.Name, Source: loader.Source(k, s.File)}
		switch k.Name {
		case "token":
			row.Value, row.Source = config.Mask(s.Token), s.TokenSource
			if s.TokenSource == "" {
				row.Source = "none"
			}
		default:
			row.Value = strings.TrimSpace(fmt.Sprint(a.viper.Get(k.Name)))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// printSettings writes rows as a table, or one JSON document each.
func printSettings(a *app, rows []setting) error {
	if a.structured() {
		for _, row := range rows {
			doc, err := json.Marshal(row)
			if err != nil {
				return err
			}
			if err := a.printer.PrintJSON(doc, "setting "+row.Key); err != nil {
				return err
			}
		}
		return nil
	}

	tw := tabwriter.NewWriter(a.deps.Streams.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tSOURCE")
	for _, row := range rows {
		value := row.Value
		if value == "" {
			value = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", row.Key, value, row.Source)
	}
	return tw.Flush()
}

// configGetArgs wants one setting name.
func configGetArgs(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return exitcode.Usagef("missing setting name, as in: hubctl config get timeout; 'hubctl config list' shows them all")
	case len(args) > 1:
		return exitcode.Usagef("config get takes one setting name, not %d arguments", len(args))
	}
	return nil
}

// configSetArgs wants a setting name and one value, and says how to give
// the token when only its name is there.
func configSetArgs(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return exitcode.Usagef("missing setting name and value, as in: hubctl config set timeout 45m")
	case len(args) == 1 && args[0] == "token":
		return exitcode.Usagef("missing value: to type the token without echo, run: hubctl config set token -")
	case len(args) == 1:
		return exitcode.Usagef("missing value, as in: hubctl config set %s VALUE", args[0])
	case len(args) > 2:
		return exitcode.Usagef("config set takes a setting name and one value, not %d arguments; quote a value that holds spaces",
			len(args))
	}
	return nil
}

// runConfigSet checks a value and writes it to the config file.
func runConfigSet(a *app, cmd *cobra.Command, name, value string) error {
	k, err := lookupKey(name)
	if err != nil {
		return err
	}

	s := a.deps.Streams
	fromArg := value != "-"
	switch {
	case k.Name == "token" && !fromArg:
		if value, err = readSecret(a); err != nil {
			return err
		}
	case k.Name == "token_file" && !fromArg:
		return exitcode.Usagef("token_file - reads standard input, which only makes sense on a command line; " +
			"to store the token itself, run: hubctl config set token -")
	}

	if k.Name == "token" {
		source := "the command line"
		if !fromArg {
			source = "standard input"
		}
		if value, err = config.CheckToken(value, source); err != nil {
			return err
		}
	} else if err := k.Check(value); err != nil {
		return err
	}

	path, err := configPath(a, cmd)
	if err != nil {
		return err
	}
	a.ready = true
	if err := config.SetInFile(path, k, value); err != nil {
		return err
	}

	shown := value
	if k.Name == "token" {
		shown = config.Mask(value)
	}
	fmt.Fprintf(s.Err, "hubctl: set %s to %s in %s\n", k.Name, shown, path)
	for _, env := range k.Env {
		if s.Getenv(env) != "" {
			fmt.Fprintf(s.Err, "hubctl: hint: %s is set in the environment and wins over the file\n", env)
		}
	}
	if k.Name == "token" && fromArg {
		fmt.Fprintln(s.Err, "hubctl: hint: the token is now in your shell history; 'hubctl config set token -' reads it from standard input")
	}
	return nil
}

// readSecret reads a token from standard input: from the terminal without
// echo, after a prompt on stderr, or whole from a pipe or file. The caller
// checks it.
func readSecret(a *app) (string, error) {
	s := a.deps.Streams
	if f, ok := s.In.(*os.File); ok && s.InTTY {
		return readHidden(a.ctx, s, f)
	}

	// A pipe may stay open for as long as its writer likes: a signal ends
	// the read, and a token read as the signal came is not used.
	b, err := config.ReadToken(term.ContextReader(a.ctx, s.In))
	if cause := context.Cause(a.ctx); cause != nil {
		return "", cause
	}
	if err != nil {
		return "", fmt.Errorf("reading the token from standard input: %w", err)
	}
	return string(b), nil
}

// readHidden prompts on stderr and reads one line from the terminal f in
// raw mode, so that nothing typed is echoed and Ctrl-C and Ctrl-D reach it
// as keys. A signal cancels ctx and ends the prompt at
// once; either way the terminal is left as it was. The read left behind
// after a signal ends with the process.
func readHidden(ctx context.Context, s *term.Streams, f *os.File) (string, error) {
	fd := int(f.Fd())
	saved, err := xterm.MakeRaw(fd)
	if err != nil {
		return "", fmt.Errorf("reading the token from the terminal: %w", err)
	}
	forget := s.Undo.Add(func() { _ = xterm.Restore(fd, saved) })

	fmt.Fprint(s.Err, "API token (input hidden): ")
	b, err := readKeys(term.ContextReader(ctx, f))
	flushInput(fd)
	_ = xterm.Restore(fd, saved)
	forget()
	fmt.Fprintln(s.Err)
	if cause := context.Cause(ctx); cause != nil {
		return "", cause
	}
	return string(b), err
}

// readKeys reads one line typed on a terminal in raw mode: Enter ends it,
// Backspace removes the last character and Ctrl-U all of them, Ctrl-C
// interrupts, and Ctrl-D gives up. Other control keys, and the escape
// sequences of keys such as the arrows, are ignored.
func readKeys(r io.Reader) ([]byte, error) {
	var line []byte
	buf := make([]byte, 1)
	escape := 0 // bytes of an escape sequence read so far
	for {
		n, err := r.Read(buf)
		if n == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				err = errors.New("no token entered")
			}
			return nil, fmt.Errorf("reading the token from the terminal: %w", err)
		}

		// ESC, then [ or O, then parameters up to a final byte in @ to ~.
		c := buf[0]
		switch {
		case c == 0x1b:
			escape = 1
			continue
		case escape == 1 && (c == '[' || c == 'O'):
			escape = 2
			continue
		case escape == 2 && c >= 0x20 && c < 0x40:
			continue
		case escape == 2 && c >= 0x40 && c <= 0x7e:
			escape = 0
			continue
		}
		escape = 0

		switch {
		case c == '\r' || c == '\n':
			return line, nil
		case c == 0x03:
			return nil, &exitcode.SignalError{Signal: os.Interrupt}
		case c == 0x04 && len(line) == 0:
			return nil, exitcode.Usagef("no token entered")
		case c == 0x04:
			// Half a token saved by a key meant to leave would replace the
			// good one in the file.
			return nil, exitcode.Usagef("token entry cancelled; nothing saved")
		case c == 0x7f || c == '\b':
			if len(line) > 0 {
				_, size := utf8.DecodeLastRune(line)
				line = line[:len(line)-size]
			}
		case c == 0x15:
			line = line[:0]
		case c >= 0x20 && len(line) >= config.MaxTokenSize:
			return nil, exitcode.Usagef("token longer than %d KiB; a token is one line", config.MaxTokenSize>>10)
		case c >= 0x20:
			line = append(line, c)
		}
	}
}

// configPath returns the config file's path, or a configuration error
// when there is none.
func configPath(a *app, cmd *cobra.Command) (string, error) {
	path, named := a.loader(cmd).Path()
	if named && path == "" {
		return "", config.ErrEmptyConfigPath
	}
	if path == "" {
		return "", &config.Error{Err: errors.New("no config file path: HOME is not set; pass --config FILE or set HUBCTL_CONFIG")}
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && cmd.Name() == "path" {
		fmt.Fprintf(a.deps.Streams.Err, "hubctl: %s does not exist yet; 'hubctl config set' creates it\n", path)
	}
	return path, nil
}

// lookupKey returns the setting called name, or a usage error that says
// where to find the names.
func lookupKey(name string) (config.Key, error) {
	k, ok := config.Lookup(name)
	if !ok {
		return k, exitcode.Usagef("unknown setting %q; 'hubctl config list' shows them all", name)
	}
	return k, nil
}

// completeKeys offers the names of the settings.
func completeKeys(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}

	var names []cobra.Completion
	for _, k := range config.Keys() {
		names = append(names, cobra.CompletionWithDesc(k.Name, plainUsage(k)))
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// completeKeyValue offers the names of the settings, then the values of
// the one named.
func completeKeyValue(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) != 1 {
		return completeKeys(cmd, args, toComplete)
	}

	k, ok := config.Lookup(args[0])
	switch {
	case !ok:
		return nil, cobra.ShellCompDirectiveNoFileComp
	case k.Name == "token_file":
		return nil, cobra.ShellCompDirectiveDefault
	case k.Name == "token":
		return []cobra.Completion{cobra.CompletionWithDesc("-", "read it from standard input")}, cobra.ShellCompDirectiveNoFileComp
	}
	return valueCandidates(k), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}
