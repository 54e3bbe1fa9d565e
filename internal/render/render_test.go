package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hubctl/hubctl/internal/hub"
	"github.com/hubctl/hubctl/internal/poll"
	"github.com/hubctl/hubctl/internal/term"
)

var update = flag.Bool("update", false, "rewrite golden files")

// decode returns the task of a body, failing the test when it is not one.
func decode(t *testing.T, body string) *hub.Task {
	t.Helper()

	task, err := hub.DecodeTask([]byte(body))
	if err != nil {
		t.Fatalf("DecodeTask(%s): %v", body, err)
	}
	return task
}

// golden compares got with testdata/name.golden, or rewrites the file when
// the test runs with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()

	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update if the change is intended)\n got %q\nwant %q",
			path, got, want)
	}
}

// longDataURI is a data: URI of a few hundred bytes, as sync_mode answers.
var longDataURI = "data:image/png;base64," + strings.Repeat("iVBORw0KGgoAAAANSUhEUg", 20)

func TestPrintHumanGolden(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{
			name: "completed_image",
			body: `{"task_id":"hub-img","status":"completed","ready":true,"elapsed_ms":41230,` +
				`"data":{"images":[{"url":"https://cdn.example/a.png","content_type":"image/png"},` +
				`{"url":"https://cdn.example/b.png","content_type":"image/png"}],"description":"two cats"}}`,
		},
		{
			name: "completed_video",
			body: `{"task_id":"hub-vid","status":"completed","ready":true,"elapsed_ms":125000,` +
				`"data":{"video":{"url":"https://cdn.example/v.mp4","content_type":"video/mp4","fps":24}}}`,
		},
		{
			name: "transcript",
			body: `{"task_id":"hub-txt","status":"completed","ready":true,"elapsed_ms":850,` +
				`"data":{"text":"First line.\nSecond line.\r\n\nFourth line after a blank one.",` +
				`"chunks":[{"timestamp":[0.0,2.1],"text":"First line."}]}}`,
		},
		{
			name: "failed",
			body: `{"task_id":"hub-fail","status":"failed","ready":true,"elapsed_ms":9100,` +
				`"error_code":"CONTENT_POLICY","error_message":"The prompt was refused\n  by the provider."}`,
		},
		{
			name: "failed_numeric_code",
			body: `{"task_id":"hub-fail2","status":"failed","ready":true,"error_code":500}`,
		},
		{
			name: "timeout",
			body: `{"task_id":"hub-slow","status":"timeout","ready":true,"elapsed_ms":600000}`,
		},
		{
			name: "cancelled",
			body: `{"task_id":"hub-stop","status":"cancelled","ready":true,"elapsed_ms":3723000,` +
				`"error_message":"cancelled by user"}`,
		},
		{
			name: "running",
			body: `{"task_id":"hub-run","status":"processing","ready":false,"elapsed_ms":3000,` +
				`"data":{"images":[{"url":"https://cdn.example/partial.png"}]}}`,
		},
		{
			name: "pending_no_elapsed",
			body: `{"task_id":"hub-new","status":"pending","ready":false,"elapsed_ms":null}`,
		},
		{
			name: "unknown_status",
			body: `{"task_id":"hub-odd","status":"exploded","ready":true,` +
				`"data":{"audio":{"url":"https://cdn.example/song.mp3"}}}`,
		},
		{
			name: "no_status",
			body: `{"task_id":"hub-bare","ready":true}`,
		},
		{
			name: "data_uri",
			body: `{"task_id":"hub-sync","status":"completed","ready":true,"elapsed_ms":4100,` +
				`"data":{"images":[{"url":"` + longDataURI + `"},{"url":"data:image/png;base64,AAAA"}]}}`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			p := NewPrinter(&out, FormatHuman, nil, term.NewPalette(false))
			if err := p.Print(decode(t, tt.body)); err != nil {
				t.Fatalf("Print: %v", err)
			}
			golden(t, "human_"+tt.name, out.Bytes())
		})
	}
}

