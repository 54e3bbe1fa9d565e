package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// completionFiles maps each shell to the script committed for it, which
// `make completions` writes and the packages install.
var completionFiles = map[string]string{
	"bash":       "hubctl.bash",
	"zsh":        "_hubctl",
	"fish":       "hubctl.fish",
	"powershell": "hubctl.ps1",
}

func TestCommittedCompletionsAreFresh(t *testing.T) {
	for shell, file := range completionFiles {
		t.Run(shell, func(t *testing.T) {
			want := mustRun(t, nil, "completion", shell)

			path := filepath.Join("..", "completions", file)
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v; run 'make completions'", err)
			}
			if string(got) != want {
				t.Errorf("completions/%s differs from 'hubctl completion %s'; run 'make completions' "+
					"and commit the result (never edit it by hand)", file, shell)
			}
		})
	}
}

// TestCompletionScriptsParse checks each script with its shell's syntax
// check. bash is always checked, as every CI machine has it; zsh and fish
// only where they are installed.
func TestCompletionScriptsParse(t *testing.T) {
	checks := []struct {
		shell string
		args  []string
		must  bool
	}{
		{"bash", []string{"-n"}, true},
		{"zsh", []string{"-n"}, false},
		{"fish", []string{"--no-execute"}, false},
	}

	var checked []string
	for _, c := range checks {
		interpreter, err := exec.LookPath(c.shell)
		if err != nil {
			if c.must {
				t.Errorf("%s is not installed; it is needed to check its completion script", c.shell)
			} else {
				t.Logf("%s not installed: its completion script is not checked", c.shell)
			}
			continue
		}

		script := filepath.Join(t.TempDir(), completionFiles[c.shell])
		if err := os.WriteFile(script, []byte(mustRun(t, nil, "completion", c.shell)), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(interpreter, append(c.args, script)...).CombinedOutput()
		if err != nil {
			t.Errorf("%s %v: %v\n%s", c.shell, c.args, err, out)
		}
		checked = append(checked, c.shell)
	}
	t.Logf("checked the syntax of the completion scripts for %v", checked)
}
