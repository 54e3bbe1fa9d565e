package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServesDemoUntilCanceled(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "hub.url")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	outR, outW := io.Pipe()
	var stderr bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"-url-file", urlFile}, outW, &stderr)
		outW.Close()
	}()

	out := bufio.NewReader(outR)
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("read URL line: %v", err)
	}
	url := strings.TrimSuffix(line, "\n")
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line = %q, want http://127.0.0.1:PORT", line)
	}
	if b, err := os.ReadFile(urlFile); err != nil || string(b) != line {
		t.Errorf("URL file = %q, %v; want %q", b, err, line)
	}

	req, _ := http.NewRequest("GET", url+"/hub/v1/tasks/hub-demo-image-0001", nil)
	req.Header.Set("Authorization", "Bearer demo-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		TaskID string `json:"task_id"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 200 || err != nil || body.TaskID != "hub-demo-image-0001" {
		t.Errorf("demo task = %d %+v %v", resp.StatusCode, body, err)
	}
	http.DefaultClient.CloseIdleConnections()

	cancel()
	if c := <-code; c != 0 {
		t.Errorf("exit code = %d, want 0; stderr %q", c, stderr.String())
	}
	if rest, _ := io.ReadAll(out); len(rest) != 0 {
		t.Errorf("stdout after the URL = %q, want nothing", rest)
	}
	if _, err := os.Stat(urlFile); !os.IsNotExist(err) {
		t.Errorf("URL file still exists after shutdown: %v", err)
	}
}

func TestFailures(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"tasks":[{"id":"t","steps":[]}]}`), 0o600)

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown flag", []string{"-nope"}, 2, "flag provided but not defined"},
		{"stray argument", []string{"extra"}, 2, "unexpected argument"},
		{"invalid scenario", []string{"-scenario", bad}, 1, "no steps"},
		{"missing scenario", []string{"-scenario", filepath.Join(dir, "none.json")}, 1, "failed to read scenario"},
		{"public address", []string{"-addr", "0.0.0.0:0"}, 1, "not a loopback address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if c := run(context.Background(), tt.args, &stdout, &stderr); c != tt.code {
				t.Errorf("exit code = %d, want %d", c, tt.code)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.stderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}