func TestPrintHumanColour(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "completed",
			body: `{"task_id":"hub-img","status":"completed","ready":true,"elapsed_ms":41230,` +
				`"data":{"images":[{"url":"https://cdn.example/a.png"}]}}`,
			want: "\x1b[1mhub-img\x1b[22m  \x1b[32mcompleted\x1b[0m  41.2s\n  https://cdn.example/a.png\n",
		},
		{
			name: "failed",
			body: `{"task_id":"hub-f","status":"failed","ready":true,"error_code":"E1","error_message":"no"}`,
			want: "\x1b[1mhub-f\x1b[22m  \x1b[31mfailed\x1b[0m\n  \x1b[31merror E1: no\x1b[0m\n",
		},
		{
			name: "running",
			body: `{"task_id":"hub-r","status":"processing","ready":false}`,
			want: "\x1b[1mhub-r\x1b[22m  \x1b[36mprocessing\x1b[0m\n",
		},
		{
			name: "cancelled",
			body: `{"task_id":"hub-c","status":"cancelled","ready":true}`,
			want: "\x1b[1mhub-c\x1b[22m  \x1b[33mcancelled\x1b[0m\n",
		},
		{
			name: "unknown",
			body: `{"task_id":"hub-u","status":"weird","ready":true}`,
			want: "\x1b[1mhub-u\x1b[22m  \x1b[33mweird (unknown status)\x1b[0m\n",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			p := NewPrinter(&out, FormatHuman, nil, term.NewPalette(true))
			if err := p.Print(decode(t, tt.body)); err != nil {
				t.Fatalf("Print: %v", err)
			}
			if out.String() != tt.want {
				t.Errorf("output\n got %q\nwant %q", out.String(), tt.want)
			}
		})
	}
}

func TestPrintJSONKeepsTheServersObject(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "compacted",
			body: "{\n  \"task_id\": \"hub-1\",\n  \"status\": \"pending\",\n  \"ready\": false\n}\n",
			want: `{"task_id":"hub-1","status":"pending","ready":false}` + "\n",
		},
		{
			name: "unknown fields and key order kept",
			body: `{"zeta":1,"task_id":"hub-1","status":"completed","ready":true,"vendor":"Google",` +
				`"data":{"images":[{"url":"https://x/a.png","width":1024}]}}`,
			want: `{"zeta":1,"task_id":"hub-1","status":"completed","ready":true,"vendor":"Google",` +
				`"data":{"images":[{"url":"https://x/a.png","width":1024}]}}` + "\n",
		},
		{
			name: "big and precise numbers kept",
			body: `{"task_id":"hub-1", "status":"completed", "ready":true, "data":{"seed": 12345678901234567890123,` +
				` "ratio": 0.1000000000000000055511151231257827, "exp": 1E+400}}`,
			want: `{"task_id":"hub-1","status":"completed","ready":true,"data":{"seed":12345678901234567890123,` +
				`"ratio":0.1000000000000000055511151231257827,"exp":1E+400}}` + "\n",
		},
		{
			name: "escapes kept",
			body: `{"task_id":"hub-1","status":"failed","error_message":"a\u003cb \"q\" \u00fc ü"}`,
			want: `{"task_id":"hub-1","status":"failed","error_message":"a\u003cb \"q\" \u00fc ü"}` + "\n",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			p := NewPrinter(&out, FormatJSON, nil, term.NewPalette(true))
			if err := p.Print(decode(t, tt.body)); err != nil {
				t.Fatalf("Print: %v", err)
			}
			if out.String() != tt.want {
				t.Errorf("output\n got %s\nwant %s", out.String(), tt.want)
			}
		})
	}
}

