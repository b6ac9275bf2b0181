package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The end-to-end tests build the binary once and run it, standalone and
// through go vet and go fix, on a copy of testdata/e2e: module
// example.com/app, whose package server calls upstreamlib.NewClient from
// the module example.com/upstreamlib (a directory replacement, so no
// network is needed). That finding needs a fact to cross packages and
// modules: in go vet's case across processes.

// Messages the fixture produces.
const (
	msgHelper  = "upstreamlib.NewClient returns an http.Client with no Timeout: a request to an unresponsive server blocks forever"
	msgLiteral = "http.Client has no Timeout: a request to an unresponsive server blocks forever"
	msgDefault = "http.Get uses http.DefaultClient, which has no Timeout: a request to an unresponsive server blocks forever"
	msgWorker  = "send on résultat may block forever: the receiver returns on ctx.Done without receiving"
)

// Findings in the fixture, in the order a standalone run prints them. The
// worker's finding has two related locations, printed after it.
var (
	lineHelper    = "server/server.go:21:13: " + msgHelper
	lineLiteral   = "util/util.go:10:10: " + msgLiteral
	lineDefault   = "util/util.go:15:9: " + msgDefault
	lineWorker    = "worker/worker.go:15:24: " + msgWorker
	workerRelated = []string{"\tworker/worker.go:15:2: goroutine started here", "\tworker/worker.go:20:3: returns here without receiving"}
	allFindings   = slices.Concat([]string{lineHelper, lineLiteral, lineDefault, lineWorker}, workerRelated)
)

// flagsShared is the one set of non-default pass flags the end-to-end
// tests run the fixture with: a pass's own flag and a pass turned off.
// go vet caches each package's result by the vet flags, so every set of
// flags costs a vet run of each of net/http's 190 standard-library
// dependencies (about 14 s of CPU) on the first run after the binary
// changes; the tests that need some non-default flags share this set.
// The order is the standalone driver's (flag names sorted), so that its go
// vet and the tests' own go vet -json have one cache key.
var flagsShared = []string{"-clienttimeout.default-client=false", "-unguardedsend=false"}

// findingsShared are the findings of a run with flagsShared: no
// http.DefaultClient finding and no unguardedsend finding.
var findingsShared = []string{lineHelper, lineLiteral}

// vetFindings are the lines go vet prints for the fixture, sorted: vet
// writes a related location as "file:line:col: \tmessage".
var vetFindings = []string{
	lineHelper, lineLiteral, lineDefault,
	"worker/worker.go:15:24: " + msgWorker,
	"worker/worker.go:15:2: \tgoroutine started here",
	"worker/worker.go:20:3: \treturns here without receiving",
}

// buildDir holds the binary built by buildOnce, and sharedDir the copy of
// testdata/e2e that sharedE2E made; TestMain removes them.
var buildDir, sharedDir string

// testCacheDir is the package driver's cache that testCacheOnce made.
var testCacheDir string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range []string{buildDir, sharedDir, testCacheDir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

// buildOnce builds the binary for all tests of this test binary.
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "goroutinelint-e2e-")
	if err != nil {
		return "", err
	}
	buildDir = dir
	bin := filepath.Join(dir, "goroutinelint")
	// Built with the flags go test builds with (no -trimpath), so the build
	// reuses the packages compiled for the test binaries: on an empty build
	// cache, a -trimpath build compiled the standard library and x/tools a
	// second time (two minutes of CPU on two cores). -buildvcs=false keeps
	// the checkout's state out of the binary, and so out of the tool ID go
	// vet keys its cache on: examples/server's TestStatic builds the same
	// tool and finds its results cached.
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New("go build: " + err.Error() + "\n" + string(out))
	}
	if err := warmVetCache(bin); err != nil {
		return "", err
	}
	return bin, nil
})

// binary returns the path of the built binary, skipping in -short mode.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test builds the binary and runs the go command; skipped in -short mode")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// goEnvOnce reads the go command's settings that the child processes keep.
var goEnvOnce = sync.OnceValues(func() (map[string]string, error) {
	out, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT", "CGO_ENABLED").Output()
	if err != nil {
		return nil, err
	}
	var env map[string]string
	err = json.Unmarshal(out, &env)
	return env, err
})

