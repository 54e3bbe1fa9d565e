// Package buildinfo tells which build of hubctl is running.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// These are set at link time by release builds, with
// -ldflags "-X github.com/hubctl/hubctl/internal/buildinfo.version=…"
// (see the Makefile and .goreleaser.yaml).
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
	Platform  string `json:"platform"` // GOOS/GOARCH
}

// Get returns the running build's information: the values set at link
// time, else those the Go toolchain recorded (a module version for
// `go install …@version`, VCS details for a build in a checkout), else
// "dev" and "unknown".
func Get() Info {
	linked := Info{Version: version, Commit: commit, Date: date}
	bi, _ := debug.ReadBuildInfo()
	return resolve(linked, bi)
}

// resolve fills what the linker left empty in linked from bi, which may
// be nil, then from the defaults.
func resolve(linked Info, bi *debug.BuildInfo) Info {
	info := linked
	info.GoVersion = runtime.Version()
	info.Platform = runtime.GOOS + "/" + runtime.GOARCH

	if bi != nil {
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
