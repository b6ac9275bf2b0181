package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
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
)

// Findings in the fixture, in the order a standalone run prints them.
var (
	lineHelper  = "server/server.go:21:13: " + msgHelper
	lineLiteral = "util/util.go:10:10: " + msgLiteral
	lineDefault = "util/util.go:15:9: " + msgDefault
	allFindings = []string{lineHelper, lineLiteral, lineDefault}
)

// buildDir holds the binary built by buildOnce; TestMain removes it.
var buildDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
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
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New("go build: " + err.Error() + "\n" + string(out))
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
	goEnv, err := goEnvOnce()
	if err != nil {
		t.Fatalf("go env: %v", err)
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
	return env
}

// fixture copies testdata/e2e to a new temporary directory and returns the
// directory of the app module in it.
func fixture(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("..", "..", "testdata", "e2e")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
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
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dst, "app")
}

// A result is what a command printed and its exit code.
type result struct {
	code           int
	stdout, stderr string
}

// execIn runs name with args in dir with the clean environment.
func execIn(t *testing.T, dir, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = cleanEnv(t)
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

func TestGoVet(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := fixture(t)
	r := execIn(t, dir, "go", "vet", "-vettool="+bin, "./...")
	if r.code != 1 {
		t.Errorf("exit code %d, want 1\nstderr:\n%s", r.code, r.stderr)
	}
	// go vet prints each package's findings as its tool run finishes.
	got := lines(r.stderr)
	slices.Sort(got)
	if !slices.Equal(got, allFindings) {
		t.Errorf("go vet printed:\n%s\nwant, in any order:\n%s", r.stderr, strings.Join(allFindings, "\n"))
	}
}

// TestGoVetFlags checks that go vet learns the passes' flags from the
// -flags handshake and hands them to every run of the binary.
func TestGoVetFlags(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	r := execIn(t, fixture(t), "go", "vet", "-vettool="+bin, "-clienttimeout.default-client=false", "./...")
	got := lines(r.stderr)
	slices.Sort(got)
	if want := []string{lineHelper, lineLiteral}; r.code != 1 || !slices.Equal(got, want) {
		t.Errorf("exit code %d, go vet printed:\n%s\nwant exit code 1 and, in any order:\n%s", r.code, r.stderr, strings.Join(want, "\n"))
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
	if got, want := readFile(t, filepath.Join(dir, "util", "util.go")), golden(t, "util.go.fixed"); got != want {
		t.Errorf("go fix wrote util/util.go:\n%s\nwant:\n%s", got, want)
	}
	if got, want := readFile(t, filepath.Join(dir, "server", "server.go")), readFile(t, filepath.Join("..", "..", "testdata", "e2e", "app", "server", "server.go")); got != want {
		t.Errorf("go fix changed server/server.go, which has no fix:\n%s", got)
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	r := lint(t, fixture(t), "./...")
	wantResult(t, r, 1, allFindings)
	if r.stdout != "" {
		t.Errorf("stdout: %q, want nothing", r.stdout)
	}
}

func TestJSON(t *testing.T) {
	t.Parallel()
	dir := fixture(t)
	r := lint(t, dir, "-json", "./...")
	wantResult(t, r, 1, nil)
	var tree map[string]map[string][]jsonDiagnostic
	if err := json.Unmarshal([]byte(r.stdout), &tree); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	// One line per diagnostic: package, pass, category, relative position,
	// message and the messages of its fixes.
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
				got = append(got, line)
			}
		}
	}
	slices.Sort(got)
	want := []string{
		"example.com/app/server | clienttimeout | helper | server/server.go:21:13 | server/server.go:21:36 | " + msgHelper,
		"example.com/app/util | clienttimeout | default | util/util.go:15:9 | util/util.go:15:17 | " + msgDefault,
		"example.com/app/util | clienttimeout | literal | util/util.go:10:10 | util/util.go:10:21 | " + msgLiteral +
			" | fix: Add Timeout: 30 * time.Second (changes behaviour: slower requests fail; suppress streaming or long-poll clients with a reason instead)" +
			" | util/util.go | util/util.go",
	}
	if !slices.Equal(got, want) {
		t.Errorf("JSON diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// relTo makes the file name at the start of a position relative to dir.
func relTo(dir, posn string) string {
	return strings.TrimPrefix(posn, dir+string(filepath.Separator))
}

// TestPassDisabled checks that -clienttimeout=false turns the pass off. The
// other passes are turned off too, which lets the run skip loading and
// analyzing every dependency: nothing needs facts then.
func TestPassDisabled(t *testing.T) {
	t.Parallel()
	args := []string{"-clienttimeout=false"}
	for _, a := range newCommand(io.Discard, io.Discard, "").analyzers {
		if a.Name != "clienttimeout" {
			args = append(args, "-"+a.Name+"=false")
		}
	}
	r := lint(t, fixture(t), append(args, "./...")...)
	wantResult(t, r, 0, nil)
	if r.stdout != "" {
		t.Errorf("stdout: %q, want nothing", r.stdout)
	}
}

func TestPassFlag(t *testing.T) {
	t.Parallel()
	r := lint(t, fixture(t), "-clienttimeout.default-client=false", "./...")
	wantResult(t, r, 1, []string{lineHelper, lineLiteral})
}

func TestFix(t *testing.T) {
	t.Parallel()
	dir := fixture(t)
	r := lint(t, dir, "-fix", "./...")
	// The helper call and http.Get have no fix: they are left, and printed.
	wantResult(t, r, 1, []string{lineHelper, lineDefault})
	if got, want := readFile(t, filepath.Join(dir, "util", "util.go")), golden(t, "util.go.fixed"); got != want {
		t.Errorf("-fix wrote util/util.go:\n%s\nwant:\n%s", got, want)
	}
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

func TestTypeError(t *testing.T) {
	t.Parallel()
	// bad.go, built only with the tag, assigns a string to an int.
	r := lint(t, fixture(t), "-tags=broken", "./broken")
	wantResult(t, r, 2, []string{
		`broken/bad.go:6:15: cannot use "not an int" (untyped string constant) as int value in variable declaration`,
		"goroutinelint: packages failed to load or type-check; nothing was analyzed",
	})
}

func TestNoSuchPackage(t *testing.T) {
	t.Parallel()
	dir := fixture(t)
	for _, pattern := range []string{"./nope", "example.com/app/nope"} {
		r := lint(t, dir, pattern)
		if r.code != 2 || !strings.Contains(r.stderr, "nope") || !strings.Contains(r.stderr, "nothing was analyzed") {
			t.Errorf("%s: exit code %d, stderr:\n%s\nwant exit code 2 and an error naming the package", pattern, r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
			t.Errorf("%s: stderr has a stack trace:\n%s", pattern, r.stderr)
		}
	}
}

func TestNoArguments(t *testing.T) {
	t.Parallel()
	r := lint(t, fixture(t))
	if r.code != 2 || !strings.Contains(r.stderr, "Usage:") || r.stdout != "" {
		t.Errorf("exit code %d, stdout %q, stderr:\n%s\nwant exit code 2 and usage on stderr", r.code, r.stdout, r.stderr)
	}
}
