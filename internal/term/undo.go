package term

import "sync"

// Undo holds what must be put back on the terminal when the process exits
// without unwinding, as it does on a second signal. The zero value is ready
// to use, and a nil *Undo ignores everything.
type Undo struct {
	mu    sync.Mutex
	next  int
	funcs map[int]func()
}

// Add registers f and returns a function that unregisters it, for when
// the caller has put the terminal back itself.
func (u *Undo) Add(f func()) (remove func()) {
	if u == nil {
		return func() {}
	}

	u.mu.Lock()
	defer u.mu.Unlock()
	if u.funcs == nil {
		u.funcs = map[int]func(){}
	}
	id := u.next
	u.next++
	u.funcs[id] = f
	return func() {
		u.mu.Lock()
		defer u.mu.Unlock()
		delete(u.funcs, id)
	}
}

// Run calls every function still registered, newest first.
func (u *Undo) Run() {
	if u == nil {
		return
	}

	u.mu.Lock()
	defer u.mu.Unlock()
	for id := u.next - 1; id >= 0; id-- {
		if f, ok := u.funcs[id]; ok {
			f()
			delete(u.funcs, id)
		}
	}
}