func TestPrintJSONRefusesBrokenRaw(t *testing.T) {
	var out bytes.Buffer
	p := NewPrinter(&out, FormatJSON, nil, term.NewPalette(false))

	err := p.Print(&hub.Task{ID: "hub-9", Raw: json.RawMessage(`{"status":`)})
	if err == nil || !strings.HasPrefix(err.Error(), "task hub-9: compacting answer: ") {
		t.Errorf("error = %v, want one naming task hub-9", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %q, want nothing", out.String())
	}
}

func TestPrintJQ(t *testing.T) {
	const body = `{"task_id":"hub-1","status":"completed","ready":true,"elapsed_ms":41230,` +
		`"data":{"seed":12345678901234567890123,"ratio":0.1,"images":[{"url":"https://x/a.png"},` +
		`{"url":"https://x/b.png"}],"meta":{"k":"v","n":[1,2]}}}`

	tests := []struct {
		name    string
		expr    string
		want    string
		wantErr string
	}{
		{name: "string is raw", expr: ".status", want: "completed\n"},
		{name: "object is compact", expr: ".data.meta", want: `{"k":"v","n":[1,2]}` + "\n"},
		{name: "big number digits kept", expr: ".data.seed", want: "12345678901234567890123\n"},
		{name: "big number inside a value", expr: "[.data.seed, .data.ratio]",
			want: "[12345678901234567890123,0.1]\n"},
		{name: "integer", expr: ".elapsed_ms", want: "41230\n"},
		{name: "boolean", expr: ".ready", want: "true\n"},
		{name: "missing is null", expr: ".nothing", want: "null\n"},
		{name: "several outputs", expr: ".data.images[].url",
			want: "https://x/a.png\nhttps://x/b.png\n"},
		{name: "comma outputs", expr: ".task_id, .elapsed_ms", want: "hub-1\n41230\n"},
		{name: "empty", expr: "empty", want: ""},
		{name: "halt", expr: "halt", want: ""},
		{name: "string with newline stays raw", expr: `"a\nb"`, want: "a\nb\n"},
		{
			name:    "runtime error",
			expr:    ".status.b",
			wantErr: `task hub-1: jq: expected an object but got: string ("completed")`,
		},
		{
			name:    "halt_error",
			expr:    `"stop" | halt_error`,
			wantErr: "task hub-1: jq: halt error: stop",
		},
		{
			name:    "error after output",
			expr:    ".task_id, error(\"boom\")",
			want:    "hub-1\n",
			wantErr: "task hub-1: jq: error: boom",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, err := CompileJQ(tt.expr)
			if err != nil {
				t.Fatalf("CompileJQ(%q): %v", tt.expr, err)
			}

			var out bytes.Buffer
			p := NewPrinter(&out, FormatJQ, code, term.NewPalette(true))
			err = p.Print(decode(t, body))

			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Print: %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Fatalf("Print error = %v, want %q", err, tt.wantErr)
			}
			// An error ends the task's output; what came before it is not
			// written either, so that a result is never half printed.
			want := tt.want
			if tt.wantErr != "" {
				want = ""
			}
			if out.String() != want {
				t.Errorf("output %q, want %q", out.String(), want)
			}
		})
	}
}

func TestCompileJQRefusesBadExpressions(t *testing.T) {
	for _, expr := range []string{".[", "foo(", "$undefined", "nosuchfunc"} {
		_, err := CompileJQ(expr)
		if err == nil || !strings.HasPrefix(err.Error(), "invalid jq expression: ") {
			t.Errorf("CompileJQ(%q) error = %v, want an invalid jq expression", expr, err)
		}
	}
}

func TestOutputURLs(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
	}{
		{name: "absent", data: "", want: nil},
		{name: "null", data: "null", want: nil},
		{name: "no urls", data: `{"text":"hello","n":1}`, want: nil},
		{
			name: "image list in order",
			data: `{"images":[{"url":"https://x/2.png"},{"url":"https://x/1.png"}]}`,
			want: []string{"https://x/2.png", "https://x/1.png"},
		},
		{
			name: "duplicates kept once, first place",
			data: `{"video":{"url":"https://x/v.mp4"},"thumb":"https://x/t.jpg","video_url":"https://x/v.mp4"}`,
			want: []string{"https://x/v.mp4", "https://x/t.jpg"},
		},
		{
			name: "nested arrays",
			data: `{"a":[["https://x/1",["https://x/2"]],[{"b":[[["http://x/3"]]]}]],"c":"https://x/1"}`,
			want: []string{"https://x/1", "https://x/2", "http://x/3"},
		},
		{
			name: "top-level array and string",
			data: `["https://x/a", 3, null, "data:text/plain,hi"]`,
			want: []string{"https://x/a", "data:text/plain,hi"},
		},
		{name: "top-level string", data: `"https://x/only"`, want: []string{"https://x/only"}},
		{
			name: "keys that look like URLs are not outputs",
			data: `{"https://x/key":"https://x/value","m":{"http://x/k2":["https://x/v2"]},"https://x/k3":{"a":1}}`,
			want: []string{"https://x/value", "https://x/v2"},
		},
		{
			name: "scheme case ignored, others skipped",
			data: `{"u":["HTTPS://X/A","Http://x/b","ftp://x/c","https:/x/d","see https://x/e","DATA:,x"]}`,
			want: []string{"HTTPS://X/A", "Http://x/b", "DATA:,x"},
		},
		{
			name: "syntax error keeps what came before",
			data: `{"a":"https://x/1","b":"https://x/2", oops}`,
			want: []string{"https://x/1", "https://x/2"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := OutputURLs(json.RawMessage(tt.data))
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("OutputURLs(%s) = %q, want %q", tt.data, got, tt.want)
			}
		})
	}
}

