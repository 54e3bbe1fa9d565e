package config

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// newFlagSet defines the flags of every key the way the root command does,
// plus --config.
func newFlagSet(t *testing.T) *pflag.FlagSet {
	t.Helper()

	flags := pflag.NewFlagSet("hubctl", pflag.ContinueOnError)
	flags.String("config", "", "read settings from FILE")
	for _, k := range Keys() {
		switch k.Kind {
		case Duration:
			d, err := time.ParseDuration(k.Default)
			if err != nil {
				t.Fatalf("key %s: default %q: %v", k.Name, k.Default, err)
			}
			flags.Duration(k.Flag, d, k.Usage)
		case Int:
			n, err := strconv.ParseInt(k.Default, 10, 64)
			if err != nil {
				t.Fatalf("key %s: default %q: %v", k.Name, k.Default, err)
			}
			flags.Int64(k.Flag, n, k.Usage)
		case Bool:
			flags.Bool(k.Flag, false, k.Usage)
		default:
			flags.String(k.Flag, k.Default, k.Usage)
		}
	}
	return flags
}

// env is the part of a test's world that varies: the environment, the
// default config file, the arguments and standard input. Every string may
// hold $DIR, which stands for the test's temporary directory.
type env struct {
	args  []string
	vars  map[string]string
	file  string      // the default config file's text; "" means no file
	mode  os.FileMode // of the config file; 0 means 0600
	files map[string]string
	stdin string
}

// loadResult is what one Load produced.
type loadResult struct {
	s        *Settings
	err      error
	warnings []string
	dir      string
}

// isolate points HOME and XDG_CONFIG_HOME into a fresh directory and
// clears every variable hubctl reads, so that neither the real user's
// config nor the real environment can leak into a test.
func isolate(t *testing.T) string {
	t.Helper()

	dir := t.TempDir()
	t.Setenv("HOME", filepath.Join(dir, "home"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	t.Setenv("HUBCTL_CONFIG", "")
	for _, k := range Keys() {
		for _, name := range k.Env {
			t.Setenv(name, "") // restored after the test
			os.Unsetenv(name)
		}
	}
	return dir
}

// defaultFile is where Load looks when no file is named, given isolate.
func defaultFile(dir string) string {
	return filepath.Join(dir, "xdg", "hubctl", "config.yaml")
}

func load(t *testing.T, e env, needToken bool) loadResult {
	t.Helper()

	dir := isolate(t)
	expand := func(s string) string { return strings.ReplaceAll(s, "$DIR", dir) }

	for name, value := range e.vars {
		t.Setenv(name, expand(value))
	}
	for name, text := range e.files {
		writeFile(t, filepath.Join(dir, name), expand(text), 0o600)
	}
	if e.file != "" {
		mode := e.mode
		if mode == 0 {
			mode = 0o600
		}
		writeFile(t, defaultFile(dir), expand(e.file), mode)
	}

	flags := newFlagSet(t)
	args := make([]string, len(e.args))
	for i, a := range e.args {
		args[i] = expand(a)
	}
	if err := flags.Parse(args); err != nil {
		t.Fatalf("parsing %q: %v", args, err)
	}

	r := loadResult{dir: dir}
	l := &Loader{
		V:      viper.New(),
		Flags:  flags,
		Getenv: os.Getenv,
		Stdin:  strings.NewReader(e.stdin),
		Warn:   func(msg string) { r.warnings = append(r.warnings, msg) },

		LookupEnv: os.LookupEnv,
	}
	r.s, r.err = l.Load(needToken)
	return r
}

func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()

	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // WriteFile's mode is cut by the umask
		t.Fatal(err)
	}
}

