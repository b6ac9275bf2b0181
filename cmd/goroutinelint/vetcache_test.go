package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/goroutinelint/goroutinelint/internal/testlock"
)

// The tests run go vet, directly or through the standalone driver, many
// times at once. go vet caches each package's result by the tool's ID, the
// vet flags and the package, so the standard-library dependencies of a
// fixture (about 190 packages for net/http) are analyzed for facts once
// per tool and flags, then replayed. Parallel runs do not share work in
// progress, though: right after the binary changes, every test that runs
// go vet with the same flags at the same time analyzes all of them again,
// for 10 to 20 seconds of CPU each. firstRun lets the first run of each
// configuration go alone, so that the others replay its results. It only
// orders the runs; every run still does and checks all it did before.

// warmVetCache runs bin as the tests run it most, on a copy of the
// fixture module and on the examples, before any test does: those runs
// analyze the standard library for facts (net/http's 200 packages), which
// the tests' runs with the same flags then replay, whatever order they
// start in. It holds the tool's lock (testlock.Tool) meanwhile, so that
// examples/server's TestStatic, which runs the same binary on the
// examples, does the work once with it. The runs' results are for the
// tests to check: here only a failure to start matters.
func warmVetCache(bin string) error {
	unlock, err := testlock.Tool(bin)
	if err != nil {
		return err
	}
	defer unlock()
	env, err := cleanEnvErr()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "goroutinelint-warm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := copyE2ETo(tmp); err != nil {
		return err
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return err
	}
	for _, run := range []struct {
		dir, pattern string
		env          []string
	}{
		{filepath.Join(tmp, "app"), "./...", nil},
		{root, "./examples/...", []string{"GOFLAGS=-mod=readonly"}}, // as README's quick start and TestStatic run it
	} {
		cmd := exec.Command(bin, run.pattern)
		cmd.Dir, cmd.Env = run.dir, append(slices.Clone(env), run.env...)
		var exit *exec.ExitError
		if err := cmd.Run(); err != nil && !errors.As(err, &exit) {
			return fmt.Errorf("warming go vet's cache: %v", err)
		}
	}
	return nil
}

// firstRuns maps a run configuration (vetRunKey) to a channel closed when
// the first run with it ends.
var firstRuns sync.Map

// firstRun waits, unless this is the first run with key, until the first
// one ends, and returns the function to call when this run ends. An empty
// key (a run that starts no go vet) never waits.
func firstRun(key string) (done func()) {
	if key == "" {
		return func() {}
	}
	ch := make(chan struct{})
	prev, loaded := firstRuns.LoadOrStore(key, ch)
	if !loaded {
		return func() { close(ch) }
	}
	<-prev.(chan struct{})
	return func() {}
}

// vetRunKey returns what decides which go vet results a command run in dir
// with env can share with another: go vet or go fix, the vet flags (for
// the standalone driver, -json, the pass flags and the -test mode, which
// it folds into the tool's ID), the fixture's module and the environment.
// It returns "" for a command that runs no go vet. Two keys that differ
// where the results would not only cost the sharing.
func vetRunKey(dir string, env []string, name string, args []string) string {
	var kind string
	var flags []string
	switch {
	case name == "go" && len(args) > 0 && (args[0] == "vet" || args[0] == "fix"):
		kind = args[0]
		for _, arg := range args[1:] {
			if strings.HasPrefix(arg, "-") && !strings.HasPrefix(arg, "-vettool=") && !strings.HasPrefix(arg, "-fixtool=") {
				flags = append(flags, arg)
			}
		}
	case filepath.Base(name) == progName:
		if len(args) > 0 && (args[0] == "lsp" || args[0] == "help") {
			return "" // no go vet, or one per edit
		}
		kind = "vet"
		flags = []string{"-json"} // the driver's go vet prints JSON whatever the output format
		for _, arg := range args {
			switch {
			case !strings.HasPrefix(arg, "-"):
				// a pattern
			case arg == "-whole-program" || strings.HasPrefix(arg, "-profile"):
				return "" // the in-process driver
			case arg == "-json" || arg == "-sarif" || arg == "-fix" || arg == "-diff":
				// output only
			default:
				flags = append(flags, arg)
			}
		}
	default:
		return ""
	}
	slices.Sort(flags)
	var settings []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "GOMAXPROCS=") && !strings.HasPrefix(kv, envDebug+"=") {
			settings = append(settings, kv)
		}
	}
	return strings.Join([]string{kind, modulePath(dir), strings.Join(flags, " "), strings.Join(settings, " ")}, "\x00")
}

// modulePath returns the path of the module whose go.mod is in dir, or dir.
func modulePath(dir string) string {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return dir
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if path, ok := strings.CutPrefix(sc.Text(), "module "); ok {
			return strings.TrimSpace(path)
		}
	}
	return dir
}
