package server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestStatic runs README's first command, `goroutinelint ./examples/...`,
// with -json, and checks that every finding lands on leaky code and is
// expected there.
//
// Expectations are `// want "regexp"` comments on the reported line, in
// analysistest's syntax, matched against the messages of all passes
// together, one finding per expectation. analysistest.Run cannot check
// them: it runs a single analyzer and fails on every expectation that
// analyzer does not meet, so with two passes reporting on the examples no
// run would pass.
//
// The test builds and runs the command rather than calling the analyzers
// in-process so that the examples, their tests included, import only the
// standard library: a test here importing the suite would put the whole
// linter and x/tools into the import graph that README's command loads
// (with tests) and analyses for facts.
//
// On top of the comments, each finding must lie in a function or variable
// whose name ends in "Leaky" (in init, on a line that uses one): the fixed
// twins must stay clean whatever the comments say. When a pass starts
// reporting on the examples, add a want comment where it reports; a
// finding on fixed code is a false positive to fix in the pass, not here.
func TestStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds goroutinelint and analyses net/http from source; run without -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	findings := runGoroutinelint(t, root)
	files := parseExamples(t, root)
	wants := collectWants(t, files)
	for _, f := range findings {
		t.Logf("%s: %s: %s", f.pos, f.pass, f.msg)
		if decl := files.enclosingDecl(f); !strings.HasSuffix(decl, "Leaky") {
			t.Errorf("%s: %s reports on fixed code (%s): %s", f.pos, f.pass, declName(decl), f.msg)
		}
		if !wants.match(f) {
			t.Errorf("%s: unexpected finding from %s: %s", f.pos, f.pass, f.msg)
		}
	}
	for _, pos := range slices.Sorted(maps.Keys(wants)) {
		for _, re := range wants[pos] {
			t.Errorf("%s: no finding matches want %q", pos, re)
		}
	}
	if len(findings) == 0 {
		t.Error("no findings at all: the suite did not run on the examples")
	}
}

// A finding is one diagnostic: where, which pass, what it says.
type finding struct {
	pos  string // file:line, the file relative to the module root, slash-separated
	file string // the file as the command printed it
	line int
	pass string
	msg  string
}