func TestLoadPrecedence(t *testing.T) {
	tests := []struct {
		name        string
		env         env
		wantBaseURL string
		wantTimeout time.Duration
		wantFile    bool
	}{
		{
			name:        "defaults",
			env:         env{},
			wantBaseURL: DefaultBaseURL,
			wantTimeout: 30 * time.Minute,
		},
		{
			name:        "file over default",
			env:         env{file: "base_url: https://file.example\ntimeout: 5m\n"},
			wantBaseURL: "https://file.example",
			wantTimeout: 5 * time.Minute,
			wantFile:    true,
		},
		{
			name: "env over file",
			env: env{
				file: "base_url: https://file.example\ntimeout: 5m\n",
				vars: map[string]string{"HUBCTL_BASE_URL": "https://env.example", "HUBCTL_TIMEOUT": "2m"},
			},
			wantBaseURL: "https://env.example",
			wantTimeout: 2 * time.Minute,
			wantFile:    true,
		},
		{
			name: "flag over env and file",
			env: env{
				file: "base_url: https://file.example\ntimeout: 5m\n",
				vars: map[string]string{"HUBCTL_BASE_URL": "https://env.example", "HUBCTL_TIMEOUT": "2m"},
				args: []string{"--base-url", "https://flag.example", "--timeout", "1m"},
			},
			wantBaseURL: "https://flag.example",
			wantTimeout: time.Minute,
			wantFile:    true,
		},
		{
			name: "flag over file",
			env: env{
				file: "base_url: https://file.example\ntimeout: 5m\n",
				args: []string{"--base-url=https://flag.example", "--timeout=45s"},
			},
			wantBaseURL: "https://flag.example",
			wantTimeout: 45 * time.Second,
			wantFile:    true,
		},
		{
			name: "flag over default, env for the other key",
			env: env{
				vars: map[string]string{"HUBCTL_TIMEOUT": "0"},
				args: []string{"--base-url", "https://flag.example"},
			},
			wantBaseURL: "https://flag.example",
			wantTimeout: 0,
		},
		{
			name: "flag over an empty HUBCTL_BASE_URL",
			env: env{
				vars: map[string]string{"HUBCTL_BASE_URL": ""},
				args: []string{"--base-url", "https://flag.example"},
			},
			wantBaseURL: "https://flag.example",
			wantTimeout: 30 * time.Minute,
		},
		{
			name: "flag set to its default still beats env",
			env: env{
				vars: map[string]string{"HUBCTL_TIMEOUT": "2m"},
				args: []string{"--timeout", "30m"},
			},
			wantBaseURL: DefaultBaseURL,
			wantTimeout: 30 * time.Minute,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env.args = append(tt.env.args, "--token", "tok")
			r := load(t, tt.env, true)
			if r.err != nil {
				t.Fatalf("Load: %v", r.err)
			}
			if r.s.BaseURL != tt.wantBaseURL || r.s.Timeout != tt.wantTimeout {
				t.Errorf("base_url %q timeout %v, want %q %v",
					r.s.BaseURL, r.s.Timeout, tt.wantBaseURL, tt.wantTimeout)
			}
			wantFile := ""
			if tt.wantFile {
				wantFile = defaultFile(r.dir)
			}
			if r.s.File != wantFile {
				t.Errorf("File = %q, want %q", r.s.File, wantFile)
			}
			if len(r.warnings) != 0 {
				t.Errorf("warnings %q, want none", r.warnings)
			}
		})
	}
}

