package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// OutputURLs returns the output locations in a task's data, in document
// order: every string value (not object key) that starts with http://,
// https:// or data:, wherever it stands. Duplicates are kept once.
func OutputURLs(data json.RawMessage) []string {
	if len(data) == 0 {
		return nil
	}

	dec := json.NewDecoder(bytes.NewReader(data))
	var urls []string
	seen := map[string]bool{}
	// inObject records, per open container, whether it is an object; in
	// an object, every other token is a key.
	var inObject []bool
	var keyNext []bool
	for {
		tok, err := dec.Token()
		if err != nil {
			return urls // io.EOF at the end; a syntax error keeps what came before
		}

		isKey := false
		if n := len(inObject); n > 0 && inObject[n-1] {
			if _, isDelim := tok.(json.Delim); !isDelim || tok == json.Delim('{') || tok == json.Delim('[') {
				isKey = keyNext[n-1]
				keyNext[n-1] = !keyNext[n-1]
			}
		}

		switch tok {
		case json.Delim('{'):
			inObject, keyNext = append(inObject, true), append(keyNext, true)
			continue
		case json.Delim('['):
			inObject, keyNext = append(inObject, false), append(keyNext, false)
			continue
		case json.Delim('}'), json.Delim(']'):
			inObject, keyNext = inObject[:len(inObject)-1], keyNext[:len(keyNext)-1]
			continue
		}

		s, ok := tok.(string)
		if !ok || isKey || seen[s] || !isURL(s) {
			continue
		}
		seen[s] = true
		urls = append(urls, s)
	}
}

func isURL(s string) bool {
	lower := strings.ToLower(s[:min(len(s), 8)])
	return strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") ||
		strings.HasPrefix(lower, "data:")
}

// Transcript returns data.text when data is an object holding a string
// there, as transcription models answer.
func Transcript(data json.RawMessage) (string, bool) {
	if len(data) == 0 || data[0] != '{' {
		return "", false
	}

	var v struct {
		Text *string `json:"text"`
	}
	if json.Unmarshal(data, &v) != nil || v.Text == nil {
		return "", false
	}
	return *v.Text, true
}

// ShortURL returns u for printing: a data: URI is cut to its media type
// and encoding, followed by its full length; other URLs are returned
// whole, since a cut URL is useless.
func ShortURL(u string) string {
	if !strings.HasPrefix(strings.ToLower(u), "data:") || len(u) <= 64 {
		return u
	}

	head, _, _ := strings.Cut(u, ",")
	if len(head) > 48 {
		head = head[:48]
	}
	return fmt.Sprintf("%s,… (%d bytes)", head, len(u))
}
