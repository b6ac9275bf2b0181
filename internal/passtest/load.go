package passtest

import (
	"crypto/sha256"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/goroutinelint/goroutinelint/internal/lint"
	"github.com/goroutinelint/goroutinelint/internal/testlock"
)

// A Tree is a fixture tree loaded once and shared by every test of a test
// binary that analyzes it (issue 11: analysistest.Run loads the fixtures,
// with every dependency parsed and type-checked from source, and analyzes
// the standard library again on each call).
//
// The fixture packages are type-checked from source; their standard-library
// dependencies come from export data, which the go command keeps in its
// build cache. The analyses then run on the fixture packages only, not on
// the standard library: no pass exports facts for it (lint.IsStd; go vet
// runs an inert suite there for the same reason, see
// analyzer.ForStdDependency), so analyzing it could change no result.
type Tree struct {
	elem     []string // the tree's directory below the repository's testdata, or absolute (FixturesIn)
	abs      bool     // elem[0] is an absolute directory
	patterns []string // every package the tests analyze, and their fixture dependencies
	env      []string // settings over the loader's environment
	once     sync.Once
	dir      string
	pkgs     []*packages.Package // the loaded packages, as go/packages returns them
	err      error
}

// Fixtures returns a Tree of the packages that patterns match, in the GOPATH
// tree at testdata (or, with elem, at the module or GOPATH tree below it),
// to be loaded by the first test that needs it. patterns must cover every
// fixture package the tests analyze and every non-standard package those
// import: a dependency outside them fails the load.
func Fixtures(elem []string, patterns ...string) *Tree {
	return &Tree{elem: elem, patterns: patterns}
}

// FixturesIn is Fixtures for a tree at an absolute directory, such as one
// a test writes.
func FixturesIn(dir string, patterns ...string) *Tree {
	return &Tree{elem: []string{dir}, abs: true, patterns: patterns}
}

// WithEnv sets environment variables ("NAME=value") for the load, such as
// CGO_ENABLED=1 for a tree with cgo; call it before the first Load.
func (tr *Tree) WithEnv(env ...string) *Tree {
	tr.env = append(tr.env, env...)
	return tr
}

// loadMode loads the roots from source, with full type information, and
// their dependencies from export data (no packages.NeedDeps).
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
	packages.NeedTypes | packages.NeedTypesSizes | packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule

// Load loads the tree, once per test binary, and fails t if that failed.
func (tr *Tree) Load(t testing.TB) *Tree {
	t.Helper()
	tr.once.Do(func() {
		if tr.abs {
			tr.dir = tr.elem[0]
		} else {
			tr.dir, tr.err = testdataDir(tr.elem...)
		}
		if tr.err == nil {
			tr.pkgs, tr.err = load(tr.dir, tr.patterns, tr.env)
		}
	})
	if tr.err != nil {
		t.Fatalf("loading fixtures %v: %v", tr.patterns, tr.err)
	}
	return tr
}

// testdataDir returns the absolute path of the repository's testdata
// directory, or of elem below it, found from the working directory (a
// package's directory while its tests run) up to the module's go.mod.
func testdataDir(elem ...string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(append([]string{dir, "testdata"}, elem...)...), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Dir returns the tree's absolute directory; Load must have succeeded.
func (tr *Tree) Dir() string { return tr.dir }

// load loads patterns in dir, a GOPATH tree or, with a go.mod, a module, in
// the environment analysistest uses, and checks the result: no package may
// have errors and every non-standard package must come from source.
func load(dir string, patterns, extraEnv []string) ([]*packages.Package, error) {
	env := []string{"GOPATH=" + dir, "GO111MODULE=off", "GOWORK=off", "GOPROXY=off", "GOFLAGS="}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		env = []string{"GO111MODULE=on", "GOWORK=off", "GOPROXY=off", "GOFLAGS=-mod=mod"}
	}
	cfg := &packages.Config{
		Mode:  loadMode,
		Dir:   dir,
		Tests: true,
		Env:   append(append(os.Environ(), env...), extraEnv...),
	}
	// The go command compiles the dependencies' export data while it
	// lists them; parsing starts once it is done, so the first file
	// parsed releases the lock.
	unlock := LockExports()
	var release sync.Once
	defer release.Do(unlock)
	cfg.ParseFile = func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
		release.Do(unlock)
		return parser.ParseFile(fset, filename, src, parser.AllErrors|parser.ParseComments) // as the default ParseFile
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no packages matched")
	}
	var problems []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			problems = append(problems, e.Error())
		}
		if p.TypesInfo == nil && !isStd(p) {
			problems = append(problems, fmt.Sprintf("%s is imported but not among the patterns, so it has no syntax and its facts would be missing: add it to the tree's patterns", p.PkgPath))
		}
	})
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return pkgs, nil
}