func TestLoadTokenSources(t *testing.T) {
	allEnv := map[string]string{
		"HUBCTL_TOKEN":      "env-hubctl",
		"MOUNTSEA_API_KEY":  "env-mountsea",
		"HUBCTL_TOKEN_FILE": "$DIR/env-token",
	}
	files := map[string]string{
		"flag-token":   "flag-file-tok\n",
		"env-token":    "  env-file-tok \n",
		"config-token": "config-file-tok",
	}
	configWithToken := "token: config-tok\n"

	with := func(m map[string]string, drop ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for _, k := range drop {
			delete(out, k)
		}
		return out
	}

	tests := []struct {
		name       string
		env        env
		wantToken  string
		wantSource string
	}{
		{
			name: "--token first",
			env: env{args: []string{"--token", "flag-tok"}, vars: allEnv, files: files,
				file: configWithToken},
			wantToken:  "flag-tok",
			wantSource: "--token",
		},
		{
			name: "--token-file second",
			env: env{args: []string{"--token-file", "$DIR/flag-token"}, vars: allEnv, files: files,
				file: configWithToken},
			wantToken:  "flag-file-tok",
			wantSource: "$DIR/flag-token (--token-file)",
		},
		{
			name: "--token-file - reads standard input",
			env: env{args: []string{"--token-file", "-"}, vars: allEnv, stdin: "stdin-tok\r\n",
				file: configWithToken},
			wantToken:  "stdin-tok",
			wantSource: "standard input",
		},
		{
			name:       "HUBCTL_TOKEN third",
			env:        env{vars: allEnv, files: files, file: configWithToken},
			wantToken:  "env-hubctl",
			wantSource: "HUBCTL_TOKEN",
		},
		{
			name:       "MOUNTSEA_API_KEY fourth",
			env:        env{vars: with(allEnv, "HUBCTL_TOKEN"), files: files, file: configWithToken},
			wantToken:  "env-mountsea",
			wantSource: "MOUNTSEA_API_KEY",
		},
		{
			name: "HUBCTL_TOKEN_FILE fifth",
			env: env{vars: with(allEnv, "HUBCTL_TOKEN", "MOUNTSEA_API_KEY"), files: files,
				file: configWithToken},
			wantToken:  "env-file-tok",
			wantSource: "$DIR/env-token (HUBCTL_TOKEN_FILE)",
		},
		{
			name:       "config file token last",
			env:        env{file: configWithToken},
			wantToken:  "config-tok",
			wantSource: "config file $DIR/xdg/hubctl/config.yaml",
		},
		{
			name:       "config file token_file",
			env:        env{file: "token_file: $DIR/config-token\n", files: files},
			wantToken:  "config-file-tok",
			wantSource: "$DIR/config-token (token_file in $DIR/xdg/hubctl/config.yaml)",
		},
		{
			name:       "config token beats config token_file",
			env:        env{file: "token: config-tok\ntoken_file: $DIR/config-token\n", files: files},
			wantToken:  "config-tok",
			wantSource: "config file $DIR/xdg/hubctl/config.yaml",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := load(t, tt.env, true)
			if r.err != nil {
				t.Fatalf("Load: %v", r.err)
			}
			wantSource := strings.ReplaceAll(tt.wantSource, "$DIR", r.dir)
			if r.s.Token != tt.wantToken || r.s.TokenSource != wantSource {
				t.Errorf("token %q from %q, want %q from %q",
					r.s.Token, r.s.TokenSource, tt.wantToken, wantSource)
			}
		})
	}
}

func TestLoadTokenErrors(t *testing.T) {
	tests := []struct {
		name    string
		env     env
		want    string
		wantNot string // a secret the message must not show
	}{
		{
			name: "--token and --token-file",
			env:  env{args: []string{"--token", "a", "--token-file", "$DIR/t"}, files: map[string]string{"t": "b"}},
			want: "--token and --token-file both given; pass one",
		},
		{
			name: "missing --token-file",
			env:  env{args: []string{"--token-file", "$DIR/nope"}},
			want: "reading token from $DIR/nope (--token-file): no such file or directory",
		},
		{
			name: "empty token file",
			env:  env{args: []string{"--token-file", "$DIR/t"}, files: map[string]string{"t": " \n"}},
			want: "empty token from $DIR/t (--token-file)",
		},
		{
			name: "empty standard input",
			env:  env{args: []string{"--token-file", "-"}},
			want: "empty token from standard input",
		},
		{
			name: "token with inner space",
			env:  env{vars: map[string]string{"HUBCTL_TOKEN": "sk-abc def"}},
			want: "token from HUBCTL_TOKEN holds spaces, control or non-ASCII characters; " +
				"check what was pasted",
			wantNot: "sk-abc",
		},
		{
			name: "token with non-ASCII",
			env:  env{args: []string{"--token", "sk-ünïcode"}},
			want: "token from --token holds spaces, control or non-ASCII characters; " +
				"check what was pasted",
			wantNot: "sk-",
		},
		{
			name: "missing HUBCTL_TOKEN_FILE",
			env:  env{vars: map[string]string{"HUBCTL_TOKEN_FILE": "$DIR/gone"}},
			want: "reading token from $DIR/gone (HUBCTL_TOKEN_FILE): no such file or directory",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := load(t, tt.env, true)
			var ce *Error
			if !errors.As(r.err, &ce) {
				t.Fatalf("error = %T %v, want *config.Error", r.err, r.err)
			}
			want := strings.ReplaceAll(tt.want, "$DIR", r.dir)
			if r.err.Error() != want {
				t.Errorf("error = %q, want %q", r.err.Error(), want)
			}
			if tt.wantNot != "" && strings.Contains(r.err.Error(), tt.wantNot) {
				t.Errorf("error %q shows the token", r.err.Error())
			}
		})
	}
}

