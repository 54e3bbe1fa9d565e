package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef"},
		{Key: "vcs.time", Value: "2026-05-18T09:00:00Z"},
	}
	tests := []struct {
		name   string
		linked Info
		bi     *debug.BuildInfo
		want   Info
	}{
		{
			name:   "release build: the linker's values win",
			linked: Info{Version: "v1.4.0", Commit: "abc1234", Date: "2026-06-01T10:00:00Z"},
			bi:     &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-x"}, Settings: vcs},
			want:   Info{Version: "v1.4.0", Commit: "abc1234", Date: "2026-06-01T10:00:00Z"},
		},
		{
			name: "go install …@v1.4.0: the module's version",
			bi:   &debug.BuildInfo{Main: debug.Module{Path: "github.com/hubctl/hubctl", Version: "v1.4.0"}},
			want: Info{Version: "v1.4.0", Commit: "unknown", Date: "unknown"},
		},
		{
			name: "go build in a checkout: dev, with the commit",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			want: Info{Version: "dev", Commit: "0123456789abcdef", Date: "2026-05-18T09:00:00Z"},
		},
		{
			name: "no build information at all",
			want: Info{Version: "dev", Commit: "unknown", Date: "unknown"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.GoVersion = runtime.Version()
			tt.want.Platform = runtime.GOOS + "/" + runtime.GOARCH
			if got := resolve(tt.linked, tt.bi); got != tt.want {
				t.Errorf("resolve() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