// cleanEnv returns a minimal environment for the go command and the
// binary: the caches and toolchain of this machine, no user go env file,
// no network, and -mod=mod so the fixture needs no go.sum.
func cleanEnv(t *testing.T) []string {
	t.Helper()
	env, err := cleanEnvErr()
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// cleanEnvErr is cleanEnv for callers without a test.
func cleanEnvErr() ([]string, error) {
	goEnv, err := goEnvOnce()
	if err != nil {
		return nil, fmt.Errorf("go env: %v", err)
	}
	env := []string{
		"GOENV=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local", "GOSUMDB=off",
	}
	for k, v := range goEnv {
		env = append(env, k+"="+v)
	}
	for _, k := range []string{"HOME", "PATH", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	cache, err := testCacheOnce()
	if err != nil {
		return nil, err
	}
	return append(env, envCache+"="+cache), nil
}

// testCacheOnce makes the package driver's cache for the runs of this test
// binary, which TestMain removes, so that tests leave the user's cache
// directory alone.
var testCacheOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "goroutinelint-cache-")
	testCacheDir = dir
	return dir, err
})

// fixture copies testdata/e2e to a new temporary directory and returns the
// directory of the app module in it.
func fixture(t *testing.T) string {
	t.Helper()
	return filepath.Join(copyE2E(t), "app")
}