func TestLoadNoToken(t *testing.T) {
	r := load(t, env{}, true)
	if !errors.Is(r.err, ErrNoToken) {
		t.Fatalf("Load(needToken) error = %v, want ErrNoToken", r.err)
	}
	if r.s != nil {
		t.Errorf("settings = %+v, want nil", r.s)
	}

	r = load(t, env{}, false)
	if r.err != nil {
		t.Fatalf("Load(!needToken): %v", r.err)
	}
	if r.s.Token != "" || r.s.TokenSource != "" {
		t.Errorf("token %q from %q, want none", r.s.Token, r.s.TokenSource)
	}
}

func TestLoadEnvOnlySettingsReachSettings(t *testing.T) {
	r := load(t, env{vars: map[string]string{
		"HUBCTL_TOKEN":           "tok",
		"HUBCTL_INTERVAL":        "2s",
		"HUBCTL_HEARTBEAT":       "15s",
		"HUBCTL_REQUEST_TIMEOUT": "7s",
		"HUBCTL_CONCURRENCY":     "3",
		"HUBCTL_MAX_BODY":        "2048",
		"HUBCTL_QUIET":           "true",
		"HUBCTL_DEBUG":           "1",
		"HUBCTL_PROGRESS":        "plain",
		"HUBCTL_COLOR":           "never",
	}}, true)
	if r.err != nil {
		t.Fatalf("Load: %v", r.err)
	}

	want := Settings{
		Token:          "tok",
		TokenSource:    "HUBCTL_TOKEN",
		BaseURL:        DefaultBaseURL,
		Color:          "never",
		Debug:          true,
		Progress:       "plain",
		Quiet:          true,
		MaxBody:        2048,
		Concurrency:    3,
		MaxRate:        100,
		RequestTimeout: 7 * time.Second,
		Interval:       2 * time.Second,
		Timeout:        30 * time.Minute,
		Heartbeat:      15 * time.Second,
	}
	if *r.s != want {
		t.Errorf("settings\n got %+v\nwant %+v", *r.s, want)
	}
}

func TestLoadDefaults(t *testing.T) {
	r := load(t, env{}, false)
	if r.err != nil {
		t.Fatalf("Load: %v", r.err)
	}

	want := Settings{
		BaseURL:        DefaultBaseURL,
		Color:          "auto",
		Progress:       "auto",
		MaxBody:        64 << 20,
		Concurrency:    8,
		MaxRate:        100,
		RequestTimeout: 30 * time.Second,
		Timeout:        30 * time.Minute,
		Heartbeat:      time.Minute,
	}
	if *r.s != want {
		t.Errorf("settings\n got %+v\nwant %+v", *r.s, want)
	}
}

