// Package config loads hubctl's settings from flags, the environment and a
// YAML file, highest first, into one typed value.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
	"golang.org/x/term"
)

// maxConfigSize bounds the config file hubctl reads, so that a path such
// as /dev/zero or a huge file named by mistake cannot exhaust memory.
const maxConfigSize = 1 << 20

// DefaultBaseURL is the Hub's public address.
const DefaultBaseURL = "https://api.mountsea.ai"

// Kind is the type of a setting's value.
type Kind int

// The kinds of setting.
const (
	String Kind = iota
	Duration
	Int
	Bool
	Float
)

// Key describes one setting: its name in the file, the flag and the
// environment variables that can also set it, and its default.
type Key struct {
	Name    string
	Flag    string // without dashes; "" when no flag sets it
	Env     []string
	Kind    Kind
	Default string
	Usage   string

	// Choices, when set, are the only values the setting takes.
	Choices []string

	// Suggest are values worth offering when completing the setting on a
	// command line, each optionally followed by a tab and a description.
	Suggest []string
}

// Keys lists every setting hubctl reads, in the order help shows them. The
// slice is shared and built once, since start-up reads it often: callers
// must not modify it.
func Keys() []Key {
	return keys
}

var keys = []Key{
	{Name: "token", Flag: "token", Env: []string{"HUBCTL_TOKEN", "MOUNTSEA_API_KEY"},
		Usage: "API token; prefer --token-file or the environment, which stay out of the process list"},
	{Name: "token_file", Flag: "token-file", Env: []string{"HUBCTL_TOKEN_FILE"},
		Usage: "read the API token from `PATH` (- for a pipe on standard input)"},
	{Name: "base_url", Flag: "base-url", Env: []string{"HUBCTL_BASE_URL"},
		Default: DefaultBaseURL, Usage: "Hub API `URL`"},
	{Name: "request_timeout", Flag: "request-timeout", Env: []string{"HUBCTL_REQUEST_TIMEOUT"},
		Kind: Duration, Default: "30s", Usage: "limit on each HTTP request",
		Suggest: []string{"10s", "30s", "1m", "2m"}},
	{Name: "max_body", Flag: "max-body", Env: []string{"HUBCTL_MAX_BODY"}, Kind: Int,
		Default: strconv.Itoa(64 << 20), Usage: "largest answer body accepted, in `bytes`"},
	{Name: "insecure_http", Flag: "insecure-http", Env: []string{"HUBCTL_INSECURE_HTTP"}, Kind: Bool,
		Default: "false", Usage: "allow a plain http:// base URL to a host other than this machine"},
	{Name: "color", Flag: "color", Env: []string{"HUBCTL_COLOR"}, Default: "auto",
		Usage: "colour output: auto, always or never", Choices: []string{"auto", "always", "never"}},
	{Name: "debug", Flag: "debug", Env: []string{"HUBCTL_DEBUG"}, Kind: Bool, Default: "false",
		Usage: "trace every request to stderr"},
	{Name: "interval", Flag: "interval", Env: []string{"HUBCTL_INTERVAL"}, Kind: Duration,
		Default: "0s", Usage: "fixed time between polls of a task; 0 polls every second for 4s, then every 2s, or as learned durations suggest",
		Suggest: []string{"0\tthe default schedule", "1s", "2s", "5s", "10s", "30s"}},
	{Name: "timeout", Flag: "timeout", Env: []string{"HUBCTL_TIMEOUT"}, Kind: Duration,
		Default: "30m", Usage: "give up after this long, with exit code 124; 0 waits forever",
		Suggest: []string{"30s", "5m", "30m", "1h", "0\twait forever"}},
	{Name: "concurrency", Flag: "concurrency", Env: []string{"HUBCTL_CONCURRENCY"}, Kind: Int,
		Default: "8", Usage: "most requests in flight at once", Suggest: []string{"1", "4", "8", "16", "32"}},
	{Name: "heartbeat", Flag: "heartbeat", Env: []string{"HUBCTL_HEARTBEAT"}, Kind: Duration,
		Default: "60s", Usage: "in plain progress, print a line after this long without a change",
		Suggest: []string{"30s", "60s", "5m", "0\tnever"}},
	{Name: "progress", Flag: "progress", Env: []string{"HUBCTL_PROGRESS"}, Default: "auto",
		Usage: "progress on stderr: auto, tty, plain or none", Choices: []string{"auto", "tty", "plain", "none"}},
	{Name: "quiet", Flag: "quiet", Env: []string{"HUBCTL_QUIET"}, Kind: Bool, Default: "false",
		Usage: "print nothing; the exit code tells how it ended"},
	{Name: "no_history", Flag: "no-history", Env: []string{"HUBCTL_NO_HISTORY"}, Kind: Bool,
		Default: "false", Usage: "do not learn task durations from past runs, nor record them"},
	{Name: "max_rate", Flag: "max-rate", Env: []string{"HUBCTL_MAX_RATE"}, Kind: Float,
		Default: "100", Usage: "most requests per second, over all tasks; 0 for no cap"},
}

