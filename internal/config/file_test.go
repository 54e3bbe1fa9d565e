package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/viper"
)

func TestSetKeyKeepsTheRestOfTheFile(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		key   string
		value string
		want  string
	}{
		{
			name: "a value is replaced on its line, keeping its comment and the blank lines",
			doc: "# hubctl settings\ntoken_file: ~/.secrets/hub-token   # a path\n\n" +
				"# polling\ntimeout: 45m   # long videos\nconcurrency: 4\n",
			key: "timeout", value: "1h",
			want: "# hubctl settings\ntoken_file: ~/.secrets/hub-token   # a path\n\n" +
				"# polling\ntimeout: 1h   # long videos\nconcurrency: 4\n",
		},
		{
			name: "a new key goes at the end",
			doc:  "# mine\ntimeout: 45m\n\n# end\n",
			key:  "color", value: "never",
			want: "# mine\ntimeout: 45m\n\n# end\ncolor: never\n",
		},
		{
			name: "a file without a final newline gets one before the new key",
			doc:  "timeout: 45m",
			key:  "concurrency", value: "2",
			want: "timeout: 45m\nconcurrency: 2\n",
		},
		{
			name: "a number is written in plain decimal, never octal",
			doc:  "",
			key:  "max_body", value: "01048576",
			want: "max_body: 1048576\n",
		},
		{
			name: "a float is written in plain decimal",
			doc:  "max_rate: 5\n",
			key:  "max_rate", value: "0x1p4",
			want: "max_rate: 16\n",
		},
		{
			name: "a key spelt in capitals is changed where it is",
			doc:  "Timeout: 1s # short\n",
			key:  "timeout", value: "45m",
			want: "Timeout: 45m # short\n",
		},
		{
			name: "a key with no value gets one, after a space",
			doc:  "# top\nbase_url:\ntimeout: 5m\n",
			key:  "base_url", value: "https://hub.example",
			want: "# top\nbase_url: https://hub.example\ntimeout: 5m\n",
		},
		{
			name: "an empty file",
			doc:  "",
			key:  "base_url", value: "https://hub.example",
			want: "base_url: https://hub.example\n",
		},
		{
			name: "a file of comments only keeps them",
			doc:  "# written by hand\n# nothing yet\n",
			key:  "quiet", value: "true",
			want: "# written by hand\n# nothing yet\nquiet: true\n",
		},
		{
			name: "a duration of 0 is quoted, so it reads back as text",
			doc:  "timeout: 30m\n",
			key:  "timeout", value: "0",
			want: "timeout: \"0\"\n",
		},
		{
			name: "a quoted value is replaced",
			doc:  "color: 'always'  # for CI logs\n",
			key:  "color", value: "never",
			want: "color: never  # for CI logs\n",
		},
		{
			name: "an indented value on its own line",
			doc:  "timeout:\n  45m\nquiet: false\n",
			key:  "timeout", value: "5m",
			want: "timeout:\n  5m\nquiet: false\n",
		},
		{
			name: "a boolean is spelt true or false",
			doc:  "debug: false\n",
			key:  "debug", value: "1",
			want: "debug: true\n",
		},
		{
			name: "a token that YAML would read as a number is quoted",
			doc:  "token: old\n",
			key:  "token", value: "12345678901234",
			want: "token: \"12345678901234\"\n",
		},
		{
			name: "a flow mapping is rewritten whole",
			doc:  "{timeout: 45m}\n",
			key:  "color", value: "never",
			want: "{timeout: 45m, color: never}\n",
		},
		{
			name: "a block scalar is rewritten from the tree, keeping comments",
			doc:  "# head\nbase_url: |\n  https://old.example\ncolor: never # keep\n",
			key:  "base_url", value: "https://hub.example",
			want: "# head\nbase_url: https://hub.example\ncolor: never # keep\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, ok := Lookup(tt.key)
			if !ok {
				t.Fatalf("no key %q", tt.key)
			}

			got, err := setKey([]byte(tt.doc), k, tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("setting %s=%s in\n%s\ngave\n%s\nwant\n%s", tt.key, tt.value, tt.doc, got, tt.want)
			}
		})
	}
}

func TestSetKeyRefusesAFileItCannotEdit(t *testing.T) {
	k, _ := Lookup("timeout")
	for doc, want := range map[string]string{
		"timeout: [45m\n":                         "did not find expected ',' or ']'; fix it by hand first",
		"- 45m\n":                                 "not a mapping of settings; fix it by hand first",
		"timeout: 1s\nTimeout: 2s\n":              "timeout appears more than once (timeout, Timeout); fix it by hand first",
		"timeout: 1s\ntimeout: 2s\n":              "timeout appears more than once (timeout, timeout)",
		"timeout: &t 5m\nrequest_timeout: *t\n":   "the value of timeout is the anchor &t, which others may refer to",
		"---\ntimeout: 5m\n---\nconcurrency: 3\n": "holds more than one YAML document; keep the settings in one",
	} {
		_, err := setKey([]byte(doc), k, "1h")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("setKey(%q) = %v, want an error containing %q", doc, err, want)
		}
	}
}

