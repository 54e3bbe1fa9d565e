package cmd

import (
	"fmt"
	"strings"

	"github.com/hubctl/hubctl/internal/exitcode"
	"github.com/spf13/cobra"
)

// newExitCodesTopic returns the help topic that lists the exit statuses.
func newExitCodesTopic() *cobra.Command {
	var b strings.Builder
	b.WriteString("hubctl exits with one of these statuses:\n\n")
	for _, m := range exitcode.Table() {
		fmt.Fprintf(&b, "  %3d  %s\n", m.Code, m.Text)
	}
	b.WriteString(`
With several tasks, the status is 124, 130 or 143 if the wait itself was cut
short; otherwise it is the status of the first task, in the order given, that
did not complete.`)

	return &cobra.Command{
		Use:   "exit-codes",
		Short: "What each exit status means",
		Long:  b.String(),
	}
}