// Settings is the effective configuration of one run.
type Settings struct {
	Token        string  `mapstructure:"-"`
	TokenSource  string  `mapstructure:"-"`
	TokenFile    string  `mapstructure:"token_file"`
	BaseURL      string  `mapstructure:"base_url"`
	InsecureHTTP bool    `mapstructure:"insecure_http"`
	Color        string  `mapstructure:"color"`
	Debug        bool    `mapstructure:"debug"`
	Progress     string  `mapstructure:"progress"`
	Quiet        bool    `mapstructure:"quiet"`
	MaxBody      int64   `mapstructure:"max_body"`
	Concurrency  int     `mapstructure:"concurrency"`
	NoHistory    bool    `mapstructure:"no_history"`
	MaxRate      float64 `mapstructure:"max_rate"`

	RequestTimeout time.Duration `mapstructure:"request_timeout"`
	Interval       time.Duration `mapstructure:"interval"`
	Timeout        time.Duration `mapstructure:"timeout"`
	Heartbeat      time.Duration `mapstructure:"heartbeat"`

	// File is the config file that was read; "" when none was.
	File string `mapstructure:"-"`
}

// Error is a setting that cannot be used: a config file that is missing
// or unreadable, or a value that does not parse.
type Error struct {
	Err error
}

func (e *Error) Error() string { return e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

func errorf(format string, args ...any) error {
	return &Error{Err: fmt.Errorf(format, args...)}
}

// ErrNoToken means no source held an API token.
var ErrNoToken = errors.New("no API token: set HUBCTL_TOKEN (or MOUNTSEA_API_KEY), pass --token-file PATH, or add token: to the config file")

// Loader reads settings for one run.
type Loader struct {
	V      *viper.Viper
	Flags  *pflag.FlagSet
	Getenv func(string) string
	Stdin  io.Reader

	// LookupEnv, when set, lets Load refuse a HUBCTL_BASE_URL that is set
	// but empty, which would otherwise mean the public default.
	LookupEnv func(string) (string, bool)

	// StdinTTY says Stdin is a terminal, from which a token file "-" is
	// refused: it would echo the token and wait for end of input.
	StdinTTY bool

	// Warn receives one-line warnings, such as a config file that others
	// can read; nil discards them.
	Warn func(string)
}

// DefaultPath returns the config file read when none is named:
// $XDG_CONFIG_HOME/hubctl/config.yaml, or ~/.config/hubctl/config.yaml.
func DefaultPath(getenv func(string) string) string {
	if dir := getenv("XDG_CONFIG_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "hubctl", "config.yaml")
	}
	home := getenv("HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = h
		}
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".config", "hubctl", "config.yaml")
}

// Load reads the config file, binds every key to its flag (when the flag
// set has it) and environment variables, checks every value, and returns
// the settings. Errors are *Error, or ErrNoToken when needToken is true
// and no token was found.
func (l *Loader) Load(needToken bool) (*Settings, error) {
	if l.Warn == nil {
		l.Warn = func(string) {}
	}

	file, err := l.readFile()
	if err != nil {
		return nil, err
	}

	if err := l.checkEmptyBaseURL(); err != nil {
		return nil, err
	}

	for _, k := range Keys() {
		if err := l.bind(k); err != nil {
			return nil, err
		}
		if err := l.check(k, file); err != nil {
			return nil, err
		}
	}

	s := &Settings{File: file}
	if err := l.V.Unmarshal(s); err != nil {
		return nil, errorf("reading settings: %w", err)
	}
	if err := s.validate(); err != nil {
		return nil, err
	}

	s.Token, s.TokenSource, err = l.token(file)
	if err != nil && needToken {
		return nil, err
	}
	if err != nil {
		// Commands that need no token, such as config get, still work
		// and show why the token cannot be read.
		s.Token, s.TokenSource = "", "unreadable: "+err.Error()
	}
	if needToken && s.Token == "" {
		return nil, ErrNoToken
	}
	return s, nil
}