func TestSetInFileCreatesAPrivateFileThatLoads(t *testing.T) {
	dir := isolate(t)
	path := filepath.Join(dir, "xdg", "hubctl", "config.yaml")

	for key, value := range map[string]string{"token": "sk-test-1234567890", "timeout": "0"} {
		k, _ := Lookup(key)
		if err := SetInFile(path, k, value); err != nil {
			t.Fatal(err)
		}
	}

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if got := info.Mode().Perm(); got != 0o600 {
			t.Errorf("file mode %v, want 0600", got)
		}
		dirInfo, err := os.Stat(filepath.Dir(path))
		if err != nil {
			t.Fatal(err)
		}
		if got := dirInfo.Mode().Perm(); got != 0o700 {
			t.Errorf("directory mode %v, want 0700", got)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".config.yaml.*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}

	l := &Loader{V: viper.New(), Flags: newFlagSet(t), Getenv: os.Getenv}
	s, err := l.Load(true)
	if err != nil {
		t.Fatal(err)
	}
	if s.Token != "sk-test-1234567890" || s.Timeout != 0 || s.File != path {
		t.Errorf("loaded token %q, timeout %v from %q; want the values just set, from %s",
			s.Token, s.Timeout, s.File, path)
	}
}

func TestSetInFileKeepsASymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "dotfiles", "hubctl.yaml")
	writeFile(t, target, "timeout: 45m\n", 0o600)
	link := filepath.Join(dir, "config.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}

	k, _ := Lookup("timeout")
	if err := SetInFile(link, k, "5m"); err != nil {
		t.Fatal(err)
	}

	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v, %v", info, err)
	}
	if b, _ := os.ReadFile(target); string(b) != "timeout: 5m\n" {
		t.Errorf("target holds %q, want the new value", b)
	}
}

func TestKeyCheck(t *testing.T) {
	tests := []struct {
		key, value string
		want       string // "" for valid
	}{
		{"timeout", "5m", ""},
		{"timeout", "0", ""},
		{"timeout", "5 minutes", `invalid timeout "5 minutes": unknown unit " minutes"`},
		{"timeout", "-1s", `invalid timeout "-1s": must not be negative`},
		{"color", "never", ""},
		{"color", "sometimes", `invalid color "sometimes": want auto, always, or never`},
		{"progress", "fancy", `invalid progress "fancy": want auto, tty, plain, or none`},
		{"concurrency", "0", "invalid concurrency 0: want 1 to 256"},
		{"concurrency", "many", `invalid concurrency "many": invalid syntax`},
		{"max_body", "100", "invalid max_body 100: want at least 1024 bytes"},
		{"request_timeout", "0s", "invalid request_timeout 0s: must be positive"},
		{"quiet", "maybe", `invalid quiet "maybe": invalid syntax`},
		{"max_rate", "-1", `invalid max_rate "-1": must be a number from 0 up`},
		{"base_url", "api.mountsea.ai", `invalid base URL "api.mountsea.ai": want http(s)://host[:port]`},
		{"base_url", "http://hub.example", ""}, // --insecure-http is a matter for Load
		{"token", "sk-abc def", "token from the value given holds spaces"},
		{"token", "sk-fine-token", ""},
	}
	for _, tt := range tests {
		k, ok := Lookup(tt.key)
		if !ok {
			t.Fatalf("no key %q", tt.key)
		}

		err := k.Check(tt.value)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s=%q: %v, want it accepted", tt.key, tt.value, err)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
			t.Errorf("%s=%q: %v, want %q", tt.key, tt.value, err, tt.want)
		case err != nil && !errors.As(err, new(*Error)):
			t.Errorf("%s=%q: %T is not a *config.Error", tt.key, tt.value, err)
		case tt.key == "token" && err != nil && strings.Contains(err.Error(), tt.value):
			t.Errorf("the error quotes the token: %v", err)
		}
	}
}

func TestLookupTakesEitherSpelling(t *testing.T) {
	for _, name := range []string{"base_url", "base-url", " base-url "} {
		if k, ok := Lookup(name); !ok || k.Name != "base_url" {
			t.Errorf("Lookup(%q) = %q, %v", name, k.Name, ok)
		}
	}
	if _, ok := Lookup("tokne"); ok {
		t.Error("Lookup found a key that does not exist")
	}
}

func TestMaskShowsAtMostTheLastFour(t *testing.T) {
	for token, want := range map[string]string{
		"":                     "",
		"short":                "****",
		"sk-0123456":           "****",
		"sk-live-0123456789ab": "****89ab",
	} {
		if got := Mask(token); got != want {
			t.Errorf("Mask(%q) = %q, want %q", token, got, want)
		}
	}
}

func TestPathFollowsFlagThenEnvironmentThenDefault(t *testing.T) {
	dir := isolate(t)

	flags := newFlagSet(t)
	l := &Loader{V: viper.New(), Flags: flags, Getenv: os.Getenv}
	if path, named := l.Path(); path != defaultFile(dir) || named {
		t.Errorf("default: Path() = %q, %v", path, named)
	}

	t.Setenv("HUBCTL_CONFIG", "/etc/hubctl.yaml")
	if path, named := l.Path(); path != "/etc/hubctl.yaml" || !named {
		t.Errorf("HUBCTL_CONFIG: Path() = %q, %v", path, named)
	}

	if err := flags.Parse([]string{"--config", "/tmp/x.yaml"}); err != nil {
		t.Fatal(err)
	}
	if path, named := l.Path(); path != "/tmp/x.yaml" || !named {
		t.Errorf("--config: Path() = %q, %v", path, named)
	}
}

func TestReadTokenRefusesALongOne(t *testing.T) {
	exact := strings.Repeat("t", MaxTokenSize)
	if b, err := ReadToken(strings.NewReader(exact)); err != nil || len(b) != MaxTokenSize {
		t.Errorf("a token of %d bytes: read %d bytes, %v", MaxTokenSize, len(b), err)
	}
	_, err := ReadToken(strings.NewReader(exact + "t"))
	if err == nil || err.Error() != "longer than 64 KiB; a token is one line" {
		t.Errorf("a token of %d bytes: error %v, want it refused rather than cut", MaxTokenSize+1, err)
	}
}
