package cmd

import (
	"fmt"
	"strings"

	"github.com/hubctl/hubctl/internal/config"
	"github.com/spf13/cobra"
)

// newEnvironmentTopic returns the help topic that lists every environment
// variable hubctl reads. The settings' part is built from config.Keys, so
// a new setting shows up here by itself.
func newEnvironmentTopic() *cobra.Command {
	var b strings.Builder
	b.WriteString(`hubctl reads these environment variables. For a setting, a flag wins over
its variable, and the variable wins over the config file. A variable set
to "" counts as unset, except HUBCTL_BASE_URL, which is then an error, so
that an empty script variable cannot send the token to the public Hub.

Settings, each also a flag and a key of the config file:

`)
	for _, k := range config.Keys() {
		if len(k.Env) == 0 {
			continue
		}
		usage := plainUsage(k)
		where := "--" + k.Flag + ", " + k.Name
		if k.Default != "" {
			where += "; default " + k.Default
		}
		writeVariable(&b, strings.Join(k.Env, ", "), fmt.Sprintf("%s (%s)", usage, where))
	}
	writeVariable(&b, "HUBCTL_CONFIG", "the config file to read instead of the default one")

	b.WriteString("\nCompletion:\n\n")
	writeVariable(&b, "HUBCTL_COMPLETION_DESCRIPTIONS",
		"false: completion candidates come without descriptions")

	b.WriteString("\nTerminal and locale:\n\n")
	writeVariable(&b, "NO_COLOR", "when not empty, no colour, unless --color always")
	writeVariable(&b, "TERM", "dumb: no colour, and plain progress lines instead of a spinner or a live table")
	writeVariable(&b, "CI", "when not empty, plain progress lines instead of a spinner or a live table, "+
		"as in any log")
	writeVariable(&b, "LC_ALL, LC_CTYPE, LANG", "the first one set decides whether progress may use "+
		"marks such as ✓ and →: a UTF-8 locale (C.UTF-8, en_US.UTF-8) allows them; otherwise ASCII is used")

	b.WriteString("\nFiles:\n\n")
	writeVariable(&b, "XDG_CONFIG_HOME", "where the config file lives: $XDG_CONFIG_HOME/hubctl/config.yaml "+
		"(default ~/.config)")
	writeVariable(&b, "XDG_STATE_HOME", "where hubctl keeps what it learns between runs, task durations "+
		"and recently seen task ids, in $XDG_STATE_HOME/hubctl (default ~/.local/state)")
	writeVariable(&b, "HOME", "the home directory, for the defaults above and a leading ~/ in token_file")

	b.WriteString("\nNetwork:\n\n")
	writeVariable(&b, "HTTPS_PROXY, HTTP_PROXY, NO_PROXY", "the proxy for https:// and for http:// "+
		"base URLs, and the hosts to reach directly (lower-case names work too); a base URL on this "+
		"machine is never proxied")

	b.WriteString(`
Examples:

  # a CI job's settings, without a config file
  export HUBCTL_TOKEN="$MOUNTSEA_API_KEY" HUBCTL_TIMEOUT=20m HUBCTL_PROGRESS=plain
  hubctl config list`)

	return &cobra.Command{
		Use:   "environment",
		Short: "The environment variables hubctl reads",
		Long:  b.String(),
	}
}

// writeVariable writes one variable of a help topic: its name, then what
// it does, wrapped and indented under it.
func writeVariable(b *strings.Builder, name, text string) {
	fmt.Fprintf(b, "  %s\n", name)
	for _, line := range wrap(text, 70) {
		fmt.Fprintf(b, "      %s\n", line)
	}
}

// wrap cuts text into lines of at most width columns, between words.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// plainUsage returns a setting's usage text without the back quotes that
// name a flag's argument in --help.
func plainUsage(k config.Key) string {
	return strings.ReplaceAll(k.Usage, "`", "")
}
