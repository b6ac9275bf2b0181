package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// modulePath is the module path the copy of the test program gets; the
// binaries are built with -trimpath, so their stacks name files as
// modulePath/<file>.
const modulePath = "testgoroutineleakprofile"

// goEnv are the variables every go command of the benchmark runs with: the
// local toolchain and no workspace, so that the copy is a module of its own.
var goEnv = []string{"GOWORK=off", "GOTOOLCHAIN=local"}

// program is the copy of the runtime's test program and its two binaries.
type program struct {
	dir  string            // the module copy
	bins map[string]string // package ("." or "goker") -> binary
}

// prepare copies $GOROOT/src/runtime/testdata/testgoroutineleakprofile into
// cache/<go version>-<hash of the sources> as a module and builds its two
// programs with GOEXPERIMENT=goroutineleakprofile. Building that
// experiment's standard library takes minutes, so a copy whose binaries
// exist is reused: the key changes with the Go version and with the
// sources. The copy is built in a directory of its own and renamed into
// place, so that two benchmarks started together never see half a copy.
func prepare(cache, goroot, goVersion string) (*program, error) {
	src := filepath.Join(goroot, "src", "runtime", "testdata", programRoot)
	sum, err := hashTree(src)
	if err != nil {
		return nil, err
	}
	lang := langRE.FindStringSubmatch(goVersion)
	if lang == nil {
		return nil, fmt.Errorf("cannot read a language version in %q", goVersion)
	}
	key := unsafeRE.ReplaceAllString(goVersion, "_") + "-" + sum[:12]
	dir := filepath.Join(cache, key)
	p := layout(dir)
	if p.built() {
		return p, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(cache, key+".tmp")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // left behind only on failure or when another run won
	q := layout(tmp)
	if err := os.CopyFS(q.dir, os.DirFS(src)); err != nil {
		return nil, err
	}
	if err := makeWritable(q.dir); err != nil {
		return nil, err
	}
	gomod := fmt.Sprintf("module %s\n\ngo %s\n", modulePath, lang[1])
	if err := os.WriteFile(filepath.Join(q.dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return nil, err
	}
	for _, pkg := range []string{".", "goker"} {
		logf("building %s with GOEXPERIMENT=goroutineleakprofile (minutes the first time)", pkg)
		cmd := exec.Command("go", "build", "-trimpath", "-o", q.bins[pkg], "./"+pkg)
		cmd.Dir = q.dir
		cmd.Env = append(os.Environ(), append(goEnv, "GOEXPERIMENT=goroutineleakprofile", "GOFLAGS=")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build ./%s: %v\n%s", pkg, err, out)
		}
	}
	if !p.built() {
		os.RemoveAll(dir) // a copy without its binaries: an interrupted older layout
	}
	if err := os.Rename(tmp, dir); err != nil && !p.built() {
		return nil, err
	}
	return p, nil
}

// langRE finds the language version in a Go version ("go1.26.8",
// "devel go1.27-abcdef ...").
var langRE = regexp.MustCompile(`go(\d+\.\d+)`)

// unsafeRE matches what should not go into a directory name.
var unsafeRE = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// layout returns where the copy and binaries are under dir.
func layout(dir string) *program {
	return &program{
		dir: filepath.Join(dir, "src"),
		bins: map[string]string{
			".":     filepath.Join(dir, "bin", "root"),
			"goker": filepath.Join(dir, "bin", "goker"),
		},
	}
}

// built reports whether both binaries exist.
func (p *program) built() bool {
	for _, bin := range p.bins {
		if _, err := os.Stat(bin); err != nil {
			return false
		}
	}
	return true
}

// hashTree hashes the names and contents of the files under dir.
func hashTree(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// makeWritable undoes GOROOT's read-only modes in the copy.
func makeWritable(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(path, mode)
	})
}

// A goroutine is one leaked goroutine of a run's goroutineleak profile.
type goroutine struct {
	Reason  string // wait reason, without " (leaked)"
	Entry   string // the bottom frame's function, without "main.": what the regexps match
	Blocked string // file:line of the topmost frame in the program's sources
	Created string // file:line of the go statement
}

// leakString is the string the runtime test matches the listed regexps
// against: the entry frame as printed, then the wait reason.
func (g goroutine) leakString() string { return g.Entry + " [" + g.Reason + "]" }

// headerRE matches a goroutine's header line in a debug=2 profile.
var headerRE = regexp.MustCompile(`^goroutine \d+ \[(.*)\]:$`)

// parseProfile extracts the leaked goroutines from the debug=2 output of a
// run. Positions are relative to the module copy (the binaries are built
// with -trimpath); frames outside it (runtime, sync) are skipped when
// looking for the blocked frame.
func parseProfile(out string) []goroutine {
	var gs []goroutine
	for _, stack := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n\n") {
		lines := strings.Split(strings.Trim(stack, "\n"), "\n")
		m := headerRE.FindStringSubmatch(lines[0])
		if m == nil || !strings.HasSuffix(m[1], " (leaked)") {
			continue // not a leaked goroutine
		}
		g := goroutine{Reason: strings.TrimSuffix(m[1], " (leaked)")}
		// A frame is a function line, then "\tfile:line +0x.." (absent
		// for "...additional frames elided...").
		var prev string
		for i := 1; i < len(lines); i++ {
			fn := lines[i]
			if strings.HasPrefix(fn, "\t") {
				continue // a position line, read with its function
			}
			pos := ""
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") {
				pos = framePos(lines[i+1])
			}
			if strings.HasPrefix(fn, "created by ") {
				g.Created = pos
				g.Entry = strings.TrimPrefix(prev, "main.")
				break
			}
			if g.Blocked == "" && pos != "" {
				g.Blocked = pos
			}
			prev = fn
		}
		if g.Entry != "" {
			gs = append(gs, g)
		}
	}
	return gs
}

