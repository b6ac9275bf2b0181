package main

import (
	"bytes"
	"errors"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

func TestIsVetCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want bool
	}{
		{[]string{"-V=full"}, true},
		{[]string{"--V=full"}, true},
		{[]string{"-flags"}, true},
		{[]string{"/build/b001/vet.cfg"}, true},
		{[]string{"-json", "/build/b001/vet.cfg"}, true},
		{[]string{"-fix", "-diff", "/build/b001/vet.cfg"}, true},
		{[]string{"-clienttimeout=false", "-clienttimeout.tests=true", "vet.cfg"}, true},
		{[]string{"-clienttimeout.fix-timeout", "10s", "vet.cfg"}, true}, // a value, then the file
		{[]string{"-c", "2", "vet.cfg"}, true},
		{[]string{"--", "vet.cfg"}, true},
		{nil, false},
		{[]string{"-V"}, false}, // the standalone version flag
		{[]string{"./..."}, false},
		{[]string{"-json", "./..."}, false},
		{[]string{"vet.cfg", "./..."}, false},
		{[]string{"./...", "-flags"}, false}, // after the first package, flags are operands
		{[]string{"-tags", "x.cfg", "./..."}, false},
		{[]string{"help"}, false},
	}
	for _, tt := range tests {
		if got := isVetCall(tt.args); got != tt.want {
			t.Errorf("isVetCall(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}

func TestSelected(t *testing.T) {
	t.Parallel()
	var all, others []string
	for _, a := range newCommand(io.Discard, io.Discard, "").analyzers {
		all = append(all, a.Name)
		if a.Name != "clienttimeout" {
			others = append(others, a.Name)
		}
	}
	tests := []struct {
		args []string
		want []string
	}{
		{nil, all},
		{[]string{"-clienttimeout"}, []string{"clienttimeout"}}, // naming a pass runs only the named ones
		{[]string{"-clienttimeout=true"}, []string{"clienttimeout"}},
		{[]string{"-clienttimeout=false"}, others},
	}
	for _, tt := range tests {
		c := newCommand(io.Discard, io.Discard, "")
		if err := c.flags.Parse(tt.args); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		var got []string
		for _, a := range c.selected() {
			got = append(got, a.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q selects %q, want %q", tt.args, got, tt.want)
		}
	}
}

// TestPassFlagsBind checks that -<pass>.<flag> reaches the analyzer's own
// flags, which its Run reads, and that commands do not share them.
func TestPassFlagsBind(t *testing.T) {
	t.Parallel()
	c := newCommand(io.Discard, io.Discard, "")
	if err := c.flags.Parse([]string{"-clienttimeout.fix-timeout=5s", "-clienttimeout.default-client=false"}); err != nil {
		t.Fatal(err)
	}
	a := clientTimeout(t, c)
	if got := a.Flags.Lookup("fix-timeout").Value.String(); got != "5s" {
		t.Errorf("fix-timeout = %s, want 5s", got)
	}
	if got := a.Flags.Lookup("default-client").Value.String(); got != "false" {
		t.Errorf("default-client = %s, want false", got)
	}
	other := clientTimeout(t, newCommand(io.Discard, io.Discard, ""))
	if got := other.Flags.Lookup("fix-timeout").Value.String(); got != "30s" {
		t.Errorf("a second command sees fix-timeout = %s, want the default 30s", got)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args       []string
		code       int
		wantStdout string // substring
		wantStderr string // substring
	}{
		{args: nil, code: 2, wantStderr: "Usage:"},
		{args: []string{"-nosuchflag", "./..."}, code: 2, wantStderr: "flag provided but not defined: -nosuchflag"},
		{args: []string{"-diff", "./..."}, code: 2, wantStderr: "-diff requires -fix"},
		{args: []string{"-json", "-fix", "./..."}, code: 2, wantStderr: "-json and -fix cannot be used together"},
		{args: []string{"-json", "-sarif", "./..."}, code: 2, wantStderr: "-json and -sarif cannot be used together"},
		{args: []string{"-sarif", "-fix", "./..."}, code: 2, wantStderr: "-sarif and -fix cannot be used together"},
		{args: []string{"-driver=nope", "./..."}, code: 2, wantStderr: "-driver=nope: want vet or package"},
		{args: []string{"help"}, code: 0, wantStdout: "SARIF 2.1.0"},
		{args: []string{"-clienttimeout.fix-timeout=soon", "./..."}, code: 2, wantStderr: "invalid value"},
		{args: []string{"help"}, code: 0, wantStdout: "-clienttimeout.default-client"},
		{args: []string{"-help"}, code: 0, wantStdout: "Exit status:"},
		{args: []string{"help", "clienttimeout"}, code: 0, wantStdout: "clienttimeout: report http.Client values"},
		{args: []string{"help", "nosuchpass"}, code: 2, wantStderr: `no check named "nosuchpass"`},
		{args: []string{"-V"}, code: 0, wantStdout: "goroutinelint version "},
		{args: []string{"-version"}, code: 0, wantStdout: "goroutinelint version "},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(tt.args, &stdout, &stderr, t.TempDir())
		if code != tt.code || !strings.Contains(stdout.String(), tt.wantStdout) || !strings.Contains(stderr.String(), tt.wantStderr) {
			t.Errorf("run(%q) = %d\nstdout:\n%s\nstderr:\n%s\nwant %d, stdout with %q, stderr with %q",
				tt.args, code, stdout.String(), stderr.String(), tt.code, tt.wantStdout, tt.wantStderr)
		}
	}
}

func TestGuardRuns(t *testing.T) {
	t.Parallel()
	boom := &analysis.Analyzer{Name: "boom", Run: func(*analysis.Pass) (any, error) { panic("odd code") }}
	top := &analysis.Analyzer{Name: "top", Requires: []*analysis.Analyzer{boom}, Run: func(*analysis.Pass) (any, error) { return nil, nil }}
	var log bytes.Buffer
	guardRuns([]*analysis.Analyzer{top}, &log)
	guardRuns([]*analysis.Analyzer{boom}, io.Discard) // already guarded: not wrapped twice
	_, err := boom.Run(&analysis.Pass{Pkg: types.NewPackage("example.com/p", "p")})
	var p *panicError
	if !errors.As(err, &p) || p.value != "odd code" {
		t.Errorf("Run returned %v, want the recovered panic", err)
	}
	if want := "goroutinelint: internal error: boom on example.com/p: odd code\n"; log.String() != want {
		t.Errorf("logged %q, want %q", log.String(), want)
	}
}

func TestRecoverInternal(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	code := func() (code int) {
		defer recoverInternal(&stderr, &code)
		panic("driver bug")
	}()
	if code != exitError || stderr.String() != "goroutinelint: internal error: driver bug\n" {
		t.Errorf("code %d, stderr %q", code, stderr.String())
	}
}

func TestVetRoots(t *testing.T) {
	t.Parallel()
	pkg := func(id, path, name string, files ...string) *packages.Package {
		return &packages.Package{ID: id, PkgPath: path, Name: name, GoFiles: files}
	}
	pkgs := []*packages.Package{
		pkg("a", "a", "a", "/m/a/a.go"),
		pkg("a [a.test]", "a", "a", "/m/a/a.go", "/m/a/a_test.go"),
		pkg("a_test [a.test]", "a_test", "a_test", "/m/a/x_test.go"),
		pkg("a.test", "a.test", "main", "/cache/b001/_testmain.go"),
		pkg("b", "b", "b", "/m/b/b.go"),
		pkg("cmd/tool.test", "cmd/tool.test", "main", "/m/cmd/tool.test/main.go"), // a real package, oddly named
	}
	var got []string
	for _, p := range vetRoots(pkgs) {
		got = append(got, p.ID)
	}
	want := []string{"a [a.test]", "a_test [a.test]", "b", "cmd/tool.test"}
	if !slices.Equal(got, want) {
		t.Errorf("vetRoots = %q, want %q", got, want)
	}
}

func TestRelFile(t *testing.T) {
	t.Parallel()
	c := &command{cwd: "/src/app"}
	tests := map[string]string{
		"/src/app/util/util.go": "util/util.go",
		"/src/app2/x.go":        "/src/app2/x.go",
		"/src/other.go":         "/src/other.go",
		"rel/x.go":              "rel/x.go",
	}
	for in, want := range tests {
		if got := c.relFile(in); got != want {
			t.Errorf("relFile(%q) = %q, want %q", in, got, want)
		}
	}
	if got := c.relPos("/src/app/a.go:3:14"); got != "a.go:3:14" {
		t.Errorf("relPos = %q", got)
	}
}

func TestFixPlan(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	f := fset.AddFile("/m/a.go", -1, 100)
	pos := func(off int) token.Pos { return f.Pos(off) }
	fix := func(edits ...analysis.TextEdit) analysis.SuggestedFix {
		return analysis.SuggestedFix{Message: "m", TextEdits: edits}
	}
	insertImport := analysis.TextEdit{Pos: pos(10), End: pos(10), NewText: []byte(`"time"`)}
	plan := &fixPlan{edits: make(map[string][]edit), sizes: make(map[string]int), touches: make(map[string][]int)}
	steps := []struct {
		fix  analysis.SuggestedFix
		want bool
	}{
		{fix(insertImport, analysis.TextEdit{Pos: pos(40), End: pos(40), NewText: []byte("Timeout: d")}), true},
		{fix(insertImport, analysis.TextEdit{Pos: pos(60), End: pos(60), NewText: []byte("Timeout: d")}), true}, // shares the import
		{fix(analysis.TextEdit{Pos: pos(40), End: pos(40), NewText: []byte("other")}), false},                   // same point, other text
		{fix(analysis.TextEdit{Pos: pos(55), End: pos(65), NewText: []byte("x")}), false},                       // overlaps 60
		{fix(analysis.TextEdit{Pos: pos(70), End: pos(80), NewText: []byte("y")}), true},
		{fix(analysis.TextEdit{Pos: pos(80), End: pos(80), NewText: []byte("z")}), true}, // at the end of 70-80: no overlap
	}
	for i, s := range steps {
		if got := plan.add(i, fset, s.fix); got != s.want {
			t.Errorf("step %d: add = %v, want %v", i, got, s.want)
		}
	}
	if n := len(plan.edits["/m/a.go"]); n != 5 {
		t.Errorf("plan has %d edits, want 5 (the shared import once)", n)
	}
}

// clientTimeout returns the command's clienttimeout analyzer.
func clientTimeout(t *testing.T, c *command) *analysis.Analyzer {
	t.Helper()
	i := slices.IndexFunc(c.analyzers, func(a *analysis.Analyzer) bool { return a.Name == "clienttimeout" })
	if i < 0 {
		t.Fatal("no clienttimeout analyzer")
	}
	return c.analyzers[i]
}

// TestAnalyzePanic checks that a panic in an analyzer, which the checker
// runs in a goroutine of its own, ends the run with an internal error and
// exit code 2, not a crash.
func TestAnalyzePanic(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the go command; skipped in -short mode")
	}
	dir := t.TempDir()
	for name, content := range map[string]string{
		"go.mod": "module example.com/p\n\ngo 1.26.0\n",
		"p.go":   "package p\n\nvar X = 1\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The go vet driver runs the real suite in a child process: the
	// whole-program and package drivers run this one.
	for _, whole := range []bool{true, false} {
		var stdout, stderr bytes.Buffer
		c := newCommand(&stdout, &stderr, dir)
		boom := &analysis.Analyzer{Name: "boom", Doc: "boom", Run: func(*analysis.Pass) (any, error) { panic("odd code") }}
		c.analyzers = []*analysis.Analyzer{boom}
		c.enabled = map[*analysis.Analyzer]*passFlag{boom: new(passFlag)}
		c.wholeProgram = whole
		c.cacheDir = t.TempDir()
		if code := c.analyze([]string{"./..."}); code != exitError {
			t.Errorf("whole program %v: exit code %d, want 2", whole, code)
		}
		if want := "goroutinelint: internal error: boom on example.com/p: odd code\n"; stderr.String() != want || stdout.Len() > 0 {
			t.Errorf("whole program %v: stdout %q, stderr %q, want stderr %q", whole, stdout.String(), stderr.String(), want)
		}
	}
}
