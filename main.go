// Command hubctl waits for tasks of Mountsea's Hub and fetches their results.
package main

import (
	"os"

	"github.com/hubctl/hubctl/cmd"
)

func main() { os.Exit(cmd.Main()) }