// framePos returns the file:line of a frame's position line when the file
// is in the program's module, relative to it.
func framePos(line string) string {
	line = strings.TrimSpace(line)
	if i := strings.LastIndex(line, " +0x"); i >= 0 {
		line = line[:i]
	}
	rel, ok := strings.CutPrefix(line, modulePath+"/")
	if !ok {
		return ""
	}
	return rel
}

// A caseRun is what the runs of one case showed.
type caseRun struct {
	Case       *testCase
	Goroutines []goroutine // distinct leaked goroutines over all runs
	Failures   []string    // runs that failed, timed out or printed nothing
}

// runCases runs every case reps times (0: as many times as the runtime
// test does), parallel runs at a time, each bounded by timeout.
func runCases(p *program, cases []*testCase, reps, parallel int, timeout time.Duration) []*caseRun {
	results := make([]*caseRun, len(cases))
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i, tc := range cases {
		results[i] = &caseRun{Case: tc}
		n := reps
		if n <= 0 {
			n = tc.Reps
		}
		wg.Go(func() {
			seen := map[goroutine]bool{}
			for range n {
				sem <- struct{}{}
				out, err := runOnce(p.bins[tc.Pkg], tc, timeout)
				<-sem
				if err != nil {
					results[i].Failures = append(results[i].Failures, err.Error())
				}
				for _, g := range parseProfile(out) {
					if !seen[g] {
						seen[g] = true
						results[i].Goroutines = append(results[i].Goroutines, g)
					}
				}
			}
		})
	}
	wg.Wait()
	return results
}

// runOnce runs one case as the runtime test does: asynchronous preemption
// off, and GOMAXPROCS=1 for the cases it calls simple.
func runOnce(bin string, tc *testCase, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, tc.Name)
	cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1", "GOEXPERIMENT=goroutineleakprofile")
	if tc.Simple {
		cmd.Env = append(cmd.Env, "GOMAXPROCS=1")
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return out.String(), fmt.Errorf("%s: timed out after %v", tc.Name, timeout)
	case err != nil:
		return out.String(), fmt.Errorf("%s: %v", tc.Name, err)
	case out.Len() == 0:
		return "", fmt.Errorf("%s: no output", tc.Name)
	}
	return out.String(), nil
}
