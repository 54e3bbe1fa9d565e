package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// The fuzz targets below pin down what the client promises about input it
// takes from the network or the command line. Their seeds run with every
// 'go test'; 'go test -fuzz' explores from them. Inputs the fuzzer finds
// failing are kept in testdata/fuzz and run as seeds from then on.

// isJSONObject reports whether b is one valid JSON document whose top-level
// value is an object. White space around it is JSON's: space, tab, CR, LF.
func isJSONObject(b []byte) bool {
	if !json.Valid(b) {
		return false
	}
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] == '{'
}

func FuzzDecodeTask(f *testing.F) {
	for _, body := range []string{
		`{"task_id":"hub-1","status":"processing","ready":false}`,
		`{"task_id":"hub-2","status":"completed","ready":true,"elapsed_ms":41230,` +
			`"model":"nano-banana","data":{"images":[{"url":"https://x/a.png"}]}}`,
		`{"taskId":"hub-3","status":"failed","ready":true,"error_code":1001,` +
			`"error_message":"nsfw"}`,
		`{"status":"FAILED","ready":false}`,
		`{"status":" Canceled ","elapsed_ms":"12.5"}`,
		`{"ready":true,"elapsed_ms":null,"data":null}`,
		`{"status":"archived","ready":"yes","elapsed_ms":1e300}`,
		`{"status":"completed","extra":12345678901234567890123}`,
		`{"ready":"true"}`,
		`{}`,
		` {"status":"pending"} `,
		`{"status":"pending"}{}`,
		`{"status":"pending"`,
		`[{"status":"completed"}]`,
		`"completed"`,
		`null`,
		`true`,
		`-1`,
		``,
		"\xff\xfe{",
		`<html><body>502 Bad Gateway</body></html>`,
	} {
		f.Add([]byte(body))
	}

	f.Fuzz(checkDecodeTask)
}

// checkDecodeTask checks what DecodeTask promises about any body: it
// refuses one that is not a JSON object with ErrNotTask, and a task it
// returns keeps the body and is finished only when ready or final.
func checkDecodeTask(t *testing.T, body []byte) {
	task, err := DecodeTask(body)

	if !isJSONObject(body) {
		if err == nil {
			t.Fatalf("DecodeTask(%q) accepted a body that is not a JSON object: %+v", body, task)
		}
		if !errors.Is(err, ErrNotTask) {
			t.Fatalf("DecodeTask(%q) error %v does not wrap ErrNotTask", body, err)
		}
	}
	if err != nil {
		if task != nil {
			t.Errorf("DecodeTask(%q) returned a task with error %v", body, err)
		}
		return
	}

	if !bytes.Equal(task.Raw, body) {
		t.Errorf("DecodeTask(%q).Raw = %q, want the body itself", body, task.Raw)
	}
	if task.Finished() && !task.Ready {
		switch task.State() {
		case StateCompleted, StateFailed, StateTimedOut, StateCancelled:
		default:
			t.Errorf("DecodeTask(%q): Finished with ready false and non-final state %v (status %q)",
				body, task.State(), task.Status)
		}
	}
	if task.Data != nil && !json.Valid(task.Data) {
		t.Errorf("DecodeTask(%q).Data = %q, not valid JSON", body, task.Data)
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC).Unix()
	for _, seed := range []struct {
		value string
		n     int64
	}{
		{"7", 7},
		{"  120 ", 0},
		{"0", 0},
		{"-1", -1},
		{"+5", 9223372036},
		{"9223372037", 9223372037},
		{"99999999999999999999", math.MaxInt64},
		{"1.5", 1},
		{"", 0},
		{"soon", 0},
		{"Mon, 18 May 2026 09:01:30 GMT", 90},
		{"Mon May 18 09:02:00 2026", 120},
		{"Monday, 18-May-26 08:00:00 GMT", -3600},
		{"Fri, 31 Dec 9999 23:59:59 GMT", math.MinInt64},
		{"Mon, 01 Jan 0001 00:00:00 GMT", 1},
	} {
		f.Add(seed.value, now, seed.n)
	}

	f.Fuzz(func(t *testing.T, value string, nowUnix, n int64) {
		now := time.Unix(nowUnix, 0)
		d, ok := ParseRetryAfter(value, now)
		if ok && d < 0 {
			t.Fatalf("ParseRetryAfter(%q, %v) = %v, true; want no negative wait", value, now, d)
		}
		if !ok && d != 0 {
			t.Errorf("ParseRetryAfter(%q, %v) = %v, false; want 0 with false", value, now, d)
		}

		// A whole number of seconds reads back as that many seconds,
		// saturated at the largest time.Duration; a negative one is refused.
		d, ok = ParseRetryAfter(strconv.FormatInt(n, 10), now)
		switch {
		case n < 0:
			if ok {
				t.Errorf("ParseRetryAfter(%q) = %v, true; want false", strconv.FormatInt(n, 10), d)
			}
		case n > int64(math.MaxInt64/time.Second):
			if !ok || d != time.Duration(math.MaxInt64) {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want the largest duration, true",
					strconv.FormatInt(n, 10), d, ok)
			}
		default:
			if !ok || d != time.Duration(n)*time.Second {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, true",
					strconv.FormatInt(n, 10), d, ok, time.Duration(n)*time.Second)
			}
		}
	})
}

