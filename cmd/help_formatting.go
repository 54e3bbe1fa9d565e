package cmd

import "github.com/spf13/cobra"

// newFormattingTopic returns the help topic on --json, --jq and
// --template. Its examples are part of its text, since Cobra shows the
// examples of runnable commands only.
func newFormattingTopic() *cobra.Command {
	return &cobra.Command{
		Use:   "formatting",
		Short: "Print results as JSON, through jq, or through a template",
		Long: `By default, get and wait print each task for people: a line with its id,
status and running time, then its output URLs, its transcript or its error.
Three flags print something else on stdout, one result at a time; progress
and errors stay on stderr.

  --json           each task as the server sent it, on one line: fields
                   hubctl does not know stay, numbers keep every digit
  --jq EXPRESSION  each task through a jq expression, run by hubctl itself
                   (jq need not be installed); strings print raw, as jq -r
  --template TEXT  each task through a Go template (text/template)

watch --json and watch --jq print one JSON event per status change instead
of tasks; version and config list take the same flags for their own
objects.

Templates see the task's JSON object: {{.task_id}}, {{.status}},
{{.elapsed_ms}}, {{.data.images}}, and any other field by its name. A line
break ends each result unless the template printed nothing, so
{{if eq .status "failed"}}…{{end}} filters. Beside text/template's own
functions (if, range, eq, printf, index, len …) there are:

  timeago TIME     how long ago TIME was, as "3m ago"; TIME is an RFC 3339
                   time or Unix seconds (milliseconds from 1e11 on)
  duration MS      milliseconds, such as elapsed_ms, or a Go duration
                   ("90s"), written as hubctl writes times: 850ms, 7.4s, 2m05s
  color NAME TEXT  TEXT in green, red, yellow, cyan, faint or bold, when
                   stdout takes colour (see --color and NO_COLOR)
  json VALUE       VALUE as compact JSON
  urls TASK        the output URLs in the task's data, in order: image,
                   video and audio URLs wherever they stand
  join SEP LIST    the items of LIST joined by SEP

timeago and duration give "" for a missing field, so a template also works
on tasks that have not finished. A field that is missing prints as
"<no value>"; guard it with {{with .field}}{{.}}{{end}}.

Examples:

  # one line per task: id, status, time taken
  hubctl wait - --template '{{.task_id}} {{.status}} {{duration .elapsed_ms}}' < ids.txt

  # only the URLs, space-separated, for another program
  hubctl get "$TASK_ID" --template '{{urls . | join " "}}'

  # failed tasks in red, with their error
  hubctl get - --template '{{if eq .status "failed"}}{{color "red" .task_id}} {{.error_message}}{{end}}' < ids.txt

  # the same with jq, for a CI log
  hubctl wait "$TASK_ID" --jq '"\(.task_id) \(.status) \(.elapsed_ms)ms"'

  # the server's JSON, for a program or a file
  hubctl wait "$TASK_ID" --json > result.json`,
	}
}
