// Command mangen writes hubctl's man pages, for `make man`.
//
// Usage:
//
//	go run ./internal/mangen -dir build/man [-version VERSION]
//
// It writes hubctl.1 and a page for each command, such as hubctl-wait.1,
// with Cobra's generator. The help topics (exit codes, environment,
// formatting), which Cobra leaves out, become sections of hubctl.1. The
// pages are dated by SOURCE_DATE_EPOCH when it is set, so that a release
// build can reproduce them.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hubctl/hubctl/cmd"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/jonboulle/clockwork"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func main() {
	dir := flag.String("dir", "build/man", "write the pages into `DIR`")
	version := flag.String("version", "", "the `VERSION` to name in each page's footer")
	flag.Parse()

	if err := run(*dir, *version); err != nil {
		fmt.Fprintf(os.Stderr, "mangen: %v\n", err)
		os.Exit(1)
	}
}

// sectionTitles names the man page section each help topic becomes.
var sectionTitles = map[string]string{
	"exit-codes":  "EXIT STATUS",
	"environment": "ENVIRONMENT",
	"formatting":  "OUTPUT FORMATS",
}

func run(dir, version string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	// Help text must not depend on who runs the generator: no environment,
	// no terminal.
	streams := &term.Streams{
		In: strings.NewReader(""), Out: io.Discard, Err: os.Stderr,
		Getenv: func(string) string { return "" },
	}
	root := cmd.NewRootCmd(&cmd.Deps{Streams: streams, Clock: clockwork.NewRealClock()})
	root.DisableAutoGenTag = true

	source := "hubctl"
	if version != "" {
		source += " " + version
	}
	header := &doc.GenManHeader{Section: "1", Source: source, Manual: "hubctl manual"}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return err
	}
	return addTopics(filepath.Join(dir, "hubctl.1"), root)
}

// addTopics writes the help topics of root into its page, before the SEE
// ALSO section, as preformatted text.
func addTopics(page string, root *cobra.Command) error {
	b, err := os.ReadFile(page)
	if err != nil {
		return err
	}

	var sections bytes.Buffer
	for _, c := range root.Commands() {
		if !c.IsAdditionalHelpTopicCommand() {
			continue
		}
		title := sectionTitles[c.Name()]
		if title == "" {
			title = strings.ToUpper(c.Name())
		}
		fmt.Fprintf(&sections, ".SH %s\n.PP\n.nf\n", title)
		for _, line := range strings.Split(c.Long, "\n") {
			sections.WriteString(roffLine(line) + "\n")
		}
		sections.WriteString(".fi\n\n")
	}

	before, after, found := bytes.Cut(b, []byte(".SH SEE ALSO"))
	if !found {
		return fmt.Errorf("%s: no SEE ALSO section to put the topics before", page)
	}
	out := append(append(before, sections.Bytes()...), append([]byte(".SH SEE ALSO"), after...)...)
	return os.WriteFile(page, out, 0o644)
}

// roffLine escapes a line of text for roff: backslashes, and a leading
// dot or quote that would make it a request.
func roffLine(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
