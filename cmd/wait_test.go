package cmd

import (
	"os/exec"
	"strings"
	"testing"
)

// hostileWords are values a resume hint must quote: shell syntax, spaces
// that must not collapse, characters a terminal acts on or shows
// misleadingly, and bytes that are not UTF-8.
var hostileWords = []string{
	"a;touch${IFS}PWNED", "$(id)", "`id`", "-weird", "--timeout=0", "*", "it's",
	"two  spaces", "line\nnext\ttab", "\x1b[31mred\x7f", "nbsp\u00a0here",
	"zero\u200bwidth", "rtl\u202eoverride", "sep\u2028line", "c1 \u009b", "bad \xff\x01", "é 漢字", `back\slash`,
	"=ls", "€\u200b", "→\n",
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"10m":                    "10m",
		"./events.ndjson":        "./events.ndjson",
		"":                       "''",
		"a b":                    "'a b'",
		"it's":                   `'it'\''s'`,
		".status | ascii_upcase": "'.status | ascii_upcase'",
		"$HOME":                  "'$HOME'",
		"é 漢字":                   "'é 漢字'",
		"line\nnext\tit's \\":    `$'line\nnext\tit\'s \\'`,
		"=ls":                    "'=ls'",
		"é\u200b":                `$'\xc3\xa9\xe2\x80\x8b'`,
		"\x1b[31mred\x7f":        `$'\x1b[31mred\x7f'`,
		"c1 \u009b, nbsp\u00a0":  `$'c1 \xc2\x9b, nbsp\xc2\xa0'`,
		"bad \xff\x01":           `$'bad \xff\x01'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestShellQuoteReadsBack has bash read each quoted word, in the C locale,
// and checks that it gets the original bytes, and that the word is one
// line of printable ASCII or printable UTF-8.
func TestShellQuoteReadsBack(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to check that quoted words read back")
	}
	for _, word := range hostileWords {
		quoted := shellQuote(word)
		if strings.ContainsAny(quoted, "\n\r\x1b") {
			t.Errorf("shellQuote(%q) = %q, want one line without escape codes", word, quoted)
		}

		cmd := exec.Command(bash, "-c", "printf '%s' "+quoted)
		cmd.Env = []string{"LC_ALL=C"}
		out, err := cmd.Output()
		if err != nil || string(out) != word {
			t.Errorf("bash read %s as %q (%v), want %q", quoted, out, err, word)
		}
	}
}