func TestShortURL(t *testing.T) {
	long := "https://cdn.example/" + strings.Repeat("p/", 100) + "file.png?sig=" + strings.Repeat("z", 80)
	exactly64 := "data:text/plain;base64," + strings.Repeat("A", 64-len("data:text/plain;base64,"))
	longHead := "data:application/vnd.some-very-long-vendor-media-type+json;charset=utf-8;base64," +
		strings.Repeat("A", 40)

	tests := []struct {
		name string
		in   string
		want string
	}{
		{"https unchanged however long", long, long},
		{"short data URI unchanged", "data:image/png;base64,AAAA", "data:image/png;base64,AAAA"},
		{"data URI of exactly 64 bytes unchanged", exactly64, exactly64},
		{"long data URI", longDataURI, fmt.Sprintf("data:image/png;base64,… (%d bytes)", len(longDataURI))},
		{"one byte over 64", exactly64 + "A", "data:text/plain;base64,… (65 bytes)"},
		{"upper-case scheme", "DATA:image/gif;base64," + strings.Repeat("R", 60),
			"DATA:image/gif;base64,… (82 bytes)"},
		{"long media type is cut", longHead,
			fmt.Sprintf("%s,… (%d bytes)", longHead[:48], len(longHead))},
		{"no comma", "data:" + strings.Repeat("x", 70),
			"data:" + strings.Repeat("x", 43) + ",… (75 bytes)"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ShortURL(tt.in); got != tt.want {
				t.Errorf("ShortURL(%.40q…) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTranscript(t *testing.T) {
	tests := []struct {
		data   string
		want   string
		wantOK bool
	}{
		{`{"text":"hello\nworld"}`, "hello\nworld", true},
		{`{"text":""}`, "", true},
		{`{"text":null}`, "", false},
		{`{"text":3}`, "", false},
		{`{"chunks":[]}`, "", false},
		{`["text"]`, "", false},
		{``, "", false},
	}

	for _, tt := range tests {
		got, ok := Transcript(json.RawMessage(tt.data))
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Transcript(%s) = %q, %v; want %q, %v", tt.data, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{-time.Second, "0s"},
		{0, "0s"},
		{1 * time.Millisecond, "1ms"},
		{850 * time.Millisecond, "850ms"},
		{999*time.Millisecond + 999*time.Microsecond, "999ms"},
		{time.Second, "1s"},
		{4100 * time.Millisecond, "4.1s"},
		{3991 * time.Millisecond, "4s"},
		{1020 * time.Millisecond, "1s"},
		{12 * time.Second, "12s"},
		{41230 * time.Millisecond, "41.2s"},
		{59*time.Second + 900*time.Millisecond, "59.9s"},
		{59*time.Second + 949*time.Millisecond, "59.9s"},
		{59*time.Second + 950*time.Millisecond, "1m00s"},
		{59*time.Second + 960*time.Millisecond, "1m00s"},
		{time.Minute, "1m00s"},
		{125 * time.Second, "2m05s"},
		{125*time.Second + 600*time.Millisecond, "2m06s"},
		{59*time.Minute + 59*time.Second, "59m59s"},
		{59*time.Minute + 59*time.Second + 499*time.Millisecond, "59m59s"},
		{59*time.Minute + 59*time.Second + 500*time.Millisecond, "1h00m"},
		{59*time.Minute + 59*time.Second + 600*time.Millisecond, "1h00m"},
		{time.Hour, "1h00m"},
		{time.Hour + 2*time.Minute, "1h02m"},
		{time.Hour + 2*time.Minute + 30*time.Second, "1h03m"},
		{25*time.Hour + 59*time.Minute + 31*time.Second, "26h00m"},
	}

	for _, tt := range tests {
		if got := Duration(tt.in); got != tt.want {
			t.Errorf("Duration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlainProgressObserve(t *testing.T) {
	at := time.Date(2026, 5, 18, 9, 0, 5, 0, time.UTC)
	task := func(body string) *hub.Task { return decode(t, body) }

	tests := []struct {
		name      string
		event     poll.Event
		wantUTF8  string
		wantASCII string
	}{
		{
			name: "first status",
			event: poll.Event{Kind: poll.EventStatus, Time: at, ID: "hub-1",
				Task: task(`{"task_id":"hub-1","status":"pending","ready":false}`)},
			wantUTF8:  "2026-05-18T09:00:05Z hub-1 pending\n",
			wantASCII: "2026-05-18T09:00:05Z hub-1 pending\n",
		},
		{
			name: "status change",
			event: poll.Event{Kind: poll.EventStatus, Time: at, ID: "hub-1", Previous: "pending",
				Task: task(`{"task_id":"hub-1","status":"processing","ready":false}`)},
			wantUTF8:  "2026-05-18T09:00:05Z hub-1 pending → processing\n",
			wantASCII: "2026-05-18T09:00:05Z hub-1 pending -> processing\n",
		},
		{
			name: "completed with an output",
			event: poll.Event{Kind: poll.EventStatus, Time: at, ID: "hub-1", Previous: "processing",
				Task: task(`{"task_id":"hub-1","status":"completed","ready":true,` +
					`"data":{"images":[{"url":"https://x/a.png"},{"url":"https://x/b.png"}]}}`)},
			wantUTF8:  "2026-05-18T09:00:05Z hub-1 processing → completed https://x/a.png\n",
			wantASCII: "2026-05-18T09:00:05Z hub-1 processing -> completed https://x/a.png\n",
		},
		{
			name: "completed with a data URI",
			event: poll.Event{Kind: poll.EventStatus, Time: at, ID: "hub-1",
				Task: task(`{"task_id":"hub-1","status":"completed","ready":true,` +
					`"data":{"images":[{"url":"` + longDataURI + `"}]}}`)},
			wantUTF8: fmt.Sprintf("2026-05-18T09:00:05Z hub-1 completed data:image/png;base64,… (%d bytes)\n",
				len(longDataURI)),
			wantASCII: fmt.Sprintf("2026-05-18T09:00:05Z hub-1 completed data:image/png;base64,… (%d bytes)\n",
				len(longDataURI)),
		},
		{
			name: "failed with an error",
			event: poll.Event{Kind: poll.EventStatus, Time: at, ID: "hub-2", Previous: "processing",
				Task: task(`{"task_id":"hub-2","status":"failed","ready":true,` +
					`"error_code":42,"error_message":"refused\nby policy"}`)},
			wantUTF8:  "2026-05-18T09:00:05Z hub-2 processing → failed error 42: refused by policy\n",
			wantASCII: "2026-05-18T09:00:05Z hub-2 processing -> failed error 42: refused by policy\n",
		},
		{
			name: "cancelled without detail",
			event: poll.Event{Kind: poll.EventStatus, Time: at, ID: "hub-3", Previous: "pending",
				Task: task(`{"task_id":"hub-3","status":"cancelled","ready":true}`)},
			wantUTF8:  "2026-05-18T09:00:05Z hub-3 pending → cancelled\n",
			wantASCII: "2026-05-18T09:00:05Z hub-3 pending -> cancelled\n",
		},
		{
			name: "status white space folded",
			event: poll.Event{Kind: poll.EventStatus, Time: at, ID: "hub-4", Previous: "in\nqueue",
				Task: task(`{"task_id":"hub-4","status":"  being\tworked on ","ready":false}`)},
			wantUTF8:  "2026-05-18T09:00:05Z hub-4 in queue → being worked on\n",
			wantASCII: "2026-05-18T09:00:05Z hub-4 in queue -> being worked on\n",
		},
		{
			name: "an id that would reorder the line is escaped",
			event: poll.Event{Kind: poll.EventStatus, Time: at, ID: "rz\u202egnp.exe",
				Task: task(`{"task_id":"rz\u202egnp.exe","status":"processing","ready":false}`)},
			wantUTF8:  "2026-05-18T09:00:05Z rz\\u202egnp.exe processing\n",
			wantASCII: "2026-05-18T09:00:05Z rz\\u202egnp.exe processing\n",
		},
		{
			name: "unknown status",
			event: poll.Event{Kind: poll.EventUnknownStatus, Time: at, ID: "hub-5",
				Task: task(`{"task_id":"hub-5","status":"thinking","ready":false}`)},
			wantUTF8: "2026-05-18T09:00:05Z warning: hub-5 reports a status hubctl does not know " +
				"(\"thinking\"); still waiting\n",
			wantASCII: "2026-05-18T09:00:05Z warning: hub-5 reports a status hubctl does not know " +
				"(\"thinking\"); still waiting\n",
		},
		{
			name: "finished writes nothing",
			event: poll.Event{Kind: poll.EventFinished, Time: at, ID: "hub-1",
				Task: task(`{"task_id":"hub-1","status":"completed","ready":true}`)},
		},
		{
			name: "outage",
			event: poll.Event{Kind: poll.EventOutage, Time: at,
				Err: &hub.TransportError{Err: errors.New("dial tcp 127.0.0.1:1: connect:\nconnection refused")}},
			wantUTF8:  "2026-05-18T09:00:05Z API unreachable: dial tcp 127.0.0.1:1: connect: connection refused, retrying until --timeout; check --base-url if it lasts\n",
			wantASCII: "2026-05-18T09:00:05Z API unreachable: dial tcp 127.0.0.1:1: connect: connection refused, retrying until --timeout; check --base-url if it lasts\n",
		},
		{
			name:      "outage by status",
			event:     poll.Event{Kind: poll.EventOutage, Time: at, Err: &hub.StatusError{Code: 503}},
			wantUTF8:  "2026-05-18T09:00:05Z API unreachable: HTTP 503 Service Unavailable, retrying until --timeout; check --base-url if it lasts\n",
			wantASCII: "2026-05-18T09:00:05Z API unreachable: HTTP 503 Service Unavailable, retrying until --timeout; check --base-url if it lasts\n",
		},
		{
			name:      "recovered",
			event:     poll.Event{Kind: poll.EventRecovered, Time: at},
			wantUTF8:  "2026-05-18T09:00:05Z API reachable again\n",
			wantASCII: "2026-05-18T09:00:05Z API reachable again\n",
		},
		{
			name:      "heartbeat",
			event:     poll.Event{Kind: poll.EventHeartbeat, Time: at, Running: 3, Elapsed: 95*time.Second + 700*time.Millisecond},
			wantUTF8:  "2026-05-18T09:00:05Z 3 running, 1m35s elapsed\n",
			wantASCII: "2026-05-18T09:00:05Z 3 running, 1m35s elapsed\n",
		},
		{
			name:      "heartbeat under a minute",
			event:     poll.Event{Kind: poll.EventHeartbeat, Time: at, Running: 1, Elapsed: 42*time.Second + 900*time.Millisecond},
			wantUTF8:  "2026-05-18T09:00:05Z 1 running, 42s elapsed\n",
			wantASCII: "2026-05-18T09:00:05Z 1 running, 42s elapsed\n",
		},
		{
			name: "time in another zone keeps its offset",
			event: poll.Event{Kind: poll.EventRecovered,
				Time: time.Date(2026, 5, 18, 11, 0, 5, 900, time.FixedZone("CEST", 2*60*60))},
			wantUTF8:  "2026-05-18T11:00:05+02:00 API reachable again\n",
			wantASCII: "2026-05-18T11:00:05+02:00 API reachable again\n",
		},
		{
			name:  "unknown kind writes nothing",
			event: poll.Event{Kind: poll.EventKind(99), Time: at},
		},
	}

	for _, tt := range tests {
		for _, utf8 := range []bool{true, false} {
			name := tt.name + "/ascii"
			want := tt.wantASCII
			if utf8 {
				name, want = tt.name+"/utf8", tt.wantUTF8
			}
			t.Run(name, func(t *testing.T) {
				var out bytes.Buffer
				NewPlainProgress(&out, utf8).Observe(tt.event)
				if out.String() != want {
					t.Errorf("Observe wrote\n%q\nwant\n%q", out.String(), want)
				}
			})
		}
	}
}
