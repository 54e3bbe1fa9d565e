// Package history remembers how long finished tasks took, per model, so
// that a later wait can poll sparsely until a task is likely to finish and
// densely around that moment.
//
// The record is a small JSON file under $XDG_STATE_HOME/hubctl. It holds
// durations and model names only, never a token or a task's data. Writers
// merge their samples into the file under a lock and replace it with a
// rename, so concurrent runs neither corrupt it nor lose each other's
// samples.
package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hubctl/hubctl/internal/atomicfile"
)

// The bounds of the record.
const (
	// MaxSamples is how many durations are kept per model, the newest.
	MaxSamples = 32

	// MaxModels is how many models are kept, the most recently used.
	MaxModels = 64

	// MinSamples is how many durations a model needs before its history
	// shapes a schedule.
	MinSamples = 3

	// MaxModelName is the longest model name recorded, in bytes; real
	// names are short, and a server's nonsense must not bloat the record.
	MaxModelName = 128
)

// Durations is what the record knows of one model.
type Durations struct {
	Samples []int64   `json:"samples_ms"` // oldest first
	Updated time.Time `json:"updated"`
}

// file is the record's form on disk.
type file struct {
	Version int                   `json:"version"`
	Models  map[string]*Durations `json:"models"`
}

// History is a loaded record and the samples this run adds to it. Its
// methods are not safe for concurrent use.
type History struct {
	path   string
	models map[string]*Durations
	added  map[string][]int64
}

// DefaultDir returns $XDG_STATE_HOME/hubctl, or ~/.local/state/hubctl.
func DefaultDir(getenv func(string) string) string {
	if dir := getenv("XDG_STATE_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "hubctl")
	}
	home := getenv("HOME")
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "state", "hubctl")
}

// Load reads the record in dir. A missing or unreadable record gives an
// empty history: the record only ever improves a schedule, so its loss
// costs requests, not correctness.
func Load(dir string) *History {
	h := &History{models: map[string]*Durations{}, added: map[string][]int64{}}
	if dir == "" {
		return h
	}
	h.path = filepath.Join(dir, "durations.json")

	if f, err := read(h.path); err == nil {
		h.models = f.Models
	}
	return h
}

func read(path string) (*file, error) {
	b, err := atomicfile.ReadRegular(path, maxFileSize)
	if errors.Is(err, atomicfile.ErrIrregular) {
		return nil, errCorrupt
	}
	if err != nil {
		return nil, err
	}

	var f file
	if err := json.Unmarshal(b, &f); err != nil || f.Version != 1 || f.Models == nil {
		return nil, errCorrupt
	}
	return &f, nil
}

// maxFileSize bounds what is read as a record. Records of MaxModels models
// of MaxSamples samples each take a few tens of KiB.
const maxFileSize = 1 << 20

// errCorrupt is a record that is not one this package wrote; Save replaces
// it.
var errCorrupt = errors.New("not a duration record")

// Samples returns the known durations of a model, oldest first; "" stands
// for tasks whose model is not known.
func (h *History) Samples(model string) []time.Duration {
	d := h.models[model]
	if d == nil {
		return nil
	}

	out := make([]time.Duration, len(d.Samples))
	for i, ms := range d.Samples {
		out[i] = time.Duration(ms) * time.Millisecond
	}
	return out
}

// Add records that a task of model took d.
func (h *History) Add(model string, d time.Duration) {
	if d <= 0 || len(model) > MaxModelName {
		return
	}
	h.added[model] = append(h.added[model], d.Milliseconds())
}

// Save merges the samples added since Load into the record on disk, under
// a lock, and writes it with mode 0600 in a directory of mode 0700. It does
// nothing when nothing was added.
func (h *History) Save(now time.Time) error {
	if h.path == "" || len(h.added) == 0 {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return fmt.Errorf("saving history: %w", err)
	}

	unlock, err := atomicfile.Lock(h.path+".lock", atomicfile.LockWait)
	if err != nil {
		return fmt.Errorf("saving history: %w", err)
	}
	defer unlock()

	f, err := read(h.path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errCorrupt) {
			return fmt.Errorf("saving history: %w", err)
		}
		f = &file{Version: 1, Models: map[string]*Durations{}}
	}
	merge(f, h.added, now)

	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("saving history: %w", err)
	}
	if err := atomicfile.WritePrivate(h.path, b); err != nil {
		return fmt.Errorf("saving history: %w", err)
	}
	h.models, h.added = f.Models, map[string][]int64{}
	return nil
}

// merge adds samples to f and trims it to its bounds. Of the models, it
// keeps the most recently updated; among models updated by the same run it
// prefers those with more samples, then the first by name, so the result
// never depends on map order.
func merge(f *file, added map[string][]int64, now time.Time) {
	for model, samples := range added {
		d := f.Models[model]
		if d == nil {
			d = &Durations{}
			f.Models[model] = d
		}
		d.Samples = append(d.Samples, samples...)
		if n := len(d.Samples); n > MaxSamples {
			d.Samples = slices.Clone(d.Samples[n-MaxSamples:])
		}
		d.Updated = now.UTC()
	}

	if len(f.Models) <= MaxModels {
		return
	}
	names := slices.Collect(maps.Keys(f.Models))
	slices.SortFunc(names, func(a, b string) int {
		da, db := f.Models[a], f.Models[b]
		if c := db.Updated.Compare(da.Updated); c != 0 {
			return c
		}
		if c := len(db.Samples) - len(da.Samples); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for _, model := range names[MaxModels:] {
		delete(f.Models, model)
	}
}
