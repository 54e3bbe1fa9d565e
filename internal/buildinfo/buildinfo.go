// Package buildinfo tells which build of hubctl is running.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// These are set at link time by release builds, with
// -ldflags "-X github.com/hubctl/hubctl/internal/buildinfo.version=…".
var (
	version = ""
	commit  = ""
	date    = ""
)

// Info describes a build.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"go_version"`
}

// Get returns the running build's information: the values set at link
// time, else those the Go toolchain recorded (a module version for
// `go install …@version`, VCS details for a build in a checkout), else
// "dev" and "unknown".
func Get() Info {
	info := Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && info.Commit == "":
				info.Commit = s.Value
			case s.Key == "vcs.time" && info.Date == "":
				info.Date = s.Value
			}
		}
	}

	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	if info.Date == "" {
		info.Date = "unknown"
	}
	return info
}
