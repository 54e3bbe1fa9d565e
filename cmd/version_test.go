package cmd

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hubctl/hubctl/internal/buildinfo"
)

// buildHubctl builds hubctl into a temporary directory with the given
// -ldflags, as a release or a plain build makes it, and returns its path.
func buildHubctl(t *testing.T, ldflags string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds hubctl; skipped in -short mode")
	}

	bin := filepath.Join(t.TempDir(), "hubctl")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-buildvcs=false", "-ldflags", ldflags, "-o", bin, "github.com/hubctl/hubctl")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func runBinary(t *testing.T, bin string, args ...string) string {
	t.Helper()

	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("%s %s: %v", bin, strings.Join(args, " "), err)
	}
	return string(out)
}

func TestVersionOfAReleaseBuild(t *testing.T) {
	const pkg = "github.com/hubctl/hubctl/internal/buildinfo"
	bin := buildHubctl(t, "-X "+pkg+".version=v1.4.0 -X "+pkg+".commit=0123abc -X "+pkg+".date=2026-06-01T10:00:00Z")

	var got buildinfo.Info
	if err := json.Unmarshal([]byte(runBinary(t, bin, "version", "--json")), &got); err != nil {
		t.Fatal(err)
	}
	want := buildinfo.Info{
		Version: "v1.4.0", Commit: "0123abc", Date: "2026-06-01T10:00:00Z",
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
	if got != want {
		t.Errorf("version --json = %+v, want %+v", got, want)
	}

	text := "hubctl v1.4.0\n  commit  0123abc\n  built   2026-06-01T10:00:00Z\n  go      " +
		runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		if got := runBinary(t, bin, args...); got != text {
			t.Errorf("hubctl %s printed\n%s\nwant\n%s", args[0], got, text)
		}
	}
}

func TestVersionOfAPlainBuildIsDev(t *testing.T) {
	bin := buildHubctl(t, "")

	got := runBinary(t, bin, "version", "--template", "{{.version}} {{.commit}} {{.date}}")
	if got != "dev unknown unknown\n" {
		t.Errorf("version = %q, want dev, with no commit or date known", got)
	}
}
