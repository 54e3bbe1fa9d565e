package term

import (
	"slices"
	"testing"
)

func TestUndo(t *testing.T) {
	var u Undo
	var ran []string
	u.Add(func() { ran = append(ran, "first") })
	forget := u.Add(func() { ran = append(ran, "forgotten") })
	u.Add(func() { ran = append(ran, "last") })
	forget()

	u.Run()
	u.Run()
	if want := []string{"last", "first"}; !slices.Equal(ran, want) {
		t.Errorf("ran %v, want %v: newest first, each once, none forgotten", ran, want)
	}

	var none *Undo
	none.Add(func() { t.Error("a nil Undo ran a function") })()
	none.Run()
}
