package main

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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
