package state

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestRecentKeepsNewestFirstEachOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hubctl")
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	r.Add("hub-1", "hub-2", "not/an/id", "")
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}

	r, err = Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	r.Add("hub-3", "hub-1")
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}

	r, _ = Load(dir)
	if got, want := r.IDs(), []string{"hub-1", "hub-3", "hub-2"}; !slices.Equal(got, want) {
		t.Errorf("IDs() = %q, want %q", got, want)
	}
	if runtime.GOOS != "windows" {
		info, _ := os.Stat(filepath.Join(dir, recentFile))
		dirInfo, _ := os.Stat(dir)
		if info.Mode().Perm() != 0o600 || dirInfo.Mode().Perm() != 0o700 {
			t.Errorf("modes %v and %v, want 0600 and 0700", info.Mode().Perm(), dirInfo.Mode().Perm())
		}
	}
}

func TestRecentIsBounded(t *testing.T) {
	dir := t.TempDir()
	r, _ := Load(dir)
	for i := range MaxRecent + 50 {
		r.Add(fmt.Sprintf("hub-%04d", i))
	}
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}

	r, _ = Load(dir)
	ids := r.IDs()
	if len(ids) != MaxRecent {
		t.Fatalf("kept %d ids, want %d", len(ids), MaxRecent)
	}
	if ids[0] != fmt.Sprintf("hub-%04d", MaxRecent+49) || ids[MaxRecent-1] != "hub-0050" {
		t.Errorf("kept %s … %s, want the newest %d", ids[0], ids[MaxRecent-1], MaxRecent)
	}
}

func TestLoadSkipsDamagedLines(t *testing.T) {
	dir := t.TempDir()
	text := "hub-1\n\nhas space\n" + strings.Repeat("x", 5000) + "\nhub-2\n"
	if err := os.WriteFile(filepath.Join(dir, recentFile), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}

	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.IDs(); !slices.Equal(got, []string{"hub-1"}) {
		t.Errorf("IDs() = %q, want the valid ids before the damage", got)
	}
}

func TestNoDirectoryKeepsNothing(t *testing.T) {
	r, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	r.Add("hub-1")
	if err := r.Save(); err != nil {
		t.Errorf("Save() = %v, want nothing done", err)
	}
}

// TestSaveKeepsWhatAnotherProcessSaved plays two runs that load the file,
// then save one after the other: the second keeps the first one's ids.
func TestSaveKeepsWhatAnotherProcessSaved(t *testing.T) {
	dir := t.TempDir()
	first, _ := Load(dir)
	second, _ := Load(dir)

	first.Add("hub-a")
	second.Add("hub-b")
	if err := first.Save(); err != nil {
		t.Fatal(err)
	}
	if err := second.Save(); err != nil {
		t.Fatal(err)
	}

	r, _ := Load(dir)
	if got, want := r.IDs(), []string{"hub-b", "hub-a"}; !slices.Equal(got, want) {
		t.Errorf("IDs() = %q, want %q", got, want)
	}
}

// TestConcurrentSavesLoseNothing plays several hubctl runs that load, add
// and save the same file at once: the file always reads back whole, and
// holds every id, since they are fewer than the bound.
func TestConcurrentSavesLoseNothing(t *testing.T) {
	dir := t.TempDir()
	const writers, rounds = 6, 30 // 180 ids, under MaxRecent

	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				r, err := Load(dir)
				if err != nil {
					t.Error(err)
					return
				}
				r.Add(fmt.Sprintf("hub-w%d-%03d", w, i))
				if err := r.Save(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()

	b, err := os.ReadFile(filepath.Join(dir, recentFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	seen := map[string]bool{}
	for _, line := range lines {
		var w, i int
		if n, _ := fmt.Sscanf(line, "hub-w%d-%03d", &w, &i); n != 2 || seen[line] {
			t.Fatalf("damaged or repeated line %q in\n%s", line, b)
		}
		seen[line] = true
	}
	if len(seen) != writers*rounds {
		t.Errorf("file holds %d ids, want all %d", len(seen), writers*rounds)
	}
}