// checkEmptyBaseURL refuses HUBCTL_BASE_URL set to "" when no flag
// overrides it. Such a variable usually comes from a script whose own
// variable was empty, and treating it as unset would send the token to the
// public Hub instead of the address the script meant.
func (l *Loader) checkEmptyBaseURL() error {
	if f := l.Flags.Lookup("base-url"); f != nil && f.Changed {
		return nil
	}
	if l.LookupEnv == nil {
		return nil
	}
	if v, ok := l.LookupEnv("HUBCTL_BASE_URL"); ok && strings.TrimSpace(v) == "" {
		return errorf("HUBCTL_BASE_URL is set but empty; set it to the hub's URL, or unset it to use %s", DefaultBaseURL)
	}
	return nil
}

// readFile reads the config file named by --config or HUBCTL_CONFIG, or the
// default one. A missing default file is not an error; a missing named one
// is.
func (l *Loader) readFile() (string, error) {
	path, named := l.Path()
	if named && path == "" {
		return "", ErrEmptyConfigPath
	}
	if path == "" {
		return "", nil
	}

	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !named:
		return "", nil
	case err != nil:
		return "", errorf("config file %s: %w", path, unwrapPath(err))
	case info.IsDir():
		return "", errorf("config file %s: is a directory", path)
	case !info.Mode().IsRegular():
		return "", errorf("config file %s: not a regular file", path)
	case info.Size() > maxConfigSize:
		return "", errorf("config file %s: larger than %d KiB; a config file holds a few settings", path, maxConfigSize>>10)
	}

	text, err := os.ReadFile(path)
	if err != nil {
		return "", errorf("config file %s: %w", path, unwrapPath(err))
	}
	if err := checkKeys(path, text); err != nil {
		return "", err
	}
	l.V.SetConfigType("yaml")
	if err := l.V.ReadConfig(bytes.NewReader(text)); err != nil {
		// Viper prefixes the parser's message with one of its own.
		msg := strings.TrimPrefix(err.Error(), "While parsing config: ")
		return "", errorf("config file %s: %s", path, oneLine(msg))
	}

	known := map[string]bool{}
	for _, k := range Keys() {
		known[k.Name] = true
	}
	for _, key := range l.V.AllKeys() {
		if !known[key] && l.V.InConfig(key) {
			l.Warn(fmt.Sprintf("config file %s: unknown setting %q ignored", path, key))
		}
	}
	if info.Mode().Perm()&0o077 != 0 && l.V.InConfig("token") {
		l.Warn(fmt.Sprintf("config file %s holds a token and others can read it; run: chmod 600 %s", path, path))
	}
	return path, nil
}

// checkKeys refuses the text b of the config file at path when viper
// would read it other than as written: when it holds more than one YAML
// document (viper reads the first), a setting spelt twice in different
// cases (viper keeps either), or a setting present with no value
// ("base_url:" or "base_url: ~", which viper reads as absent, so that the
// default applies in silence; for base_url that is the public Hub). Text
// that does not parse is left to viper, whose error says where.
func checkKeys(path string, b []byte) error {
	if err := singleDocument(b); err != nil {
		return errorf("config file %s: %w", path, err)
	}
	var m map[string]any
	if yaml.Unmarshal(b, &m) != nil {
		return nil
	}

	// Viper, and so hubctl, reads keys whatever their case.
	spelt := map[string]string{}
	for key, v := range m {
		name := strings.ToLower(key)
		if _, known := Lookup(name); !known {
			continue
		}
		if other, ok := spelt[name]; ok {
			return errorf("config file %s: %s appears more than once (%s, %s); keep one", path, name, other, key)
		}
		spelt[name] = key
		if v == nil {
			return errorf("config file %s: %s has no value; give it one or remove the line", path, key)
		}
	}
	return nil
}

