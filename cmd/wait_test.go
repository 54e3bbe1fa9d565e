package cmd

import "testing"

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"10m":                      "10m",
		"./events.ndjson":          "./events.ndjson",
		"":                         "''",
		"a b":                      "'a b'",
		"it's":                     `'it'\''s'`,
		".status | ascii_upcase":   "'.status | ascii_upcase'",
		"$HOME":                    "'$HOME'",
		"line\nnext\tit's \\ done": `$'line\nnext\tit\'s \\ done'`,
		"\x1b[31mred\x7f":          `$'\x1b[31mred\x7f'`,
		"c1 \u009b and é\x01":      `$'c1 \u009b and é\x01'`,
		"bad \xff\x01":             `$'bad \xff\x01'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