func FuzzCheckID(f *testing.F) {
	for _, id := range []string{
		"hub-0b7c5d2e-1111-2222-3333-444455556666",
		"ms-abc_DEF.123",
		"задача-ü-任务",
		"a:b@c+d=e,f;g~h!i$j&k'l(m)n*o",
		"...",
		".",
		"..",
		"",
		"a/b",
		"a?b",
		"a#b",
		"a%2Fb",
		"a b",
		"a\tb",
		"a\u00a0b",
		"a\u2028b",
		"a\x7fb",
		"a\u0085b",
		"\xff",
		strings.Repeat("a", MaxIDLength),
		strings.Repeat("a", MaxIDLength+1),
		strings.Repeat("ü", MaxIDLength/2),
	} {
		f.Add(id)
	}

	f.Fuzz(func(t *testing.T, id string) {
		if err := CheckID(id); err != nil {
			if !errors.Is(err, ErrInvalidID) {
				t.Fatalf("CheckID(%q) error %v does not wrap ErrInvalidID", id, err)
			}
			return
		}

		switch {
		case id == "" || id == "." || id == "..":
			t.Fatalf("CheckID accepted %q, which is not a name", id)
		case len(id) > MaxIDLength:
			t.Fatalf("CheckID accepted %d bytes, more than %d", len(id), MaxIDLength)
		case !utf8.ValidString(id):
			t.Fatalf("CheckID accepted %q, which is not UTF-8", id)
		case strings.ContainsAny(id, "/?#%"):
			t.Fatalf("CheckID accepted %q, which holds one of / ? # %%", id)
		case strings.IndexFunc(id, isSpaceOrControl) >= 0:
			t.Fatalf("CheckID accepted %q, which holds a space or control character", id)
		}

		escaped := url.PathEscape(id)
		if strings.Contains(escaped, "/") {
			t.Fatalf("url.PathEscape(%q) = %q holds a slash", id, escaped)
		}
		back, err := url.PathUnescape(escaped)
		if err != nil || back != id {
			t.Fatalf("url.PathUnescape(%q) = %q, %v; want %q", escaped, back, err, id)
		}

		// The task's URL must parse back to one path segment naming id,
		// with no query or fragment taken out of it.
		c, err := New(Options{BaseURL: "https://hub.example", Token: "t"})
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(c.TaskURL(id))
		if err != nil {
			t.Fatalf("TaskURL(%q) = %q does not parse: %v", id, c.TaskURL(id), err)
		}
		if u.Path != "/hub/v1/tasks/"+id || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("TaskURL(%q) = %q parses to path %q, query %q, fragment %q",
				id, c.TaskURL(id), u.Path, u.RawQuery, u.Fragment)
		}
	})
}

func isSpaceOrControl(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r)
}
