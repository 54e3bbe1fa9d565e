package render

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/term"
)

// templateTask is a finished image task with a number wider than float64.
const templateTask = `{"task_id":"hub-img-1","status":"completed","ready":true,"elapsed_ms":7400,` +
	`"seed":12345678901234567890123,"created_at":"2026-05-18T08:57:00Z",` +
	`"data":{"images":[{"url":"https://cdn.example/a.png"},{"url":"https://cdn.example/b.png"}]}}`

var templateNow = time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC)

func runTemplate(t *testing.T, text, doc string, colour bool) (string, error) {
	t.Helper()

	tmpl, err := ParseTemplate(text, term.NewPalette(colour), func() time.Time { return templateNow })
	if err != nil {
		t.Fatalf("ParseTemplate(%q): %v", text, err)
	}
	var out bytes.Buffer
	err = NewTemplatePrinter(&out, tmpl).PrintJSON(json.RawMessage(doc), "task hub-img-1")
	return out.String(), err
}

func TestTemplateHelpers(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"fields", `{{.task_id}} {{.status}}`, "hub-img-1 completed\n"},
		{"numbers keep their digits", `{{.seed}}`, "12345678901234567890123\n"},
		{"duration of elapsed_ms", `{{duration .elapsed_ms}}`, "7.4s\n"},
		{"duration of a Go duration", `{{duration "125s"}}`, "2m05s\n"},
		{"duration of a missing field", `[{{duration .nope}}]`, "[]\n"},
		{"timeago of an RFC 3339 time", `{{timeago .created_at}}`, "3m ago\n"},
		{"timeago of Unix seconds", `{{timeago 1779094770}}`, "30s ago\n"},
		{"timeago of Unix milliseconds", `{{timeago 1779094800000}}`, "just now\n"},
		{"timeago of the future", `{{timeago "2026-05-18T11:00:00Z"}}`, "in 2h\n"},
		{"timeago of a missing field", `[{{timeago .nope}}]`, "[]\n"},
		{"urls of a task", `{{range urls .}}{{.}} {{end}}`, "https://cdn.example/a.png https://cdn.example/b.png \n"},
		{"urls of any value", `{{urls .data.images}}`, "[https://cdn.example/a.png https://cdn.example/b.png]\n"},
		{"join", `{{urls . | join ","}}`, "https://cdn.example/a.png,https://cdn.example/b.png\n"},
		{"json keeps numbers and leaves & alone", `{{json .data.images}} {{json .seed}} {{json "a&b"}}`,
			`[{"url":"https://cdn.example/a.png"},{"url":"https://cdn.example/b.png"}] 12345678901234567890123 "a&b"` + "\n"},
		{"color without colour", `{{color "green" .status}}`, "completed\n"},
		{"a final newline is not doubled", "{{.status}}\n", "completed\n"},
		{"empty output prints nothing", `{{if eq .status "failed"}}{{.task_id}}{{end}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := runTemplate(t, tt.text, templateTask, false)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("%s\ngave %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestTemplateColorFollowsThePalette(t *testing.T) {
	got, err := runTemplate(t, `{{color "red" "failed"}}`, templateTask, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "\x1b[31mfailed\x1b[0m") {
		t.Errorf("got %q, want red escape codes", got)
	}
}

func TestTemplateErrorsNameTheTask(t *testing.T) {
	for text, want := range map[string]string{
		`{{color "pink" .status}}`: `task hub-img-1: template: --template:1:2: executing "--template" at <color "pink" .status>: error calling color: unknown colour "pink"`,
		`{{duration .status}}`:     `error calling duration: duration: "completed" is not a duration`,
		`{{timeago .status}}`:      `error calling timeago: timeago: "completed" is not an RFC 3339 time`,
		`{{join "," .status}}`:     "error calling join: join: string is not a list",
	} {
		_, err := runTemplate(t, text, templateTask, false)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", text, err, want)
		}
	}
}

func TestParseTemplateRefusesBadSyntax(t *testing.T) {
	_, err := ParseTemplate("{{.status", term.NewPalette(false), time.Now)
	if err == nil || !strings.HasPrefix(err.Error(), "invalid template: template: --template:1: unclosed action") {
		t.Errorf("error %v, want an invalid template", err)
	}
	if _, err := ParseTemplate("{{nosuch .x}}", term.NewPalette(false), time.Now); err == nil {
		t.Error("an unknown function was accepted")
	}
}

func TestTemplatePrinterPrintsTasks(t *testing.T) {
	task, err := hub.DecodeTask([]byte(templateTask))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := ParseTemplate(`{{.task_id}} {{duration .elapsed_ms}}`, term.NewPalette(false), time.Now)
	if err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	p := NewTemplatePrinter(&out, tmpl)
	for range 2 {
		if err := p.Print(task); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := out.String(), "hub-img-1 7.4s\nhub-img-1 7.4s\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTemplatePrinterStopsWhenCancelled(t *testing.T) {
	// Unless stopped, this template writes for hours.
	tmpl, err := ParseTemplate(`{{range 100000000000}}x{{end}}`, term.NewPalette(false), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("interrupted")
	ctx, cancel := context.WithCancelCause(t.Context())
	var out bytes.Buffer
	p := NewTemplatePrinter(&out, tmpl).WithContext(ctx)

	done := make(chan error, 1)
	go func() { done <- p.PrintJSON(json.RawMessage(templateTask), "task hub-img-1") }()
	cancel(stop)

	if err := <-done; !errors.Is(err, stop) {
		t.Errorf("error %v, want the context's cause", err)
	}
	if out.Len() != 0 {
		t.Errorf("a stopped template wrote %d bytes, want none", out.Len())
	}
}

func TestTemplateOutputIsBounded(t *testing.T) {
	_, err := runTemplate(t, `{{range 100000000000}}{{printf "%01000000d" 0}}{{end}}`, templateTask, false)
	if err == nil || !strings.HasSuffix(err.Error(), "template output larger than 64 MiB") {
		t.Errorf("error %v, want the output refused at 64 MiB", err)
	}
}
