package cmd

import "golang.org/x/sys/unix"

// flushInput discards what was typed on the terminal fd and not yet read,
// such as the rest of a paste the token prompt refused, so that it does not
// reach the shell as a command line.
func flushInput(fd int) {
	_ = unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIFLUSH)
}