// singleDocument reports an error when the YAML text b holds more than one
// document.
func singleDocument(b []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	for n := 0; ; n++ {
		err := dec.Decode(&doc)
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return nil // left to the parser whose error says where
		case n == 1:
			return errors.New("holds more than one YAML document; keep the settings in one")
		}
	}
}

// ErrEmptyConfigPath is --config given an empty path.
var ErrEmptyConfigPath = &Error{Err: errors.New("--config names no file; give a path, or leave it out for the default file")}

// Path returns the config file this run reads: the one named by --config
// or HUBCTL_CONFIG, with named true, else the default one, which may not
// exist. It returns "" when there is none, for want of a home directory.
func (l *Loader) Path() (path string, named bool) {
	if f := l.Flags.Lookup("config"); f != nil && f.Changed {
		return f.Value.String(), true
	}
	if p := l.Getenv("HUBCTL_CONFIG"); p != "" {
		return p, true
	}
	return DefaultPath(l.Getenv), false
}

// bind ties a key to its flag and environment variables, so that viper
// knows the key even when only the environment sets it.
func (l *Loader) bind(k Key) error {
	if k.Flag != "" {
		if f := l.Flags.Lookup(k.Flag); f != nil {
			if err := l.V.BindPFlag(k.Name, f); err != nil {
				return errorf("binding --%s: %w", k.Flag, err)
			}
		}
	}
	if err := l.V.BindEnv(append([]string{k.Name}, k.Env...)...); err != nil {
		return errorf("binding %s: %w", k.Name, err)
	}
	l.V.SetDefault(k.Name, k.Default)
	return nil
}

// Source names where a key's value comes from: its flag, its environment
// variable, the config file, or "default".
func (l *Loader) Source(k Key, file string) string {
	if k.Flag != "" {
		if f := l.Flags.Lookup(k.Flag); f != nil && f.Changed {
			return "--" + k.Flag
		}
	}
	for _, env := range k.Env {
		if l.Getenv(env) != "" {
			return env
		}
	}
	if file != "" && l.V.InConfig(k.Name) {
		return "config file " + file
	}
	return "default"
}

// check parses a key's value strictly, so that a typo is an error naming
// its source instead of a silent zero.
func (l *Loader) check(k Key, file string) error {
	raw := strings.TrimSpace(fmt.Sprint(l.V.Get(k.Name)))
	if err := k.parse(raw); err != nil {
		return errorf("invalid %s %q from %s: %s", k.Name, raw, l.Source(k, file), conciseParseError(err))
	}
	return nil
}

// parse reports whether raw reads as a value of the key's kind.
func (k Key) parse(raw string) error {
	var err error
	switch k.Kind {
	case Duration:
		var d time.Duration
		d, err = time.ParseDuration(raw)
		if err == nil && d < 0 {
			err = errors.New("must not be negative")
		}
		if raw == "0" {
			err = nil
		}
	case Int:
		var n int64
		n, err = strconv.ParseInt(raw, 10, 64)
		if err == nil && n < 0 {
			err = errors.New("must not be negative")
		}
	case Bool:
		_, err = strconv.ParseBool(raw)
	case Float:
		var f float64
		f, err = strconv.ParseFloat(raw, 64)
		if err == nil && (f < 0 || math.IsInf(f, 0) || math.IsNaN(f)) {
			err = errors.New("must be a number from 0 up")
		}
	}
	return err
}

// Check reports whether value is one the key accepts on its own, by the
// rules Load applies: its kind, its choices and its limits. Rules that
// join two settings, such as a plain http:// base URL needing
// insecure_http, are left to Load. The error is an *Error that never
// quotes a token.
func (k Key) Check(value string) error {
	if k.Name == "token" {
		_, _, err := checkToken(value, "the value given")
		return err
	}
	if err := k.parse(value); err != nil {
		return errorf("invalid %s %q: %s", k.Name, value, conciseParseError(err))
	}
	if len(k.Choices) > 0 && !slices.Contains(k.Choices, value) {
		return errorf("invalid %s %q: want %s", k.Name, value, orList(k.Choices))
	}
	if k.Name == "base_url" {
		return checkBaseURL(value)
	}
	if reason := limit(k.Name, value); reason != "" {
		return errorf("invalid %s %s: %s", k.Name, value, reason)
	}
	return nil
}

