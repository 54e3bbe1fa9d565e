// Command fakehub serves a fake Hub API on a loopback address, for demos.
//
// Usage:
//
//	fakehub [-scenario FILE] [-addr HOST:PORT] [-token TOKEN] [-url-file PATH] [-v]
//
// Without -scenario it serves fakehub.DemoScenario, whose token is
// "demo-token". On start it prints the base URL, and nothing else, as one
// line on stdout, and writes it to the -url-file if given. It serves until
// SIGINT or SIGTERM, then removes the URL file and exits 0. With -v it logs
// each request to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/hubctl/hubctl/internal/fakehub"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command's flag values.
type options struct {
	scenario string
	addr     string
	token    string
	urlFile  string
	verbose  bool
}

// run serves until ctx is done and returns the exit code: 0 on a clean
// shutdown, 1 on failure, 2 on a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var opts options
	fs := flag.NewFlagSet("fakehub", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.scenario, "scenario", "", "serve the JSON scenario `file` instead of the built-in demo")
	fs.StringVar(&opts.addr, "addr", "127.0.0.1:0", "loopback `address` to listen on")
	fs.StringVar(&opts.token, "token", "", "bearer `token` to require, overriding the scenario's")
	fs.StringVar(&opts.urlFile, "url-file", "", "also write the base URL to `path`, atomically")
	fs.BoolVar(&opts.verbose, "v", false, "log each request to stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fakehub: unexpected argument %q\n", fs.Arg(0))
		return 2
	}

	if err := serve(ctx, opts, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "fakehub: %v\n", err)
		return 1
	}
	return 0
}

// serve runs the server described by opts until ctx is done.
func serve(ctx context.Context, opts options, stdout, stderr io.Writer) error {
	s := fakehub.DemoScenario()
	if opts.scenario != "" {
		var err error
		s, err = fakehub.LoadScenario(opts.scenario)
		if err != nil {
			return err
		}
	}
	if opts.token != "" {
		s.Token = opts.token
	}

	hubOpts := fakehub.Options{Addr: opts.addr}
	if opts.verbose {
		hubOpts.Logf = log.New(stderr, "", log.LstdFlags|log.Lmicroseconds).Printf
	}
	srv, err := fakehub.New(s, hubOpts)
	if err != nil {
		return err
	}

	if err := srv.Start(); err != nil {
		return err
	}
	defer srv.Close()

	// Write the URL file first, so that whoever reads the URL on stdout can
	// count on the file as well.
	url := srv.URL()
	if opts.urlFile != "" {
		if err := writeAtomic(opts.urlFile, url+"\n"); err != nil {
			return err
		}
		defer os.Remove(opts.urlFile)
	}

	if _, err := fmt.Fprintln(stdout, url); err != nil {
		return fmt.Errorf("failed to print URL: %w", err)
	}

	<-ctx.Done()
	return srv.Close()
}

// writeAtomic writes data to a temporary file next to path and renames it
// into place, so a reader polling for path never sees it half written.
func writeAtomic(path, data string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".fakehub-url-*")
	if err != nil {
		return fmt.Errorf("failed to write URL file: %w", err)
	}

	_, err = f.WriteString(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("failed to write URL file: %w", err)
	}
	return nil
}