func TestLoadConfigFileErrors(t *testing.T) {
	tests := []struct {
		name       string
		env        env
		wantPrefix string
		wantSuffix string
	}{
		{
			name:       "missing --config",
			env:        env{args: []string{"--config", "$DIR/nope.yaml"}},
			wantPrefix: "config file $DIR/nope.yaml: ",
			wantSuffix: "no such file or directory",
		},
		{
			name:       "missing HUBCTL_CONFIG",
			env:        env{vars: map[string]string{"HUBCTL_CONFIG": "$DIR/env.yaml"}},
			wantPrefix: "config file $DIR/env.yaml: ",
			wantSuffix: "no such file or directory",
		},
		{
			name:       "--config names a directory",
			env:        env{args: []string{"--config", "$DIR"}},
			wantPrefix: "config file $DIR: ",
			wantSuffix: "is a directory",
		},
		{
			name:       "HUBCTL_BASE_URL set but empty",
			env:        env{vars: map[string]string{"HUBCTL_BASE_URL": ""}, file: "base_url: https://file.example\n"},
			wantPrefix: "HUBCTL_BASE_URL is set but empty; ",
			wantSuffix: "or unset it to use https://api.mountsea.ai",
		},
		{
			name:       "--config with an empty path",
			env:        env{args: []string{"--config", ""}, file: "timeout: 5m\n"},
			wantPrefix: "--config names no file; ",
			wantSuffix: "or leave it out for the default file",
		},
		{
			name:       "a key with no value, which would mean the public Hub",
			env:        env{file: "base_url:\n"},
			wantPrefix: "config file $DIR/xdg/hubctl/config.yaml: ",
			wantSuffix: "base_url has no value; give it one or remove the line",
		},
		{
			name:       "a key with no value, spelt in capitals",
			env:        env{file: "BASE_URL:\n"},
			wantPrefix: "config file $DIR/xdg/hubctl/config.yaml: ",
			wantSuffix: "BASE_URL has no value; give it one or remove the line",
		},
		{
			name:       "a key spelt twice in different cases",
			env:        env{file: "base_url: https://one.example\nBASE_URL: https://two.example\n"},
			wantPrefix: "config file $DIR/xdg/hubctl/config.yaml: base_url appears more than once (",
			wantSuffix: "); keep one",
		},
		{
			name:       "two YAML documents",
			env:        env{file: "---\ntimeout: 5m\n---\nbase_url: https://hub.example\n"},
			wantPrefix: "config file $DIR/xdg/hubctl/config.yaml: ",
			wantSuffix: "holds more than one YAML document; keep the settings in one",
		},
		{
			name:       "a key set to null",
			env:        env{file: "timeout: ~\n"},
			wantPrefix: "config file $DIR/xdg/hubctl/config.yaml: ",
			wantSuffix: "timeout has no value; give it one or remove the line",
		},
		{
			name:       "unparsable default file",
			env:        env{file: "base_url: [unclosed\n"},
			wantPrefix: "config file $DIR/xdg/hubctl/config.yaml: yaml: ",
			wantSuffix: "yaml: line 1: did not find expected ',' or ']'",
		},
		{
			name: "unparsable named file",
			env: env{args: []string{"--config", "$DIR/bad.yaml"},
				files: map[string]string{"bad.yaml": "token: a\n\tbase_url: b\n"}},
			wantPrefix: "config file $DIR/bad.yaml: ",
			wantSuffix: "yaml: line 2: found a tab character that violates indentation",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := load(t, tt.env, false)
			var ce *Error
			if !errors.As(r.err, &ce) {
				t.Fatalf("error = %T %v, want *config.Error", r.err, r.err)
			}
			msg := r.err.Error()
			prefix := strings.ReplaceAll(tt.wantPrefix, "$DIR", r.dir)
			if !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, tt.wantSuffix) {
				t.Errorf("error = %q, want %q…%q", msg, prefix, tt.wantSuffix)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error = %q, want one line", msg)
			}
		})
	}
}

func TestLoadNamedConfigFile(t *testing.T) {
	tests := []struct {
		name string
		env  env
		want string // File, and the file whose base_url must win
	}{
		{
			name: "--config beats HUBCTL_CONFIG and the default",
			env: env{
				args:  []string{"--config", "$DIR/flag.yaml"},
				vars:  map[string]string{"HUBCTL_CONFIG": "$DIR/env.yaml"},
				file:  "base_url: https://default.example\n",
				files: map[string]string{"flag.yaml": "base_url: https://flag.example\n", "env.yaml": "base_url: https://env.example\n"},
			},
			want: "flag",
		},
		{
			name: "HUBCTL_CONFIG beats the default",
			env: env{
				vars:  map[string]string{"HUBCTL_CONFIG": "$DIR/env.yaml"},
				file:  "base_url: https://default.example\n",
				files: map[string]string{"env.yaml": "base_url: https://env.example\n"},
			},
			want: "env",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := load(t, tt.env, false)
			if r.err != nil {
				t.Fatalf("Load: %v", r.err)
			}
			wantFile := filepath.Join(r.dir, tt.want+".yaml")
			wantURL := "https://" + tt.want + ".example"
			if r.s.File != wantFile || r.s.BaseURL != wantURL {
				t.Errorf("file %q base_url %q, want %q %q", r.s.File, r.s.BaseURL, wantFile, wantURL)
			}
		})
	}
}

