package cmd

import (
	"fmt"
	"os"
)

// eventsFile appends JSON lines to a file, one write per line, so that a
// reader following the file never sees half a line. Its zero value, for no
// file, accepts and drops every line.
type eventsFile struct {
	f *os.File
}

// openEvents opens path for appending, creating it with mode 0644; "" gives
// an eventsFile that writes nowhere.
func openEvents(path string) (*eventsFile, error) {
	if path == "" {
		return &eventsFile{}, nil
	}

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening events file: %w", err)
	}
	return &eventsFile{f: f}, nil
}

// Write appends line and a newline.
func (e *eventsFile) Write(line []byte) error {
	if e.f == nil {
		return nil
	}

	buf := make([]byte, 0, len(line)+1)
	buf = append(append(buf, line...), '\n')
	if _, err := e.f.Write(buf); err != nil {
		return fmt.Errorf("writing events file: %w", err)
	}
	return nil
}

// Close closes the file.
func (e *eventsFile) Close() error {
	if e.f == nil {
		return nil
	}
	return e.f.Close()
}
