package cmd

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/hubctl/hubctl/internal/buildinfo"
	"github.com/spf13/cobra"
)

// newVersionCmd returns 'hubctl version'.
func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and Go version",
		Long: `Print which build of hubctl this is: its version, the commit it was built
from, the build date, and the Go version and platform it was built with.
'hubctl --version' prints the same.

Release builds carry their version; 'go install …@VERSION' builds take the
module's version; other builds say "dev". With --json, --jq or --template
the same facts come as one JSON object, with the fields version, commit,
date, go_version and platform.`,
		Example: `  hubctl version

  # in a script: refuse to run with an old hubctl
  hubctl version --jq .version

  # in a CI log, on one line
  hubctl version --template '{{.version}} ({{.commit}}, {{.go_version}})'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			color, _ := cmd.Flags().GetString("color")
			if err := a.setupOutput(color); err != nil {
				return err
			}
			a.ready = true
			return printVersion(a, buildinfo.Get())
		},
	}
}

// printVersion writes info in the form the output flags ask for.
func printVersion(a *app, info buildinfo.Info) error {
	if !a.structured() {
		_, err := io.WriteString(a.deps.Streams.Out, versionText(info))
		return err
	}

	doc, err := json.Marshal(info)
	if err != nil {
		return err
	}
	return a.printer.PrintJSON(doc, "version")
}

// versionText is what 'hubctl version' and 'hubctl --version' print for
// people.
func versionText(info buildinfo.Info) string {
	return fmt.Sprintf("hubctl %s\n  commit  %s\n  built   %s\n  go      %s %s\n",
		info.Version, info.Commit, info.Date, info.GoVersion, info.Platform)
}
