package main

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

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

// warmVetCache runs bin's go vet driver (-driver=vet) as the tests run it most, on the shared copy of
// the fixture module (sharedApp) and on the examples, before any test does: those runs
// analyze the standard library for facts (net/http's 200 packages), which
// the tests' runs with the same flags then replay, whatever order they
// start in. It holds the tool's lock (testlock.Tool) meanwhile, so that
// another test process warming the same binary (a second go test of this
// package at once) replays this one's work rather than repeating it. The
// runs' results are for the tests to check: here only a failure to start
// matters.
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
	shared, err := copySharedOnce()
	if err != nil {
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
		{filepath.Join(shared, "app"), "./...", nil},                // as TestText and others run it (sharedApp)
		{root, "./examples/...", []string{"GOFLAGS=-mod=readonly"}}, // as README's quick start and TestStatic run it
	} {
		done := firstRun(vetRunKey(run.env, bin, []string{"-driver=vet", run.pattern}))
		cmd := exec.Command(bin, "-driver=vet", run.pattern)
		cmd.Dir, cmd.Env = run.dir, append(slices.Clone(env), run.env...)
		var exit *exec.ExitError
		err := cmd.Run()
		done()
		if err != nil && !errors.As(err, &exit) {
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

// sameDirRuns maps a directory and a run configuration (vetRunKey) to a
// mutex that its runs hold.
var sameDirRuns sync.Map

// oneAtATimeIn waits until no other run with key is running in dir, and
// returns the function to call when this run ends. Two go vet runs with
// the same flags in the same directory share the action IDs of its
// packages, and go vet's cache is not transactional across processes: it
// stores a package's facts before its output, and a run that finds the
// facts but not yet the output replays the package as if it had printed
// nothing. Such a run loses that package's findings (seen in CI: the
// -driver=vet leg of TestDriversAgree missing c/c.go's finding while
// another subtest ran the same go vet in the same module). Runs in other
// directories have other action IDs: only the standard library's are
// shared, and it prints nothing. An empty key never waits.
func oneAtATimeIn(dir, key string) (done func()) {
	if key == "" {
		return func() {}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	mu, _ := sameDirRuns.LoadOrStore(abs+"\x00"+key, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	return mu.(*sync.Mutex).Unlock
}

// vetRunKey returns what decides which of go vet's cached results a
// command run with env can share with another, as the go command keys
// them: the flags it hands the tool, in their order (go vet without -json
// runs the tool with -json appended; go fix with -fix appended), the
// tool's mode (-test=false, which the tool folds into its ID) and the
// settings that change how the standard library is compiled. The module
// is left out: the standard library's results, the bulk of the work, are
// shared by every module and by GOPATH mode. It returns "" for a command
// that runs no go vet.
func vetRunKey(env []string, name string, args []string) string {
	var flags []string
	mode := ""
	switch {
	case name == "go" && len(args) > 0 && (args[0] == "vet" || args[0] == "fix"):
		fix, json := args[0] == "fix", false
		mode = "go " + args[0] + "'s own tool"
		for _, arg := range args[1:] {
			switch {
			case !strings.HasPrefix(arg, "-"):
				// a pattern
			case strings.HasPrefix(arg, "-vettool=") || strings.HasPrefix(arg, "-fixtool="):
				mode = "" // this binary, whose ID is the same for every run
			case arg == "-fix":
				fix = true // not a tool flag: go vet -fix runs the tool with -fix
			default:
				json = json || arg == "-json"
				flags = append(flags, arg)
			}
		}
		switch {
		case fix && !json:
			flags = append(flags, "-fix")
		case !fix && !json:
			flags = append(flags, "-json")
		}
	case filepath.Base(name) == progName:
		if len(args) > 0 && (args[0] == "lsp" || args[0] == "help") {
			return "" // no go vet, or one per edit
		}
		if !slices.Contains(args, "-driver=vet") {
			return "" // a driver in process
		}
		// The go vet driver runs go vet -json with the pass flags in the
		// order of their names (flag.Visit).
		var passFlags []string
		for _, arg := range args {
			switch {
			case !strings.HasPrefix(arg, "-"):
				// a pattern
			case arg == "-driver=vet":
				// the driver
			case arg == "-whole-program" || strings.HasPrefix(arg, "-profile"):
				return "" // the in-process driver
			case arg == "-json" || arg == "-sarif" || arg == "-fix" || arg == "-diff":
				// output only
			case arg == "-test=false":
				mode = vetModeNoTests
			default:
				passFlags = append(passFlags, arg)
			}
		}
		slices.SortFunc(passFlags, func(a, b string) int {
			return strings.Compare(flagName(a), flagName(b))
		})
		flags = append([]string{"-json"}, passFlags...)
	default:
		return ""
	}
	var settings []string
	for _, kv := range env {
		switch k, v, _ := strings.Cut(kv, "="); {
		case k == "GOMAXPROCS" || k == envDebug || k == "GOPATH" || k == "GO111MODULE":
			// the standard library's results do not depend on them
		case k == "GOFLAGS" && (v == "" || strings.HasPrefix(v, "-mod=")):
			// nor on how the main module's requirements are checked
		default:
			settings = append(settings, kv)
		}
	}
	return strings.Join([]string{strings.Join(flags, " "), mode, strings.Join(settings, " ")}, "\x00")
}

// flagName returns the name of the flag in arg, "-name" or "-name=value".
func flagName(arg string) string {
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	return name
}

// TestVetRunKey checks that vetRunKey gives one key to runs whose results
// the go command shares and different keys to the others.
func TestVetRunKey(t *testing.T) {
	t.Parallel()
	bin := "/bin/" + progName
	key := func(env []string, name string, args ...string) string {
		if name == bin && (len(args) == 0 || args[0] != "lsp" && args[0] != "help") {
			args = append([]string{"-driver=vet"}, args...) // the standalone driver that runs go vet
		}
		return vetRunKey(env, name, args)
	}
	same := [][2]string{
		// go vet runs the tool with -json whether or not it prints JSON.
		{key(nil, "go", "vet", "-vettool="+bin, "./..."), key(nil, "go", "vet", "-vettool="+bin, "-json", "./...")},
		// The driver runs go vet -json, its pass flags sorted by name.
		{key(nil, bin, "-sarif", "./..."), key(nil, "go", "vet", "-vettool="+bin, "-json", "./...")},
		{key(nil, bin, "-unguardedsend=false", "-clienttimeout.default-client=false", "./..."),
			key(nil, "go", "vet", "-vettool="+bin, "-json", "-clienttimeout.default-client=false", "-unguardedsend=false", "./...")},
		// Output settings and the main module's do not matter.
		{key([]string{"GOMAXPROCS=1", "GOFLAGS=-mod=readonly"}, bin, "./examples/..."), key(nil, bin, "-fix", "./...")},
		{key([]string{"GOPATH=/src", "GO111MODULE=off", "GOFLAGS="}, bin, "noexit/basic"), key(nil, bin, "./...")},
	}
	for _, p := range same {
		if p[0] != p[1] {
			t.Errorf("keys %q and %q differ, want one", p[0], p[1])
		}
	}
	distinct := []string{
		key(nil, bin, "./..."),
		key(nil, bin, "-test=false", "./..."),
		key([]string{"CGO_ENABLED=0"}, bin, "./..."),
		key(nil, "go", "fix", "-fixtool="+bin, "./..."),
		key(nil, "go", "vet", "-vettool="+bin, "-unguardedsend=false", "./..."),
		key(nil, "go", "vet", "-vettool="+bin, "-json", "-unguardedsend=false", "./..."),
	}
	for i, a := range distinct {
		for _, b := range distinct[i+1:] {
			if a == b {
				t.Errorf("two runs share the key %q, want different keys", a)
			}
		}
	}
	for _, none := range [][]string{{"lsp"}, {"-whole-program", "./..."}, {"help"}} {
		if k := key(nil, bin, none...); k != "" {
			t.Errorf("%q: key %q, want none", none, k)
		}
	}
	if k := vetRunKey(nil, bin, []string{"./..."}); k != "" {
		t.Errorf("the package driver: key %q, want none", k)
	}
	if key(nil, "go", "vet", "./...") == key(nil, "go", "vet", "-vettool="+bin, "./...") {
		t.Error("go vet with its own tool and with this binary share a key")
	}
	if k := key(nil, "go", "build", "./..."); k != "" {
		t.Errorf("go build: key %q, want none", k)
	}
}