// copyE2E copies testdata/e2e to a new temporary directory and returns it.
func copyE2E(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	if err := copyE2ETo(dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// copyE2ETo copies testdata/e2e into dst.
func copyE2ETo(dst string) error {
	src := filepath.Join("..", "..", "testdata", "e2e")
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}

// A result is what a command printed and its exit code.
type result struct {
	code           int
	stdout, stderr string
}

// execIn runs name with args in dir with the clean environment.
func execIn(t *testing.T, dir, name string, args ...string) result {
	t.Helper()
	return execEnv(t, dir, nil, name, args...)
}

// execEnv runs name with args in dir with the clean environment and env,
// "NAME=value" settings that override it.
func execEnv(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	key := vetRunKey(env, name, args)
	defer firstRun(key)()
	defer oneAtATimeIn(dir, key)()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(t), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
}

// lint runs the binary standalone in dir.
func lint(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return execIn(t, dir, binary(t), args...)
}

// lintTwice runs the binary standalone in dir twice, with GOMAXPROCS=1 and
// GOMAXPROCS=4, fails the test unless both runs print byte-identical
// output with the same exit code (issue 7: determinism, diagnostic order
// included), and returns the result.
func lintTwice(t *testing.T, dir string, args ...string) result {
	t.Helper()
	bin := binary(t)
	one := execEnv(t, dir, []string{"GOMAXPROCS=1"}, bin, args...)
	four := execEnv(t, dir, []string{"GOMAXPROCS=4"}, bin, args...)
	if one != four {
		t.Errorf("goroutinelint %s differs between GOMAXPROCS=1 and GOMAXPROCS=4:\nexit codes %d and %d\nstdout:\n%s\n---\n%s\nstderr:\n%s\n---\n%s",
			strings.Join(args, " "), one.code, four.code, one.stdout, four.stdout, one.stderr, four.stderr)
	}
	return one
}

// lines splits output into lines, dropping the last newline.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// wantResult fails the test unless r has the exit code and stderr lines.
func wantResult(t *testing.T, r result, code int, stderr []string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d\nstderr:\n%s", r.code, code, r.stderr)
	}
	if got := lines(r.stderr); !slices.Equal(got, stderr) {
		t.Errorf("stderr:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(stderr, "\n"))
	}
}

// readFile returns the content of a file, failing the test if it cannot.
func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// golden returns the content of testdata/e2e/golden/name.
func golden(t *testing.T, name string) string {
	t.Helper()
	return readFile(t, filepath.Join("..", "..", "testdata", "e2e", "golden", name))
}

// TestGoVet runs go vet -vettool twice, with GOMAXPROCS=1 and 4, in two
// fresh copies of the fixture, in text and in JSON mode, and checks the
// findings and that each package's output is byte-identical across the
// runs (go vet itself prints packages in the order their runs finish).
//
// The go command caches a vet run whose tool succeeds (as with -json) by
// the tool's content, its flags and the package's compile action, which
// includes the package's directory. A fresh copy of the fixture therefore
// makes every package of the fixture's modules run the tool again, while
// leaving the output unchanged (file names in the text are relative); the
// standard library's facts may come from the cache. The JSON output names
// files by absolute path, which checks that it was not replayed from
// another copy's run.
func TestGoVet(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	type run struct {
		dir        string
		text, json result
	}
	var runs []run
	for _, procs := range []string{"GOMAXPROCS=1", "GOMAXPROCS=4"} {
		dir := fixture(t)
		env := []string{procs}
		r := run{
			dir:  dir,
			text: execEnv(t, dir, env, "go", "vet", "-vettool="+bin, "./..."),
			json: execEnv(t, dir, env, "go", "vet", "-vettool="+bin, "-json", "./..."),
		}
		if r.text.code != 1 {
			t.Errorf("%s: exit code %d, want 1\nstderr:\n%s", procs, r.text.code, r.text.stderr)
		}
		if got := slices.Sorted(slices.Values(lines(r.text.stderr))); !slices.Equal(got, vetFindings) {
			t.Errorf("%s: go vet printed:\n%s\nwant, in any order:\n%s", procs, r.text.stderr, strings.Join(vetFindings, "\n"))
		}
		if r.json.code != 0 || r.json.stderr != "" {
			t.Errorf("%s: go vet -json: exit code %d, stderr:\n%s", procs, r.json.code, r.json.stderr)
		}
		if !strings.Contains(r.json.stdout, `"posn": "`+filepath.Join(dir, "util", "util.go")+`:10:10"`) {
			t.Errorf("%s: go vet -json did not analyze this copy of the fixture:\n%s", procs, r.json.stdout)
		}
		runs = append(runs, r)
	}
	a, b := runs[0], runs[1]
	if ta, tb := vetTextByPackage(a.text.stderr), vetTextByPackage(b.text.stderr); !maps.EqualFunc(ta, tb, slices.Equal) {
		t.Errorf("go vet text output differs between GOMAXPROCS=1 and 4:\n%s\n---\n%s", a.text.stderr, b.text.stderr)
	}
	ja := vetJSONByPackage(t, strings.ReplaceAll(a.json.stdout, a.dir, "$DIR"))
	jb := vetJSONByPackage(t, strings.ReplaceAll(b.json.stdout, b.dir, "$DIR"))
	if !maps.Equal(ja, jb) {
		t.Errorf("go vet -json output differs between GOMAXPROCS=1 and 4:\n%s\n---\n%s", a.json.stdout, b.json.stdout)
	}
}

// vetTextByPackage splits go vet's text output by the directory of the
// file each line names, keeping the order of lines within a directory.
func vetTextByPackage(stderr string) map[string][]string {
	out := make(map[string][]string)
	for _, line := range lines(stderr) {
		file, _, _ := strings.Cut(line, ":")
		out[filepath.Dir(file)] = append(out[filepath.Dir(file)], line)
	}
	return out
}

// vetJSONByPackage splits go vet -json output, one JSON object per
// package with findings ({} for the others), into the exact text of each
// package's findings.
func vetJSONByPackage(t *testing.T, stdout string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	dec := json.NewDecoder(strings.NewReader(stdout))
	for {
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err == io.EOF {
			return out
		} else if err != nil {
			t.Fatalf("go vet -json printed invalid JSON: %v\n%s", err, stdout)
		}
		for pkg, raw := range obj {
			if _, dup := out[pkg]; dup {
				t.Errorf("go vet -json printed %s twice", pkg)
			}
			out[pkg] = string(raw)
		}
	}
}

// TestGoVetFlags checks that go vet learns the passes' flags from the
// -flags handshake and hands them to every run of the binary: a pass's own
// flag (-clienttimeout.default-client=false drops the http.Get finding) and
// a pass turned off (-unguardedsend=false drops the worker's). It runs go
// vet -json, with the flags of the standalone runs of TestPassFlag, so
// that they share go vet's cached results (TestGoVet covers text output).
func TestGoVetFlags(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := sharedApp(t)
	r := execIn(t, dir, "go", slices.Concat([]string{"vet", "-vettool=" + bin, "-json"}, flagsShared, []string{"./..."})...)
	if r.code != 0 || r.stderr != "" {
		t.Errorf("go vet -json: exit code %d, stderr:\n%s", r.code, r.stderr)
	}
	var got []string
	for _, raw := range vetJSONByPackage(t, r.stdout) {
		var byPass map[string][]jsonDiagnostic
		if err := json.Unmarshal([]byte(raw), &byPass); err != nil {
			t.Fatalf("go vet -json printed invalid JSON: %v\n%s", err, r.stdout)
		}
		for _, diags := range byPass {
			for _, d := range diags {
				got = append(got, relTo(dir, d.Posn)+": "+d.Message)
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, findingsShared) {
		t.Errorf("go vet -json %s printed:\n%s\nwant, in any order:\n%s", strings.Join(flagsShared, " "), r.stdout, strings.Join(findingsShared, "\n"))
	}
}

func TestGoFix(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := fixture(t)
	r := execIn(t, dir, "go", "fix", "-fixtool="+bin, "./...")
	if r.code != 0 || r.stderr != "" {
		t.Errorf("go fix: exit code %d, stderr:\n%s", r.code, r.stderr)
	}
	wantFixed(t, dir)
}

// wantFixed fails the test unless the fixture in dir has had every fix
// applied: util.go and worker.go as in the golden files, server.go (whose
// finding has no fix) unchanged.
func wantFixed(t *testing.T, dir string) {
	t.Helper()
	for _, name := range []string{"util/util.go", "worker/worker.go"} {
		if got, want := readFile(t, filepath.Join(dir, name)), golden(t, filepath.Base(name)+".fixed"); got != want {
			t.Errorf("%s after the fixes:\n%s\nwant:\n%s", name, got, want)
		}
	}
	if got, want := readFile(t, filepath.Join(dir, "server", "server.go")), readFile(t, filepath.Join("..", "..", "testdata", "e2e", "app", "server", "server.go")); got != want {
		t.Errorf("server/server.go, which has no fix, changed:\n%s", got)
	}
}

// TestText checks the text output, and that it is the same with
// GOMAXPROCS=1 and 4.
func TestText(t *testing.T) {
	t.Parallel()
	r := lintTwice(t, sharedApp(t), "./...")
	wantResult(t, r, 1, allFindings)
	if r.stdout != "" {
		t.Errorf("stdout: %q, want nothing", r.stdout)
	}
}

// TestJSON checks the -json output, and that it is byte-identical with
// GOMAXPROCS=1 and 4.
func TestJSON(t *testing.T) {
	t.Parallel()
	dir := sharedApp(t)
	r := lintTwice(t, dir, "-json", "./...")
	wantResult(t, r, 1, nil)
	var tree map[string]map[string][]jsonDiagnostic
	if err := json.Unmarshal([]byte(r.stdout), &tree); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	// One line per diagnostic: package, pass, category, relative position,
	// message, the messages of its fixes and the files they edit, and its
	// related locations.
	var got []string
	for pkg, byPass := range tree {
		for pass, diags := range byPass {
			for _, d := range diags {
				line := strings.Join([]string{pkg, pass, d.Category, relTo(dir, d.Posn), relTo(dir, d.End), d.Message}, " | ")
				for _, fix := range d.SuggestedFixes {
					line += " | fix: " + fix.Message
					for _, e := range fix.Edits {
						line += " | " + relTo(dir, e.Filename)
					}
				}
				for _, rel := range d.Related {
					line += " | related: " + relTo(dir, rel.Posn) + " " + rel.Message
				}
				got = append(got, line)
			}
		}
	}
	slices.Sort(got)
	want := []string{
		"example.com/app/server | clienttimeout | helper | server/server.go:21:13 | server/server.go:21:36 | " + msgHelper,
		"example.com/app/util | clienttimeout | default | util/util.go:15:9 | util/util.go:15:17 | " + msgDefault,
		"example.com/app/util | clienttimeout | literal | util/util.go:10:10 | util/util.go:10:21 | " + msgLiteral +
			" | fix: Add Timeout: 30 * time.Second (changes behavior: slower requests fail; suppress streaming or long-poll clients with a reason instead)" +
			" | util/util.go | util/util.go",
		"example.com/app/worker | unguardedsend | abandoned | worker/worker.go:15:24 | worker/worker.go:15:24 | " + msgWorker +
			" | fix: Give résultat a buffer of 1 so its only send completes even if nobody receives | worker/worker.go" +
			" | related: worker/worker.go:15:2 goroutine started here | related: worker/worker.go:20:3 returns here without receiving",
	}
	if !slices.Equal(got, want) {
		t.Errorf("JSON diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// relTo makes the file name at the start of a position relative to dir.
func relTo(dir, posn string) string {
	return strings.TrimPrefix(posn, dir+string(filepath.Separator))
}

// TestPassDisabled checks that -unguardedsend=false turns the pass off:
// package worker has one finding, unguardedsend's (TestText); with the
// pass off, the run on the whole fixture prints none in worker and the run
// on worker alone finds nothing and exits 0. Both share go vet's results
// with TestPassFlag's run (flagsShared, sharedApp), which the first one is.
func TestPassDisabled(t *testing.T) {
	t.Parallel()
	bin, dir := binary(t), sharedApp(t)
	all := execShared(t, dir, nil, bin, append(slices.Clone(flagsShared), "./...")...)
	if strings.Contains(all.stderr, "worker/") {
		t.Errorf("-unguardedsend=false: a finding in worker:\n%s", all.stderr)
	}
	r := lint(t, dir, append(slices.Clone(flagsShared), "./worker")...)
	wantResult(t, r, 0, nil)
	if r.stdout != "" {
		t.Errorf("stdout: %q, want nothing", r.stdout)
	}
}

// TestPassFlag checks that a pass's flag reaches it
// (-clienttimeout.default-client=false drops the http.Get finding) and
// that a pass turned off reports nothing (-unguardedsend=false).
func TestPassFlag(t *testing.T) {
	t.Parallel()
	r := execShared(t, sharedApp(t), nil, binary(t), append(slices.Clone(flagsShared), "./...")...)
	wantResult(t, r, 1, findingsShared)
}

func TestFix(t *testing.T) {
	t.Parallel()
	dir := fixture(t)
	r := lint(t, dir, "-fix", "./...")
	// The helper call and http.Get have no fix: they are left, and printed.
	wantResult(t, r, 1, []string{lineHelper, lineDefault})
	wantFixed(t, dir)
}

func TestFixDiff(t *testing.T) {
	t.Parallel()
	dir := fixture(t)
	before := readFile(t, filepath.Join(dir, "util", "util.go"))
	r := lint(t, dir, "-fix", "-diff", "./...")
	wantResult(t, r, 1, []string{lineHelper, lineDefault})
	if want := golden(t, "fix.diff"); r.stdout != want {
		t.Errorf("-fix -diff printed:\n%s\nwant:\n%s", r.stdout, want)
	}
	if after := readFile(t, filepath.Join(dir, "util", "util.go")); after != before {
		t.Errorf("-fix -diff changed util/util.go:\n%s", after)
	}
}

func TestNoArguments(t *testing.T) {
	t.Parallel()
	r := lint(t, sharedApp(t))
	if r.code != 2 || !strings.Contains(r.stderr, "Usage:") || r.stdout != "" {
		t.Errorf("exit code %d, stdout %q, stderr:\n%s\nwant exit code 2 and usage on stderr", r.code, r.stdout, r.stderr)
	}
}

// TestDeterministicExamples runs the binary on the repository's examples
// in every output format, twice, with GOMAXPROCS=1 and 4, and checks that
// the outputs are byte-identical (issue 7). It takes about a minute and a
// half of CPU, so it runs with the heavy tests only.
func TestDeterministicExamples(t *testing.T) {
	if os.Getenv("GOROUTINELINT_HEAVY") == "" {
		t.Skip("set GOROUTINELINT_HEAVY=1 to run the heavy tests")
	}
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range [][]string{nil, {"-json"}, {"-sarif"}} {
		r := lintTwice(t, root, append(format, "./examples/...")...)
		if r.code != 1 {
			t.Errorf("goroutinelint %s ./examples/...: exit code %d, want 1 (the examples have leaky handlers)\nstderr:\n%s",
				strings.Join(format, " "), r.code, r.stderr)
		}
		if slices.Equal(format, []string{"-sarif"}) {
			validateSARIF(t, []byte(r.stdout))
		}
	}
}