// limit returns why a value of the named setting, already known to parse,
// is out of range, or "" when it is not.
func limit(name, raw string) string {
	switch name {
	case "concurrency":
		if n, _ := strconv.ParseInt(raw, 10, 64); n < 1 || n > 256 {
			return "want 1 to 256"
		}
	case "max_body":
		if n, _ := strconv.ParseInt(raw, 10, 64); n < 1024 {
			return "want at least 1024 bytes"
		}
	case "request_timeout":
		if d, _ := time.ParseDuration(raw); d <= 0 {
			return "must be positive"
		}
	}
	return ""
}

// Lookup returns the key called name, which may be spelled as in the file
// (base_url) or as its flag (base-url).
func Lookup(name string) (Key, bool) {
	name = strings.ReplaceAll(strings.TrimSpace(name), "-", "_")
	for _, k := range Keys() {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// conciseParseError drops the repeated input from strconv and time errors.
func conciseParseError(err error) string {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return ne.Err.Error()
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "time: "); ok {
		// time's errors end by quoting the input, which the caller shows.
		if before, _, found := strings.Cut(rest, " in duration "); found {
			return before
		}
		before, _, _ := strings.Cut(rest, ` "`)
		return before
	}
	return msg
}

func (s *Settings) validate() error {
	if err := checkBaseURL(s.BaseURL); err != nil {
		return err
	}
	u, _ := url.Parse(s.BaseURL)
	if u.Scheme == "http" && !s.InsecureHTTP && !IsLoopback(u.Hostname()) {
		return errorf("refusing plain http:// to %s, which would send the token unencrypted; use https:// or pass --insecure-http", u.Host)
	}

	limited := []struct {
		name  string
		value fmt.Stringer
	}{
		{"concurrency", intValue(s.Concurrency)},
		{"request_timeout", s.RequestTimeout},
		{"max_body", intValue(s.MaxBody)},
	}
	for _, l := range limited {
		if reason := limit(l.name, l.value.String()); reason != "" {
			return errorf("invalid %s %s: %s", l.name, l.value, reason)
		}
	}
	if s.Heartbeat < 0 || s.Interval < 0 || s.Timeout < 0 {
		return errorf("durations must not be negative")
	}
	for _, c := range [][2]string{{"color", s.Color}, {"progress", s.Progress}} {
		k, _ := Lookup(c[0])
		if !slices.Contains(k.Choices, c[1]) {
			return errorf("invalid %s %q: want %s", c[0], c[1], orList(k.Choices))
		}
	}
	return nil
}

// intValue prints an integer setting for limit and for messages.
type intValue int64

func (n intValue) String() string { return strconv.FormatInt(int64(n), 10) }

// checkBaseURL reports whether raw has the shape of a base URL:
// http(s)://host[:port] and an optional path, without credentials, query
// or fragment.
func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return errorf("invalid base URL %q: want http(s)://host[:port]", raw)
	}
	if u.User != nil {
		return errorf("invalid base URL: credentials in a URL are not supported; use the token settings")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return errorf("invalid base URL %q: no query or fragment allowed", raw)
	}
	return nil
}

// orList joins choices as a sentence does: "a, b, or c".
func orList(choices []string) string {
	if len(choices) < 2 {
		return strings.Join(choices, "")
	}
	return strings.Join(choices[:len(choices)-1], ", ") + ", or " + choices[len(choices)-1]
}