// runGoroutinelint builds cmd/goroutinelint and runs it with -json on
// ./examples/... in the module at root, offline, and returns its findings
// sorted and without duplicates.
func runGoroutinelint(t *testing.T, root string) []finding {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	env := append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOFLAGS=-mod=readonly")
	bin := filepath.Join(t.TempDir(), "goroutinelint")
	// Built with go test's own flags, so that the build reuses the packages
	// compiled for the test binaries (-buildvcs=false leaves the
	// checkout's state out of it).
	build := exec.Command(goTool, "build", "-buildvcs=false", "-o", bin, "./cmd/goroutinelint")
	build.Dir, build.Env = root, env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/goroutinelint: %v\n%s", err, out)
	}

	// The default driver analyses the examples package by package; a cache
	// of its own keeps the run from replaying, or filling, the user's.
	cmd := exec.Command(bin, "-json", "./examples/...")
	cmd.Dir, cmd.Env = root, append(env, "GOROUTINELINT_CACHE="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if exit := (*exec.ExitError)(nil); err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		t.Fatalf("goroutinelint -json ./examples/...: %v\n%s", err, stderr.Bytes())
	}
	if stderr.Len() > 0 {
		t.Errorf("goroutinelint wrote to stderr:\n%s", stderr.Bytes())
	}

	// The JSON tree of go vet -json: package -> pass -> diagnostics, or an
	// object with an "error" when the pass failed on the package.
	var tree map[string]map[string]json.RawMessage
	if err := json.Unmarshal(stdout.Bytes(), &tree); err != nil {
		t.Fatalf("goroutinelint -json output: %v\n%s", err, stdout.Bytes())
	}
	seen := make(map[finding]bool) // a test variant repeats its package's findings
	for pkg, passes := range tree {
		for pass, raw := range passes {
			var diags []struct {
				Posn    string `json:"posn"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(raw, &diags); err != nil {
				t.Errorf("%s on %s failed: %s", pass, pkg, raw)
				continue
			}
			for _, d := range diags {
				f, err := newFinding(root, pass, d.Posn, d.Message)
				if err != nil {
					t.Fatal(err)
				}
				seen[f] = true
			}
		}
	}
	return slices.SortedFunc(maps.Keys(seen), func(a, b finding) int {
		return strings.Compare(a.pos+"\x00"+a.pass+"\x00"+a.msg, b.pos+"\x00"+b.pass+"\x00"+b.msg)
	})
}

// posn matches "file:line:col".
var posn = regexp.MustCompile(`^(.*):(\d+):(\d+)$`)

// newFinding makes a finding of pass from the command's position and message.
func newFinding(root, pass, position, msg string) (finding, error) {
	m := posn.FindStringSubmatch(position)
	if m == nil {
		return finding{}, fmt.Errorf("%s: bad position %q", pass, position)
	}
	line, _ := strconv.Atoi(m[2])
	file := m[1]
	if !filepath.IsAbs(file) {
		file = filepath.Join(root, file)
	}
	rel, err := filepath.Rel(root, file)
	if err != nil {
		return finding{}, err
	}
	return finding{pos: fmt.Sprintf("%s:%d", filepath.ToSlash(rel), line), file: file, line: line, pass: pass, msg: msg}, nil
}

// exampleFiles are the parsed Go files under examples/, by absolute name.
type exampleFiles struct {
	fset  *token.FileSet
	root  string
	files map[string]*ast.File
}

// parseExamples parses every Go file under root/examples.
func parseExamples(t *testing.T, root string) *exampleFiles {
	t.Helper()
	ef := &exampleFiles{fset: token.NewFileSet(), root: root, files: make(map[string]*ast.File)}
	err := filepath.WalkDir(filepath.Join(root, "examples"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err // directories and other files hold no expectations
		}
		f, err := parser.ParseFile(ef.fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ef.files[path] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ef
}

// enclosingDecl names the top-level function ("Name" or "Recv.Name") or
// variable whose declaration contains the start of f's line, or returns ""
// outside any.
func (ef *exampleFiles) enclosingDecl(f finding) string {
	file, ok := ef.files[f.file]
	if !ok {
		return "" // not a file under examples/
	}
	tf := ef.fset.File(file.Pos())
	if f.line < 1 || f.line > tf.LineCount() {
		return ""
	}
	pos := tf.LineStart(f.line)
	for _, decl := range file.Decls {
		if pos < decl.Pos() || pos >= decl.End() {
			continue // f is outside this declaration
		}
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			if decl.Name.Name == "init" && decl.Recv == nil {
				// init has no name to mark as leaky: a finding in it is on
				// leaky code when its line uses a leaky function or variable.
				return leakyIdentOnLine(tf, decl, f.line)
			}
			return decl.Name.Name
		case *ast.GenDecl:
			for _, spec := range decl.Specs {
				if vs, ok := spec.(*ast.ValueSpec); ok && vs.Pos() <= pos && pos < vs.End() {
					return vs.Names[0].Name
				}
			}
		}
	}
	return ""
}

// leakyIdentOnLine returns the first identifier on line inside decl whose
// name ends in "Leaky", or "init" if there is none.
func leakyIdentOnLine(tf *token.File, decl *ast.FuncDecl, line int) string {
	name := "init"
	ast.Inspect(decl, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if ok && name == "init" && tf.Line(id.Pos()) == line && strings.HasSuffix(id.Name, "Leaky") {
			name = id.Name
		}
		return name == "init"
	})
	return name
}

// declName renders a declaration name for a message.
func declName(decl string) string {
	if decl == "" {
		return "outside any function"
	}
	return "in " + decl
}

// wants holds the expectations not yet matched, by file:line.
type wants map[string][]*regexp.Regexp

// match reports whether an expectation at f's line matches f's message, and
// if so consumes it.
func (w wants) match(f finding) bool {
	for i, re := range w[f.pos] {
		if re.MatchString(f.msg) {
			w[f.pos] = slices.Delete(w[f.pos], i, i+1)
			if len(w[f.pos]) == 0 {
				delete(w, f.pos)
			}
			return true
		}
	}
	return false
}

// wantComment matches a `// want ...` comment; the rest is a list of Go
// string literals, each a regexp.
var wantComment = regexp.MustCompile(`^//\s*want\b(.*)$`)

// collectWants parses the want comments of every example file.
func collectWants(t *testing.T, ef *exampleFiles) wants {
	t.Helper()
	w := make(wants)
	for name, f := range ef.files {
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				m := wantComment.FindStringSubmatch(c.Text)
				if m == nil {
					continue // an ordinary comment
				}
				rel, _ := filepath.Rel(ef.root, name)
				pos := fmt.Sprintf("%s:%d", filepath.ToSlash(rel), ef.fset.Position(c.Pos()).Line)
				res, err := parseWant(m[1])
				if err != nil {
					t.Errorf("%s: bad want comment: %v", pos, err)
				}
				w[pos] = append(w[pos], res...)
			}
		}
	}
	return w
}

// parseWant parses a list of Go string literals into regexps.
func parseWant(text string) ([]*regexp.Regexp, error) {
	var s scanner.Scanner
	var errs []string
	fset := token.NewFileSet()
	s.Init(fset.AddFile("want", -1, len(text)), []byte(text), func(_ token.Position, msg string) { errs = append(errs, msg) }, 0)
	var out []*regexp.Regexp
	for {
		_, tok, lit := s.Scan()
		switch tok {
		case token.EOF, token.SEMICOLON: // the scanner adds a semicolon after the last literal
			if len(errs) > 0 {
				return nil, errors.New(strings.Join(errs, "; "))
			}
			if len(out) == 0 {
				return nil, errors.New("no expectations")
			}
			return out, nil
		case token.STRING:
			pattern, err := strconv.Unquote(lit)
			if err != nil {
				return nil, err
			}
			re, err := regexp.Compile(pattern)
			if err != nil {
				return nil, err
			}
			out = append(out, re)
		default:
			return nil, fmt.Errorf("want a string literal, found %s", tok)
		}
	}
}
