// Package atomicfile replaces files whole, so that a reader, or another
// process writing the same file, never sees a part of one.
package atomicfile

import (
	"os"
	"path/filepath"
)

// WritePrivate replaces the file at path with data. It writes a temporary
// file of mode 0600 in the same directory, flushes it to disk and renames
// it over path, which is atomic on every system Go supports. Missing
// directories are created with mode 0700. When two processes write the
// same path at once, the last rename wins and the file is whole.
func WritePrivate(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}

	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a successful rename, there is nothing left to remove

	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
