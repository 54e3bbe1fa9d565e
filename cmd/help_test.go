package cmd

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hubctl/hubctl/internal/config"
	"github.com/hubctl/hubctl/internal/term"
	"github.com/spf13/cobra"
)

// TestEnvironmentTopicNamesEveryVariable reads hubctl's own sources for
// the variables they look up by name, and the settings for theirs, and
// checks that 'hubctl help environment' names each one.
func TestEnvironmentTopicNamesEveryVariable(t *testing.T) {
	topic := mustRun(t, nil, "help", "environment")

	names := map[string]string{}
	for _, k := range config.Keys() {
		for _, env := range k.Env {
			names[env] = "setting " + k.Name
		}
	}

	lookup := regexp.MustCompile(`Getenv\("([A-Z_]+)"\)`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir() && (d.Name() == "testdata" || d.Name() == "fakehub" || d.Name() == "bench" ||
			d.Name() == "mangen" || strings.HasPrefix(d.Name(), ".") && d.Name() != ".."):
			return filepath.SkipDir // not part of hubctl, or not Go code
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}

		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range lookup.FindAllStringSubmatch(string(src), -1) {
			names[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if len(names) < 20 {
		t.Fatalf("found only %d variables; the scan of the sources is broken", len(names))
	}
	for name, where := range names {
		if !regexp.MustCompile(`(?m)^  (.*, )?` + name + `(,|$)`).MatchString(topic) {
			t.Errorf("%s (read by %s) is missing from 'hubctl help environment'", name, where)
		}
	}
}

// TestEveryCommandHasExamples checks that each command a user can run
// shows examples in its help.
func TestEveryCommandHasExamples(t *testing.T) {
	streams, _, _, _ := term.ForTest()
	root := NewRootCmd(&Deps{Streams: streams})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.IsAvailableCommand() && c.Runnable() && c.Example == "" && c.Name() != "help" {
			t.Errorf("'%s --help' shows no examples", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
