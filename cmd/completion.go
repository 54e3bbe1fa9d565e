package cmd

import (
	"io"
	"slices"
	"strings"

	"github.com/hubctl/hubctl/internal/config"
	"github.com/hubctl/hubctl/internal/history"
	"github.com/hubctl/hubctl/internal/state"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// shell is one shell that 'hubctl completion' writes a script for.
type shell struct {
	name    string
	long    string
	example string
	descs   bool // whether the script can show descriptions of candidates
	write   func(root *cobra.Command, w io.Writer, descs bool) error
}

// newCompletionCmd returns 'hubctl completion SHELL', which prints Cobra's
// completion script for a shell with hubctl's own instructions.
func newCompletionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Print a script that makes your shell complete hubctl's commands, flags and
their values: --color and --progress, durations such as --timeout, setting
names for 'hubctl config', and the task ids hubctl has recently seen.

Task ids come from a small file of the last 200 ids given to get, wait and
watch, kept in $XDG_STATE_HOME/hubctl/recent-ids (~/.local/state/hubctl/);
it never holds a token, and --no-history (HUBCTL_NO_HISTORY) stops it from
growing. The deb, rpm and apk packages install the scripts for bash, zsh
and fish system-wide; otherwise see 'hubctl completion SHELL --help'.`,
		Example: `  # try it in the current bash
  source <(hubctl completion bash)

  # install it for your user, in each shell
  hubctl completion bash > ~/.local/share/bash-completion/completions/hubctl
  hubctl completion zsh > "${fpath[1]}/_hubctl"
  hubctl completion fish > ~/.config/fish/completions/hubctl.fish`,
		Args: onlySubcommands,

		// A RunE makes Cobra check the arguments, so that a mistyped
		// subcommand is an error rather than a silent help page.
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}

	for _, sh := range shells() {
		var noDescs bool
		sub := &cobra.Command{
			Use:               sh.name,
			Short:             "Print the completion script for " + sh.name,
			Long:              sh.long,
			Example:           sh.example,
			Args:              cobra.NoArgs,
			ValidArgsFunction: cobra.NoFileCompletions,
			RunE: func(c *cobra.Command, _ []string) error {
				return sh.write(c.Root(), c.OutOrStdout(), !noDescs)
			},
		}
		if sh.descs {
			sub.Flags().BoolVar(&noDescs, "no-descriptions", false, "complete without a description of each candidate")
		}
		cmd.AddCommand(sub)
	}
	return cmd
}

// shells lists the shells in the order help shows them.
func shells() []shell {
	return []shell{
		{
			name: "bash",
			long: `Print the completion script for bash.

It works in any bash 4 or later; the bash-completion package, which most
distributions install, lets bash load it on demand from a directory of
completions instead of at every start.`,
			example: `  # in the current shell
  source <(hubctl completion bash)

  # for your user, loaded on demand by bash-completion
  mkdir -p ~/.local/share/bash-completion/completions
  hubctl completion bash > ~/.local/share/bash-completion/completions/hubctl

  # without bash-completion: add to ~/.bashrc
  source <(hubctl completion bash)`,
			descs: true,
			write: func(root *cobra.Command, w io.Writer, descs bool) error {
				return root.GenBashCompletionV2(w, descs)
			},
		},
		{
			name: "zsh",
			long: `Print the completion script for zsh.

Put it, named _hubctl, in a directory of your $fpath, and make sure your
~/.zshrc runs 'autoload -U compinit; compinit'. Start a new shell to use it.`,
			example: `  # for your user
  mkdir -p ~/.zfunc
  hubctl completion zsh > ~/.zfunc/_hubctl
  # then in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)

  # in the current shell only
  source <(hubctl completion zsh)`,
			descs: true,
			write: func(root *cobra.Command, w io.Writer, descs bool) error {
				if descs {
					return root.GenZshCompletion(w)
				}
				return root.GenZshCompletionNoDesc(w)
			},
		},
		{
			name: "fish",
			long: `Print the completion script for fish.

fish loads it on demand from ~/.config/fish/completions/.`,
			example: `  # for your user
  hubctl completion fish > ~/.config/fish/completions/hubctl.fish

  # in the current shell only
  hubctl completion fish | source`,
			descs: true,
			write: func(root *cobra.Command, w io.Writer, descs bool) error {
				return root.GenFishCompletion(w, descs)
			},
		},
		{
			name: "powershell",
			long: `Print the completion script for PowerShell.

Add the line below to your PowerShell profile ($PROFILE) to load it in every
session.`,
			example: `  # in the current session, and in $PROFILE for every session
  hubctl completion powershell | Out-String | Invoke-Expression`,
			descs: true,
			write: func(root *cobra.Command, w io.Writer, descs bool) error {
				if descs {
					return root.GenPowerShellCompletionWithDesc(w)
				}
				return root.GenPowerShellCompletion(w)
			},
		},
	}
}

// completeTaskIDs offers the task ids hubctl has recently seen, newest
// first, leaving out those already on the command line. It reads only the
// state file: completion must be quick, and print nothing but candidates.
func (a *app) completeTaskIDs(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	directive := cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	recent, err := state.Load(history.DefaultDir(a.deps.Streams.Getenv))
	if err != nil {
		return nil, directive
	}

	var ids []cobra.Completion
	for _, id := range recent.IDs() {
		if strings.HasPrefix(id, toComplete) && !slices.Contains(args, id) {
			ids = append(ids, id)
		}
	}
	return ids, directive
}

// registerFlagCompletions tells completion what each flag of the tree
// takes: the choices or suggested values of a setting, a YAML file for
// --config, a file for the paths, and nothing (no file names) for the
// other flags that take a value.
func registerFlagCompletions(root *cobra.Command) {
	done := map[*pflag.Flag]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		register := func(f *pflag.Flag) {
			if done[f] {
				return
			}
			done[f] = true
			if fn := flagCompletion(f); fn != nil {
				// The only error is for a flag registered twice, which
				// done rules out.
				_ = c.RegisterFlagCompletionFunc(f.Name, fn)
			}
		}
		c.PersistentFlags().VisitAll(register)
		c.Flags().VisitAll(register)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// flagCompletion returns how to complete the value of f, or nil to leave
// it to the shell's file name completion.
func flagCompletion(f *pflag.Flag) cobra.CompletionFunc {
	noFiles := cobra.ShellCompDirectiveNoFileComp
	switch f.Name {
	case "config":
		return cobra.FixedCompletions([]cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt)
	case "token-file", "events-file":
		return nil
	}
	if f.Value.Type() == "bool" {
		return nil
	}

	for _, k := range config.Keys() {
		if k.Flag != f.Name {
			continue
		}
		if values := valueCandidates(k); len(values) > 0 {
			return cobra.FixedCompletions(values, noFiles|cobra.ShellCompDirectiveKeepOrder)
		}
	}
	return cobra.FixedCompletions(nil, noFiles)
}

// valueCandidates returns the values worth offering for a setting.
func valueCandidates(k config.Key) []cobra.Completion {
	switch {
	case len(k.Choices) > 0:
		return k.Choices
	case k.Kind == config.Bool:
		return []cobra.Completion{"true", "false"}
	}
	return k.Suggest
}