func TestLoadInvalidValues(t *testing.T) {
	tests := []struct {
		name string
		env  env
		want string
	}{
		{
			name: "duration without unit in env",
			env:  env{vars: map[string]string{"HUBCTL_TIMEOUT": "90"}},
			want: `invalid timeout "90" from HUBCTL_TIMEOUT: missing unit`,
		},
		{
			name: "unknown unit in env",
			env:  env{vars: map[string]string{"HUBCTL_INTERVAL": "5 parsecs"}},
			want: `invalid interval "5 parsecs" from HUBCTL_INTERVAL: unknown unit " parsecs"`,
		},
		{
			name: "garbage duration in env",
			env:  env{vars: map[string]string{"HUBCTL_HEARTBEAT": "soon"}},
			want: `invalid heartbeat "soon" from HUBCTL_HEARTBEAT: invalid duration`,
		},
		{
			name: "negative duration flag",
			env:  env{args: []string{"--interval", "-1s"}},
			want: `invalid interval "-1s" from --interval: must not be negative`,
		},
		{
			name: "bad duration in file",
			env:  env{file: "request_timeout: 10\n"},
			want: `invalid request_timeout "10" from config file $DIR/xdg/hubctl/config.yaml: missing unit`,
		},
		{
			name: "bad integer in env",
			env:  env{vars: map[string]string{"HUBCTL_CONCURRENCY": "many"}},
			want: `invalid concurrency "many" from HUBCTL_CONCURRENCY: invalid syntax`,
		},
		{
			name: "negative integer in env",
			env:  env{vars: map[string]string{"HUBCTL_MAX_BODY": "-5"}},
			want: `invalid max_body "-5" from HUBCTL_MAX_BODY: must not be negative`,
		},
		{
			name: "bad boolean in env",
			env:  env{vars: map[string]string{"HUBCTL_DEBUG": "maybe"}},
			want: `invalid debug "maybe" from HUBCTL_DEBUG: invalid syntax`,
		},
		{
			name: "concurrency out of range",
			env:  env{args: []string{"--concurrency", "0"}},
			want: "invalid concurrency 0: want 1 to 256",
		},
		{
			name: "max_body too small",
			env:  env{vars: map[string]string{"HUBCTL_MAX_BODY": "100"}},
			want: "invalid max_body 100: want at least 1024 bytes",
		},
		{
			name: "zero request timeout",
			env:  env{args: []string{"--request-timeout", "0s"}},
			want: "invalid request_timeout 0s: must be positive",
		},
		{
			name: "bad color",
			env:  env{vars: map[string]string{"HUBCTL_COLOR": "sometimes"}},
			want: `invalid color "sometimes": want auto, always, or never`,
		},
		{
			name: "bad progress",
			env:  env{file: "progress: fancy\n"},
			want: `invalid progress "fancy": want auto, tty, plain, or none`,
		},
		{
			name: "base URL without scheme",
			env:  env{vars: map[string]string{"HUBCTL_BASE_URL": "api.mountsea.ai"}},
			want: `invalid base URL "api.mountsea.ai": want http(s)://host[:port]`,
		},
		{
			name: "base URL with credentials",
			env:  env{args: []string{"--base-url", "https://user:pw@api.mountsea.ai"}},
			want: "invalid base URL: credentials in a URL are not supported; use the token settings",
		},
		{
			name: "base URL with query",
			env:  env{args: []string{"--base-url", "https://api.mountsea.ai/?x=1"}},
			want: `invalid base URL "https://api.mountsea.ai/?x=1": no query or fragment allowed`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := load(t, tt.env, false)
			var ce *Error
			if !errors.As(r.err, &ce) {
				t.Fatalf("error = %T %v, want *config.Error", r.err, r.err)
			}
			want := strings.ReplaceAll(tt.want, "$DIR", r.dir)
			if r.err.Error() != want {
				t.Errorf("error = %q\n      want %q", r.err.Error(), want)
			}
		})
	}
}

