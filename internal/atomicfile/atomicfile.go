// Package atomicfile replaces files whole, so that a reader, or another
// process writing the same file, never sees a part of one.
package atomicfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
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

// ErrIrregular is the error of ReadRegular for a path that is not a regular
// file, or one longer than asked.
var ErrIrregular = errors.New("not a regular file of the expected size")

// ReadRegular reads the regular file at path. It refuses, with an error
// wrapping ErrIrregular, any other kind of file (reading a FIFO could block
// for ever, and a device never end) and a file longer than limit bytes.
func ReadRegular(path string, limit int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", path, ErrIrregular)
	}

	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("%s: larger than %d bytes: %w", path, limit, ErrIrregular)
	}
	return b, err
}

// LockWait is how long a run waits for another to release a lock before it
// does without what the lock guards. A run saves two state files at its
// end, so it waits 2 seconds at most in all.
const LockWait = time.Second

// Lock takes the advisory lock of the file at path, a file of mode 0600 it
// creates if need be, waiting at most wait for another process to let it
// go, and returns the function that releases it. Files worth a lock here
// are conveniences that a run can do without, so it never waits longer,
// and a path that is not a regular file, where opening could block, is
// refused with an error wrapping ErrIrregular.
func Lock(path string, wait time.Duration) (unlock func(), err error) {
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", path, ErrIrregular)
	}

	lock := flock.New(path, flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	ok, err := lock.TryLockContext(ctx, 20*time.Millisecond)
	switch {
	case ok:
		return func() { lock.Unlock() }, nil
	case err != nil && ctx.Err() == nil:
		return nil, err
	}
	return nil, fmt.Errorf("%s: held by another process for over %v", path, wait)
}
