// Package state keeps what hubctl remembers between runs, in the user's
// state directory: for now, the task ids it has recently seen, which shell
// completion offers.
//
// Nothing kept here is secret: it never holds a token. Files are still
// created with mode 0600 in a directory of mode 0700, since task ids say
// what a user has been doing.
package state

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hubctl/hubctl/internal/atomicfile"
	"github.com/hubctl/hubctl/internal/hub"
)

// MaxRecent is how many task ids a Recent keeps; older ones are dropped.
const MaxRecent = 200

// recentFile is the name of the file of recent task ids in the state
// directory: one id a line, the newest first.
const recentFile = "recent-ids"

// Recent is the list of task ids hubctl has recently seen, newest first.
// Its methods are not safe for concurrent use, but several processes may
// save the same file at once: saves take turns under a lock and merge with
// what the file holds, so none is lost but the oldest, and each replaces
// the file whole.
type Recent struct {
	path  string
	ids   []string // newest first, each once
	added []string // by Add since Load, newest first
}

// Load reads the recent task ids kept in dir, hubctl's state directory
// (see history.DefaultDir). A missing file, or a dir of "", gives an empty
// list; lines that are not valid task ids are skipped,
// so a damaged file costs completions, never a run.
func Load(dir string) (*Recent, error) {
	r := &Recent{}
	if dir == "" {
		return r, nil
	}

	r.path = filepath.Join(dir, recentFile)
	ids, err := readIDs(r.path)
	r.ids = ids
	return r, err
}

// IDs returns the ids, newest first. The caller must not change the slice.
func (r *Recent) IDs() []string {
	return r.ids
}

// Add records ids as just seen, the last one newest. Ids that are not
// valid task ids are ignored.
func (r *Recent) Add(ids ...string) {
	for _, id := range ids {
		if hub.CheckID(id) != nil {
			continue
		}
		r.added = merge([]string{id}, r.added)
	}
	r.ids = merge(r.added, r.ids)
}

// Save writes the list back, merged under a lock with what other
// processes saved since Load: the ids added here first, then those in the
// file. It creates the state directory with mode 0700 and writes the file
// with mode 0600, through a temporary file renamed into place. Save does
// nothing when nothing was added, or when the Recent was loaded without a
// directory.
func (r *Recent) Save() error {
	if r.path == "" || len(r.added) == 0 {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(r.path), 0o700); err != nil {
		return fmt.Errorf("saving recent task ids: %w", err)
	}

	unlock, err := atomicfile.Lock(r.path+".lock", atomicfile.LockWait)
	if err != nil {
		return fmt.Errorf("saving recent task ids: %w", err)
	}
	defer unlock()

	current, err := readIDs(r.path)
	if err != nil {
		return err
	}
	r.ids = merge(r.added, current)

	var buf bytes.Buffer
	for _, id := range r.ids {
		buf.WriteString(id)
		buf.WriteByte('\n')
	}
	if err := atomicfile.WritePrivate(r.path, buf.Bytes()); err != nil {
		return fmt.Errorf("saving recent task ids: %w", err)
	}
	r.added = nil
	return nil
}

// merge returns newer followed by the ids of older that are not in
// newer, each id once, at most MaxRecent of them.
func merge(newer, older []string) []string {
	out := make([]string, 0, min(len(newer)+len(older), MaxRecent))
	seen := make(map[string]bool, cap(out))
	for _, list := range [][]string{newer, older} {
		for _, id := range list {
			if len(out) == MaxRecent {
				return out
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// readIDs reads a file of ids, one a line. A missing file holds none. It
// reads no more than the largest file MaxRecent ids can make.
func readIDs(path string) ([]string, error) {
	// A FIFO or a device in its place would block or never end; like a
	// missing file, it holds no ids, and the next save replaces it.
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return nil, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading recent task ids: %w", err)
	}
	defer f.Close()

	var ids []string
	sc := bufio.NewScanner(io.LimitReader(f, MaxRecent*(hub.MaxIDLength+1)))
	sc.Buffer(make([]byte, 0, 4096), hub.MaxIDLength+1)
	for sc.Scan() && len(ids) < MaxRecent {
		if id := sc.Text(); hub.CheckID(id) == nil {
			ids = append(ids, id)
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, bufio.ErrTooLong) {
		return nil, fmt.Errorf("reading recent task ids: %w", err)
	}
	return merge(ids, nil), nil
}
