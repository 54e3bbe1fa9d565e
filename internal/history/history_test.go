package history

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var now = time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC)

func TestSaveAndLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "hubctl")
	h := Load(dir)
	if got := h.Samples("veo-3.1"); got != nil {
		t.Fatalf("new history has samples %v", got)
	}

	h.Add("veo-3.1", 41*time.Second)
	h.Add("veo-3.1", 43*time.Second)
	h.Add("", 5*time.Second)
	h.Add("veo-3.1", 0) // not a duration
	if err := h.Save(now); err != nil {
		t.Fatal(err)
	}

	again := Load(dir)
	if got := fmt.Sprint(again.Samples("veo-3.1")); got != "[41s 43s]" {
		t.Errorf("veo-3.1 samples = %s, want [41s 43s]", got)
	}
	if got := fmt.Sprint(again.Samples("")); got != "[5s]" {
		t.Errorf("samples without a model = %s, want [5s]", got)
	}

	info, err := os.Stat(filepath.Join(dir, "durations.json"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("record mode = %v (%v), want 0600", info.Mode().Perm(), err)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("directory mode = %v (%v), want 0700", info.Mode().Perm(), err)
	}
}

func TestSaveWithNothingAddedWritesNothing(t *testing.T) {
	dir := t.TempDir()
	if err := Load(dir).Save(now); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "durations.json")); !os.IsNotExist(err) {
		t.Errorf("a run that learned nothing wrote a record (%v)", err)
	}
}

func TestBounds(t *testing.T) {
	dir := t.TempDir()
	h := Load(dir)
	for i := range MaxSamples + 10 {
		h.Add("m", time.Duration(i+1)*time.Second)
	}
	for i := range MaxModels + 5 {
		h.Add(fmt.Sprintf("model-%d", i), time.Second)
	}
	if err := h.Save(now); err != nil {
		t.Fatal(err)
	}

	again := Load(dir)
	got := again.Samples("m")
	if len(got) != MaxSamples {
		t.Fatalf("kept %d samples of m, want the newest %d: %v", len(got), MaxSamples, got)
	}
	if got[0] != 11*time.Second || got[len(got)-1] != 42*time.Second {
		t.Errorf("kept samples from %v to %v, want the newest: 11s to 42s",
			got[0], got[len(got)-1])
	}
	if n := len(again.models); n != MaxModels {
		t.Errorf("kept %d models, want %d", n, MaxModels)
	}
}

func TestConcurrentSavesKeepEverySample(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := Load(dir)
			h.Add("m", time.Duration(i+1)*time.Second)
			if err := h.Save(now); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()

	if got := Load(dir).Samples("m"); len(got) != 8 {
		t.Errorf("%d samples after 8 concurrent saves, want 8: %v", len(got), got)
	}
}

func TestCorruptRecordIsReplaced(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "durations.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}

	h := Load(dir)
	if got := h.Samples("m"); got != nil {
		t.Errorf("corrupt record gave samples %v", got)
	}
	h.Add("m", time.Second)
	if err := h.Save(now); err != nil {
		t.Fatalf("Save over a corrupt record: %v", err)
	}
	if got := Load(dir).Samples("m"); len(got) != 1 {
		t.Errorf("samples after replacing a corrupt record = %v, want one", got)
	}
}

func TestDefaultDir(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	tests := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/u"}, "/x/state/hubctl"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/u"}, "/home/u/.local/state/hubctl"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.local/state/hubctl"},
		{map[string]string{}, ""},
	}
	for _, tt := range tests {
		if got := DefaultDir(env(tt.vars)); got != tt.want {
			t.Errorf("DefaultDir(%v) = %q, want %q", tt.vars, got, tt.want)
		}
	}
}

func TestEvictionOrder(t *testing.T) {
	dir := t.TempDir()
	old := Load(dir)
	old.Add("old", time.Second)
	old.Add("old", time.Second)
	if err := old.Save(now); err != nil {
		t.Fatal(err)
	}

	h := Load(dir)
	for i := range MaxModels {
		h.Add(fmt.Sprintf("model-%02d", i), time.Second)
	}
	h.Add("model-00", time.Second)
	if err := h.Save(now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := Load(dir).Samples("old"); len(got) != 0 {
		t.Errorf("the least recently updated model kept %v, want it evicted", got)
	}

	h = Load(dir)
	h.Add("a-new", time.Second)
	if err := h.Save(now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	again := Load(dir)
	for name, want := range map[string]int{"a-new": 1, "model-00": 2, "model-01": 1, "model-62": 1, "model-63": 0} {
		if got := len(again.Samples(name)); got != want {
			t.Errorf("%s has %d samples after a tie, want %d", name, got, want)
		}
	}
}

func TestLoadIgnoresWhatIsNotARecordFile(t *testing.T) {
	for name, create := range map[string]func(path string) error{
		"a device that never ends": func(path string) error { return os.Symlink("/dev/zero", path) },
		"a file too large to be a record": func(path string) error {
			return os.WriteFile(path, make([]byte, maxFileSize+1), 0o600)
		},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "durations.json")
		if err := create(path); err != nil {
			t.Fatal(err)
		}

		h := Load(dir)
		if got := h.Samples("m"); len(got) != 0 {
			t.Errorf("%s: samples %v, want none", name, got)
		}
		h.Add("m", 3*time.Second)
		if err := h.Save(now); err != nil {
			t.Fatalf("%s: Save: %v", name, err)
		}
		if got := fmt.Sprint(Load(dir).Samples("m")); got != "[3s]" {
			t.Errorf("%s: after a save, samples %s, want [3s] in a record of its own", name, got)
		}
	}
}
