package atomicfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

func TestWritePrivateCreatesPrivateFileAndDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "file")
	if err := WritePrivate(path, []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	if err := WritePrivate(path, []byte("two\n")); err != nil {
		t.Fatal(err)
	}

	if b, err := os.ReadFile(path); err != nil || string(b) != "two\n" {
		t.Fatalf("file holds %q, %v; want the second write", b, err)
	}
	if runtime.GOOS != "windows" {
		info, _ := os.Stat(path)
		dir, _ := os.Stat(filepath.Dir(path))
		if info.Mode().Perm() != 0o600 || dir.Mode().Perm() != 0o700 {
			t.Errorf("modes %v and %v, want 0600 for the file and 0700 for its directory",
				info.Mode().Perm(), dir.Mode().Perm())
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the file", len(entries))
	}
}

func TestWritePrivateNeverTearsAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	const writers, rounds = 8, 50

	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := bytes.Repeat([]byte(fmt.Sprintf("writer %d\n", w)), 500)
			for range rounds {
				if err := WritePrivate(path, body); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for reading := true; reading; {
		select {
		case <-done:
			reading = false
		default:
		}
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := bytes.Cut(b, []byte("\n"))
		if want := bytes.Repeat(append(first, '\n'), 500); !bytes.Equal(b, want) {
			t.Fatalf("read a file mixing writers or cut short: %d bytes", len(b))
		}
	}
}
