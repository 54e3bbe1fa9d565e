package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubctl/hubctl/cmd"
	"github.com/hubctl/hubctl/internal/fakehub"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets test scripts run the real hubctl: the test binary doubles
// as hubctl when a script calls it.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"hubctl": func() { os.Exit(cmd.Main()) },
	})
}

// TestScripts runs every script in testdata/script against the fake hub.
func TestScripts(t *testing.T) {
	hubs := &scriptHubs{servers: map[*testscript.TestScript]map[string]*fakehub.Server{}}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", filepath.Join(env.WorkDir, "home"))
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, "home", ".config"))
			env.Setenv("XDG_STATE_HOME", filepath.Join(env.WorkDir, "home", ".local", "state"))
			// A script that starts no fake hub must not reach the real
			// one: port 9 on loopback refuses at once.
			env.Setenv("HUBCTL_BASE_URL", "http://127.0.0.1:9")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fakehub":   hubs.command,
			"stopwatch": stopwatch,
		},
	})
}

// scriptHubs keeps the fake hubs each script started.
type scriptHubs struct {
	mu      sync.Mutex
	servers map[*testscript.TestScript]map[string]*fakehub.Server
}

// command implements the script command fakehub:
//
//	fakehub start SCENARIO.json [NAME]  start a hub; sets HUB_URL (or NAME_URL)
//	                                    and HUBCTL_BASE_URL for the first one
//	fakehub requests [NAME:]ID N        assert the hub answered N polls of ID
//	fakehub total [NAME] N              assert the hub answered N requests in all
//	fakehub log [NAME]                  print the hub's request log to stdout
func (h *scriptHubs) command(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("fakehub does not support !")
	}
	if len(args) == 0 {
		ts.Fatalf("usage: fakehub start|requests|total|log ...")
	}

	switch args[0] {
	case "start":
		if len(args) < 2 || len(args) > 3 {
			ts.Fatalf("usage: fakehub start SCENARIO.json [NAME]")
		}
		name := "HUB"
		if len(args) == 3 {
			name = args[2]
		}
		h.start(ts, ts.MkAbs(args[1]), name)
	case "requests":
		if len(args) != 3 {
			ts.Fatalf("usage: fakehub requests [NAME:]ID N")
		}
		name, id := "HUB", args[1]
		if n, rest, ok := strings.Cut(id, ":"); ok && h.get(ts, n) != nil {
			name, id = n, rest
		}
		want, err := strconv.Atoi(args[2])
		ts.Check(err)
		if got := h.get(ts, name).Requests(id); got != want {
			ts.Fatalf("fake hub %s answered %d polls of %s, want %d", name, got, id, want)
		}
	case "total":
		name, n := "HUB", args[len(args)-1]
		if len(args) == 3 {
			name = args[1]
		}
		want, err := strconv.Atoi(n)
		ts.Check(err)
		if got := h.get(ts, name).TotalRequests(); got != want {
			ts.Fatalf("fake hub %s answered %d requests, want %d", name, got, want)
		}
	case "log":
		name := "HUB"
		if len(args) == 2 {
			name = args[1]
		}
		for _, r := range h.get(ts, name).Log() {
			fmt.Fprintf(ts.Stdout(), "%s %s %d auth=%v\n", r.Method, r.Path, r.Status, r.AuthHeaderPresent)
		}
	default:
		ts.Fatalf("unknown fakehub command %q", args[0])
	}
}

func (h *scriptHubs) start(ts *testscript.TestScript, path, name string) {
	scenario, err := fakehub.LoadScenario(path)
	ts.Check(err)

	addr := "127.0.0.1:0"
	if v := ts.Getenv(name + "_ADDR"); v != "" {
		addr = v
	}
	srv, err := fakehub.New(scenario, fakehub.Options{Addr: addr})
	ts.Check(err)
	ts.Check(srv.Start())
	ts.Defer(func() { srv.Close() })

	h.mu.Lock()
	if h.servers[ts] == nil {
		h.servers[ts] = map[string]*fakehub.Server{}
		ts.Setenv("HUBCTL_BASE_URL", srv.URL())
	}
	h.servers[ts][name] = srv
	h.mu.Unlock()
	ts.Setenv(name+"_URL", srv.URL())
}

func (h *scriptHubs) get(ts *testscript.TestScript, name string) *fakehub.Server {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.servers[ts][name]
}

// stopwatch implements the script command stopwatch:
//
//	stopwatch start     note the time
//	stopwatch under D   assert less than duration D passed since start
//
// It bounds how long a command took; it never waits.
func stopwatch(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 1 && args[0] == "start" {
		ts.Setenv("STOPWATCH_START", strconv.FormatInt(time.Now().UnixNano(), 10))
		return
	}
	if len(args) != 2 || args[0] != "under" {
		ts.Fatalf("usage: stopwatch start | stopwatch under DURATION")
	}

	limit, err := time.ParseDuration(args[1])
	ts.Check(err)
	start, err := strconv.ParseInt(ts.Getenv("STOPWATCH_START"), 10, 64)
	ts.Check(err)
	took := time.Since(time.Unix(0, start))
	if (took < limit) == neg {
		ts.Fatalf("took %v; limit %v", took.Round(time.Millisecond), limit)
	}
}
