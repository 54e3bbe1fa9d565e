//go:build !linux

package cmd

// flushInput discards unread terminal input on Linux; elsewhere it does
// nothing, and the rest of a refused paste may reach the shell.
func flushInput(int) {}