func TestLoadPlainHTTP(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		vars    map[string]string
		wantErr string
	}{
		{name: "127.0.0.1", args: []string{"--base-url", "http://127.0.0.1:8080"}},
		{name: "other loopback address", args: []string{"--base-url", "http://127.1.2.3"}},
		{name: "localhost", args: []string{"--base-url", "http://localhost:9000/"}},
		{name: "LOCALHOST", args: []string{"--base-url", "http://LOCALHOST"}},
		{name: "::1", args: []string{"--base-url", "http://[::1]:8080"}},
		{name: "https anywhere", args: []string{"--base-url", "https://hub.example.com"}},
		{
			name:    "remote host",
			args:    []string{"--base-url", "http://api.mountsea.ai"},
			wantErr: "refusing plain http:// to api.mountsea.ai, which would send the token unencrypted; use https:// or pass --insecure-http",
		},
		{
			name:    "remote address with port",
			args:    []string{"--base-url", "http://10.0.0.5:8080"},
			wantErr: "refusing plain http:// to 10.0.0.5:8080, which would send the token unencrypted; use https:// or pass --insecure-http",
		},
		{
			name:    "localhost as a subdomain",
			args:    []string{"--base-url", "http://localhost.evil.example"},
			wantErr: "refusing plain http:// to localhost.evil.example, which would send the token unencrypted; use https:// or pass --insecure-http",
		},
		{name: "remote with --insecure-http", args: []string{"--base-url", "http://api.mountsea.ai", "--insecure-http"}},
		{
			name: "remote with HUBCTL_INSECURE_HTTP",
			vars: map[string]string{"HUBCTL_BASE_URL": "http://api.mountsea.ai", "HUBCTL_INSECURE_HTTP": "true"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := load(t, env{args: tt.args, vars: tt.vars}, false)
			if tt.wantErr == "" {
				if r.err != nil {
					t.Fatalf("Load: %v", r.err)
				}
				return
			}

			var ce *Error
			if !errors.As(r.err, &ce) {
				t.Fatalf("error = %T %v, want *config.Error", r.err, r.err)
			}
			if r.err.Error() != tt.wantErr {
				t.Errorf("error = %q\nwant %q", r.err.Error(), tt.wantErr)
			}
		})
	}
}

func TestLoadWarnings(t *testing.T) {
	tests := []struct {
		name string
		env  env
		want []string
	}{
		{
			name: "token in a world-readable file",
			env:  env{file: "token: secret-tok\n", mode: 0o644},
			want: []string{"config file $F holds a token and others can read it; run: chmod 600 $F"},
		},
		{
			name: "token in a group-readable file",
			env:  env{file: "token: secret-tok\n", mode: 0o640},
			want: []string{"config file $F holds a token and others can read it; run: chmod 600 $F"},
		},
		{
			name: "token in a private file",
			env:  env{file: "token: secret-tok\n", mode: 0o600},
		},
		{
			name: "readable file without a token",
			env:  env{file: "base_url: https://hub.example\n", mode: 0o644},
		},
		{
			name: "unknown key",
			env:  env{file: "colour: always\n"},
			want: []string{`config file $F: unknown setting "colour" ignored`},
		},
		{
			name: "unknown nested key and a readable token",
			env:  env{file: "token: secret-tok\nextra:\n  deep: 1\n", mode: 0o604},
			want: []string{
				`config file $F: unknown setting "extra.deep" ignored`,
				"config file $F holds a token and others can read it; run: chmod 600 $F",
			},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := load(t, tt.env, false)
			if r.err != nil {
				t.Fatalf("Load: %v", r.err)
			}

			var want []string
			for _, w := range tt.want {
				want = append(want, strings.ReplaceAll(w, "$F", defaultFile(r.dir)))
			}
			if strings.Join(r.warnings, "\n") != strings.Join(want, "\n") {
				t.Errorf("warnings\n%q\nwant\n%q", r.warnings, want)
			}
			for _, w := range r.warnings {
				if strings.Contains(w, "secret-tok") {
					t.Errorf("warning %q shows the token", w)
				}
			}
		})
	}
}

func TestLoadMissingDefaultFileIsSilent(t *testing.T) {
	r := load(t, env{args: []string{"--token", "tok"}}, true)
	if r.err != nil {
		t.Fatalf("Load: %v", r.err)
	}
	if r.s.File != "" || len(r.warnings) != 0 {
		t.Errorf("file %q warnings %q, want no file and no warnings", r.s.File, r.warnings)
	}
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"xdg", map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"}, "/x/cfg/hubctl/config.yaml"},
		{"relative xdg is ignored", map[string]string{"XDG_CONFIG_HOME": "cfg", "HOME": "/home/u"},
			"/home/u/.config/hubctl/config.yaml"},
		{"home", map[string]string{"HOME": "/home/u"}, "/home/u/.config/hubctl/config.yaml"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DefaultPath(func(k string) string { return tt.vars[k] })
			if got != tt.want {
				t.Errorf("DefaultPath = %q, want %q", got, tt.want)
			}
		})
	}
}
