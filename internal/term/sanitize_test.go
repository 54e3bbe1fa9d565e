package term

import "testing"

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"completed", "completed"},
		{"生成失败：内容违反安全策略", "生成失败：内容违反安全策略"},
		{"\x1b[31mEVIL\x1b[0m", `\u001b[31mEVIL\u001b[0m`},
		{"\x1b]52;c;ZWNobw==\x07x", `\u001b]52;c;ZWNobw==\u0007x`},
		{"proc\nessing\r", `proc\u000aessing\u000d`},
		{"abc\u202edef", `abc\u202edef`},
		{"a\u2028b", `a\u2028b`},
		{"\u009b2J", `\u009b2J`},
		{"tab\there", `tab\u0009here`},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
