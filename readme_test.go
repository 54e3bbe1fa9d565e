package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hubctl/hubctl/internal/fakehub"
)

// readmeTaskID is the TASK_ID the README's examples wait for: an image task
// that has completed. task-ids.txt holds two more.
const readmeTaskID = "hub-6f1c2a90-3c1d-4e59-b9a4-1f2e3d4c5b6a"

// readmeBlock is a ```sh block of README.md.
type readmeBlock struct {
	line int // of the opening fence
	code string
}

// TestReadmeExamples runs every sh example of README.md that calls hubctl,
// each in a fresh home and work directory, against a fake hub, with bash
// -e -o pipefail: each must exit 0. A block is skipped when a comment in
// it says "# needs the real Hub" or names another need (a release, the
// network), or names a program ("# needs jq") that is not installed.
//
// Each block finds what a reader is assumed to have: $TASK_ID naming a
// finished task, a token in $HUBCTL_TOKEN and in ~/.hub-token, a file
// task-ids.txt of task ids, and a token to paste on standard input.
func TestReadmeExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the README's examples; skipped in -short mode")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to run the README's examples")
	}

	blocks := readmeShellBlocks(t, "README.md")
	hub := fakehub.StartForTest(t, readmeScenario(), fakehub.Options{})
	binDir := filepath.Dir(hubctlPath(t))

	ran := 0
	for _, b := range blocks {
		t.Run(fmt.Sprintf("line_%d", b.line), func(t *testing.T) {
			if reason := readmeSkipReason(b.code); reason != "" {
				t.Skip(reason)
			}
			runReadmeBlock(t, bash, b, binDir, hub.URL())
			ran++
		})
	}
	if ran < 8 {
		t.Errorf("ran %d of the README's %d sh blocks; the extraction or the markers are broken", ran, len(blocks))
	}
}

// readmeShellBlocks returns the ```sh blocks of a Markdown file.
func readmeShellBlocks(t *testing.T, path string) []readmeBlock {
	t.Helper()

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var blocks []readmeBlock
	var cur *readmeBlock
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```sh":
			cur = &readmeBlock{line: n}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}

var (
	// needsMark is a comment that names what a block needs.
	needsMark = regexp.MustCompile(`#[ \t]*needs[ \t]+([^:\n]+)`)

	// callsHubctl matches a line that runs hubctl: at its start, or after
	// a pipe, a separator or an opening parenthesis.
	callsHubctl = regexp.MustCompile(`(^|[|;&(]\s*)hubctl\s`)
)

// readmeSkipReason says why a block cannot run here, or "" when it can.
func readmeSkipReason(code string) string {
	for _, m := range needsMark.FindAllStringSubmatch(code, -1) {
		need := strings.TrimSpace(m[1])
		if strings.ContainsAny(need, " \t") {
			return "needs " + need
		}
		if _, err := exec.LookPath(need); err != nil {
			return need + " is not installed"
		}
	}

	for _, line := range strings.Split(code, "\n") {
		if callsHubctl.MatchString(strings.TrimSpace(line)) {
			return ""
		}
	}
	return "does not run hubctl"
}

// runReadmeBlock runs one block and fails the test unless it exits 0.
func runReadmeBlock(t *testing.T, bash string, b readmeBlock, binDir, hubURL string) {
	home, work := t.TempDir(), t.TempDir()
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(home, ".hub-token"), "sk-readme-file-token\n")
	write(filepath.Join(work, "task-ids.txt"), "hub-readme-1\nhub-readme-2\n")
	script := filepath.Join(work, "example.sh")
	write(script, b.code)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "-e", "-o", "pipefail", script)
	cmd.Dir = work
	cmd.Env = []string{
		"PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + home,
		"HUBCTL_BASE_URL=" + hubURL,
		"HUBCTL_TOKEN=sk-readme-env-token",
		"TASK_ID=" + readmeTaskID,
	}
	cmd.Stdin = strings.NewReader("sk-readme-pasted-token\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("README.md line %d: %v\n--- example\n%s--- output\n%s", b.line, err, b.code, out)
	}
}

// readmeScenario is the fake hub of the README's examples: the tasks they
// name, all finished, and any token accepted.
func readmeScenario() fakehub.Scenario {
	task := func(id, capability string) fakehub.Task {
		return fakehub.Task{ID: id, Capability: capability, Steps: []fakehub.Step{
			{Status: "completed", ElapsedMS: fakehub.Int64(7400), Data: fakehub.SampleData(capability, id)},
		}}
	}
	return fakehub.Scenario{Tasks: []fakehub.Task{
		task(readmeTaskID, "image"),
		task("hub-readme-1", "image"),
		task("hub-readme-2", "video"),
	}}
}