// IsLoopback reports whether host names this machine: localhost, or an
// address in 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// token finds the API token, highest source first: --token, --token-file,
// HUBCTL_TOKEN, MOUNTSEA_API_KEY, HUBCTL_TOKEN_FILE, then the config file's
// token and token_file. It returns the token and the name of its source.
func (l *Loader) token(file string) (string, string, error) {
	flag := func(name string) (string, bool) {
		f := l.Flags.Lookup(name)
		if f == nil || !f.Changed {
			return "", false
		}
		return f.Value.String(), true
	}

	if t, ok := flag("token"); ok {
		if _, both := flag("token-file"); both {
			return "", "", errorf("--token and --token-file both given; pass one")
		}
		return checkToken(t, "--token")
	}
	if p, ok := flag("token-file"); ok {
		return l.readToken(p, "--token-file")
	}
	for _, env := range []string{"HUBCTL_TOKEN", "MOUNTSEA_API_KEY"} {
		if t := l.Getenv(env); t != "" {
			return checkToken(t, env)
		}
	}
	if p := l.Getenv("HUBCTL_TOKEN_FILE"); p != "" {
		return l.readToken(p, "HUBCTL_TOKEN_FILE")
	}
	if file != "" && l.V.InConfig("token") {
		t, ok := l.V.Get("token").(string)
		if !ok {
			return "", "", errorf("token in config file %s must be a string", file)
		}
		return checkToken(t, "config file "+file)
	}
	if file != "" && l.V.InConfig("token_file") {
		return l.readToken(fmt.Sprint(l.V.Get("token_file")), "token_file in "+file)
	}
	return "", "", nil
}

// readToken reads a token from a file, or from standard input for "-".
// setting names what gave the path, for error messages.
func (l *Loader) readToken(path, setting string) (string, string, error) {
	var b []byte
	var err error
	source := path + " (" + setting + ")"
	if path == "-" && l.StdinTTY {
		return "", "", errorf("%s -: standard input is a terminal; pipe the token in, "+
			"or store it once with: hubctl config set token -", setting)
	}
	if path == "-" {
		b, err = ReadToken(l.Stdin)
		source = "standard input"
	} else {
		b, err = readTokenFile(expandHome(path, l.Getenv))
	}
	if err != nil {
		return "", "", errorf("reading token from %s: %w", source, unwrapPath(err))
	}
	return checkToken(string(b), source)
}

// expandHome replaces a leading ~/ with the home directory, as a shell
// would, for paths written in the config file or the environment.
func expandHome(path string, getenv func(string) string) string {
	if !strings.HasPrefix(path, "~/") {
		return path
	}
	home := getenv("HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = h
		}
	}
	if home == "" {
		return path
	}
	return filepath.Join(home, path[2:])
}

// MaxTokenSize bounds what is read as a token; real tokens are a few
// hundred bytes.
const MaxTokenSize = 64 << 10

// ReadToken reads a token from r, refusing one longer than MaxTokenSize
// rather than cutting it short.
func ReadToken(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxTokenSize+1))
	if err == nil && len(b) > MaxTokenSize {
		err = fmt.Errorf("longer than %d KiB; a token is one line", MaxTokenSize>>10)
	}
	return b, err
}

// readTokenFile reads a token from the file at path.
func readTokenFile(path string) ([]byte, error) {
	// A named pipe with no writer would block the open for ever; opened
	// without blocking, it reads as empty instead, while a pipe from a
	// process substitution, <(pass show hub), still reads in full.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	// /dev/stdin or /dev/tty on a terminal would show the token as typed.
	if term.IsTerminal(int(f.Fd())) {
		return nil, errors.New("a terminal, which would show the token as it is typed; " +
			"pipe it in, or store it once with: hubctl config set token -")
	}
	return ReadToken(f)
}

// Mask returns a token fit to show: its last four characters after
// asterisks, or only asterisks for a token too short to keep four hidden
// characters for every one shown. An empty token stays empty.
func Mask(token string) string {
	switch {
	case token == "":
		return ""
	case len(token) < 12:
		return "****"
	}
	return "****" + token[len(token)-4:]
}

// CheckToken trims a token read from source, such as "standard input",
// and refuses one that would break the Authorization header. The error is
// an *Error that never includes the token.
func CheckToken(t, source string) (string, error) {
	t, _, err := checkToken(t, source)
	return t, err
}

// checkToken trims a token and refuses one that would break the
// Authorization header. The error never includes the token.
func checkToken(t, source string) (string, string, error) {
	t = strings.TrimSpace(t)
	if t == "" {
		return "", "", errorf("empty token from %s", source)
	}
	for _, r := range t {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r > unicode.MaxASCII {
			return "", "", errorf("token from %s holds spaces, control or non-ASCII characters; check what was pasted", source)
		}
	}
	return t, source, nil
}

// unwrapPath drops the *fs.PathError wrapper, whose message repeats the path
// the caller already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
