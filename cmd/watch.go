package cmd

import "github.com/spf13/cobra"

func newWatchCmd(a *app) *cobra.Command {
	opts := &waitOptions{app: a, watch: true}
	cmd := &cobra.Command{
		Use:   "watch ID... | -",
		Short: "Follow many tasks live until all have finished",
		Long: `Follow tasks until every one has finished, showing each change as it happens.

On a terminal, stderr shows a table redrawn in place: a row per task with its
status, running time and, once finished, its first output or its error. In a
log (stderr not a terminal, TERM=dumb, or CI set) it prints one line per status
change and a heartbeat line when nothing has changed for --heartbeat. With
--json, stdout carries one JSON event per status change instead; the last
event of each task is its verdict. Otherwise the results go to stdout at the
end, as 'wait' prints them.

The exit status is that of 'wait': 0 only if every task completed.`,
		Example: `  # a live table of a batch
  hubctl watch - < task-ids.txt

  # a machine stream: one JSON event per status change
  hubctl watch hub-1 hub-2 --json | jq -c '{task_id, status}'

  # watch in the terminal and keep the event stream for later
  hubctl watch - --events-file events.ndjson < task-ids.txt`,
		Args: needIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.run(cmd, args)
		},
	}
	addWaitFlags(cmd, opts)
	return cmd
}
