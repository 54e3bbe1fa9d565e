package render

import (
	"testing"
	"unicode/utf8"
)

// TestSpinnerTextFitsInBytes checks what the spinner library needs: the
// line it writes, "\r", a mark of up to 3 bytes and the text, must not be
// longer in bytes than the terminal is wide, or it erases lines above.
func TestSpinnerTextFitsInBytes(t *testing.T) {
	texts := []string{
		" waiting for 2 tasks: t-slow processing 3s · t-other pending 1s",
		" waiting for 1 task: 任务-一二三四五六七八九十 生成中 12s",
		" waiting for 3 tasks: a · b · c · d · e · f · g · h · i · j · k · l · m",
	}
	for _, width := range []int{20, 40, 80} {
		for _, text := range texts {
			got := spinnerText(text, width, "…")
			if n := len("\r") + len("⠋") + len(got); n > width {
				t.Errorf("width %d: %q takes %d bytes on the spinner's line", width, got, n)
			}
			if !utf8.ValidString(got) {
				t.Errorf("width %d: %q is cut inside a character", width, got)
			}
			if len("\r")+len("⠋")+len(text) < width && got != text {
				t.Errorf("width %d: a short text was cut: %q", width, got)
			}
		}
	}
}