// LockExports takes the lock that the test binaries of the module share
// while the go command lists fixtures with the export data of their
// standard-library dependencies (Tree.Load, and any test that asks the go
// command for export data), and returns the function that releases it.
// go test runs the test binaries of several packages at once, and the go
// command does not share a build between processes: with a cold build
// cache, each concurrent load compiled net/http and its dependencies again
// (issue 11: the analyzer package's two trees cost 40 s of CPU each). In
// turns, the first load compiles and the others read the build cache. The
// lock is per build cache (GOCACHE), and a wait gives up after a few
// minutes: the lock only saves work.
func LockExports() (unlock func()) {
	cache := os.Getenv("GOCACHE")
	if cache == "" {
		cache = "default"
	}
	h := sha256.Sum256([]byte(cache))
	name := filepath.Join(os.TempDir(), fmt.Sprintf("goroutinelint-exports-%x.lock", h[:8]))
	unlock, err := testlock.File(name, 5*time.Minute)
	if err != nil {
		return func() {}
	}
	return unlock
}

// isStd reports whether p belongs to the standard library.
func isStd(p *packages.Package) bool {
	if p.PkgPath == "unsafe" {
		return true
	}
	for _, f := range append(p.GoFiles, p.CompiledGoFiles...) {
		return lint.IsStdPackage(p.PkgPath, f)
	}
	return false
}

// Roots returns the packages of the tree that patterns match, test
// variants included, as go list with -test would list them, in a graph
// without the standard library, ready for checker.Analyze: each package is
// a copy whose Imports keep only packages loaded from source. It fails t if
// a pattern matches nothing. Load must have succeeded.
func (tr *Tree) Roots(t testing.TB, patterns ...string) []*packages.Package {
	t.Helper()
	copies := make(map[*packages.Package]*packages.Package)
	var prune func(p *packages.Package) *packages.Package
	prune = func(p *packages.Package) *packages.Package {
		if c, ok := copies[p]; ok {
			return c
		}
		c := *p
		copies[p] = &c
		c.Imports = make(map[string]*packages.Package)
		for path, imp := range p.Imports {
			if !isStd(imp) {
				c.Imports[path] = prune(imp)
			}
		}
		return &c
	}
	var out []*packages.Package
	seen := make(map[*packages.Package]bool)
	for _, pattern := range patterns {
		match := matcher(pattern)
		n := 0
		for _, p := range tr.pkgs {
			if match(p.PkgPath) {
				n++
				if !seen[p] {
					seen[p] = true
					out = append(out, prune(p))
				}
			}
		}
		if n == 0 {
			t.Fatalf("pattern %q matches no package of the fixture tree %v", pattern, tr.patterns)
		}
	}
	return out
}

// matcher returns a predicate for the import paths that pattern matches as
// a go list pattern ("..." is a wildcard, and "x/..." matches x), counting
// a test's packages (p_test, p.test) as p's.
func matcher(pattern string) func(string) bool {
	quoted := regexp.QuoteMeta(pattern)
	quoted = strings.ReplaceAll(quoted, `\.\.\.`, `.*`)
	if rest, ok := strings.CutSuffix(quoted, `/.*`); ok {
		quoted = rest + `(/.*)?`
	}
	re := regexp.MustCompile(`^` + quoted + `$`)
	return func(path string) bool {
		path = strings.TrimSuffix(path, ".test")
		path = strings.TrimSuffix(path, "_test")
		return re.MatchString(path)
	}
}
