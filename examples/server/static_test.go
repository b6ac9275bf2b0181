package server_test

import (
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/goroutinelint/goroutinelint/analyzer"
)

// TestStatic runs the whole goroutinelint suite over ./examples/..., as
// README's first command does, and checks that every finding lands on leaky
// code and is expected there.
//
// Expectations are `// want "regexp"` comments on the reported line, in
// analysistest's syntax. analysistest.Run itself cannot check them: it runs
// one analyzer and fails on every expectation that analyzer does not meet,
// so once a second pass reports on the examples, no single run would match
// the comments. This test runs every pass of analyzer.All together and
// matches the comments against their combined findings, one finding per
// expectation.
//
// On top of that, each finding must lie in a function or variable whose
// name ends in "Leaky": the fixed twins must stay clean whatever the
// comments say. When a pass starts reporting on the examples, add a want
// comment where it reports; a finding on fixed code is a false positive to
// fix in the pass, not here.
func TestStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and analyses net/http from source; run without -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	pkgs := loadExamples(t, root)
	res, err := checker.Analyze(analyzer.All(analyzer.DefaultConfig()), pkgs, &checker.Options{SanityCheck: true})
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}

	found := make(map[finding]bool) // the test variant of a package repeats its findings
	for _, act := range res.Roots {
		if act.Err != nil {
			t.Errorf("%s: %v", act, act.Err)
			continue
		}
		for _, d := range act.Diagnostics {
			p := act.Package.Fset.Position(d.Pos)
			f := finding{pos: relPos(root, p), pass: act.Analyzer.Name, msg: d.Message}
			if !found[f] {
				found[f] = true
				if decl := enclosingDecl(act.Package.Syntax, act.Package.Fset, p); !strings.HasSuffix(decl, "Leaky") {
					t.Errorf("%s: %s reports on fixed code (%s): %s", f.pos, f.pass, decl, f.msg)
				}
			}
		}
	}
	findings := slices.SortedFunc(maps.Keys(found), compareFindings)

	wants := collectWants(t, root, pkgs)
	for _, f := range findings {
		t.Logf("%s: %s: %s", f.pos, f.pass, f.msg)
		if !wants.match(f) {
			t.Errorf("%s: unexpected finding from %s: %s", f.pos, f.pass, f.msg)
		}
	}
	for pos, res := range wants {
		for _, re := range res {
			t.Errorf("%s: no finding matches want %q", pos, re)
		}
	}
	if len(findings) == 0 {
		t.Error("no findings at all: the suite did not run on the examples")
	}
}

// loadExamples loads ./examples/... and their tests from the module at root,
// with syntax and types for every dependency, offline.
func loadExamples(t *testing.T, root string) []*packages.Package {
	t.Helper()
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedTypes | packages.NeedTypesSizes | packages.NeedSyntax | packages.NeedTypesInfo |
			packages.NeedDeps | packages.NeedModule,
		Dir:   root,
		Tests: true,
		Env:   append(os.Environ(), "GOPROXY=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, "./examples/...")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("the examples do not build")
	}
	return pkgs
}

// A finding is one diagnostic: where, which pass, what it says.
type finding struct {
	pos  string // file:line, the file relative to the module root
	pass string
	msg  string
}

func compareFindings(a, b finding) int {
	return strings.Compare(a.pos+"\x00"+a.pass+"\x00"+a.msg, b.pos+"\x00"+b.pass+"\x00"+b.msg)
}

// relPos renders p as file:line with the file relative to root.
func relPos(root string, p token.Position) string {
	file := p.Filename
	if rel, err := filepath.Rel(root, file); err == nil {
		file = filepath.ToSlash(rel)
	}
	return fmt.Sprintf("%s:%d", file, p.Line)
}

// enclosingDecl names the top-level function (as "Recv.Name" for a method)
// or variable whose declaration contains p, or returns "" outside any.
func enclosingDecl(files []*ast.File, fset *token.FileSet, p token.Position) string {
	for _, f := range files {
		if fset.Position(f.Pos()).Filename != p.Filename {
			continue // another file
		}
		for _, decl := range f.Decls {
			start, end := fset.Position(decl.Pos()), fset.Position(decl.End())
			if p.Offset < start.Offset || p.Offset >= end.Offset {
				continue // p is outside this declaration
			}
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				return decl.Name.Name
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					if vs, ok := spec.(*ast.ValueSpec); ok && fset.Position(vs.Pos()).Offset <= p.Offset && p.Offset < fset.Position(vs.End()).Offset {
						return vs.Names[0].Name
					}
				}
			}
		}
	}
	return ""
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

// collectWants parses the want comments of every file of pkgs, once per
// file however many package variants include it.
func collectWants(t *testing.T, root string, pkgs []*packages.Package) wants {
	t.Helper()
	w := make(wants)
	seen := make(map[string]bool)
	for _, pkg := range pkgs {
		for _, f := range pkg.Syntax {
			name := pkg.Fset.Position(f.Pos()).Filename
			if seen[name] {
				continue // a test variant repeats its package's files
			}
			seen[name] = true
			for _, cg := range f.Comments {
				for _, c := range cg.List {
					m := wantComment.FindStringSubmatch(c.Text)
					if m == nil {
						continue // an ordinary comment
					}
					pos := relPos(root, pkg.Fset.Position(c.Pos()))
					res, err := parseWant(m[1])
					if err != nil {
						t.Errorf("%s: bad want comment: %v", pos, err)
					}
					w[pos] = append(w[pos], res...)
				}
			}
		}
	}
	return w
}

// parseWant parses a list of Go string literals into regexps.
func parseWant(text string) ([]*regexp.Regexp, error) {
	var s scanner.Scanner
	fset := token.NewFileSet()
	var errs []string
	s.Init(fset.AddFile("want", -1, len(text)), []byte(text), func(_ token.Position, msg string) { errs = append(errs, msg) }, 0)
	var out []*regexp.Regexp
	for {
		_, tok, lit := s.Scan()
		switch tok {
		case token.EOF, token.SEMICOLON: // the scanner adds a semicolon after the last literal
			if len(errs) > 0 {
				return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
			}
			if len(out) == 0 {
				return nil, fmt.Errorf("no expectations")
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
