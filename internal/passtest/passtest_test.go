package passtest_test

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/goroutinelint/goroutinelint/internal/passtest"
)

// marked is the fake analyzer's fact about functions named Marked*.
type marked struct{}

func (*marked) AFact()         {}
func (*marked) String() string { return "marked" }

// fake reports every call of a function named bad, with a fix that calls
// good instead, and exports a fact for every function named Marked*.
var fake = &analysis.Analyzer{
	Name:      "fake",
	Doc:       "report calls of bad\n\nA fake analyzer for passtest's own tests.",
	FactTypes: []analysis.Fact{new(marked)},
	Run: func(pass *analysis.Pass) (any, error) {
		for _, f := range pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "bad" {
						pass.Report(analysis.Diagnostic{
							Pos: n.Pos(), Message: "call of bad",
							SuggestedFixes: []analysis.SuggestedFix{{
								Message:   "Call good",
								TextEdits: []analysis.TextEdit{{Pos: id.Pos(), End: id.End(), NewText: []byte("good")}},
							}},
						})
					}
				case *ast.FuncDecl:
					if strings.HasPrefix(n.Name.Name, "Marked") {
						if obj, ok := pass.TypesInfo.Defs[n.Name].(*types.Func); ok {
							pass.ExportObjectFact(obj, new(marked))
						}
					}
				}
				return true
			})
		}
		return nil, nil
	},
}

var fixtures = passtest.Fixtures(nil, "passtest/...")

// recorder is a testing.TB that keeps the errors reported to it.
type recorder struct {
	*testing.T
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestRunMeetsExpectations(t *testing.T) {
	t.Parallel()
	r := &recorder{T: t}
	roots := passtest.RunWithSuggestedFixes(r, fixtures, fake, "passtest/want")
	if len(r.errors) > 0 {
		t.Errorf("errors on a fixture that meets every expectation:\n%s", strings.Join(r.errors, "\n"))
	}
	if len(roots) != 1 || len(roots[0].Diagnostics) != 3 {
		t.Errorf("want one root with 3 diagnostics, got %d roots", len(roots))
	}
}

func TestRunReportsMismatches(t *testing.T) {
	t.Parallel()
	r := &recorder{T: t}
	passtest.Run(r, fixtures, fake, "passtest/wrong")
	want := []string{
		"passtest/wrong/wrong.go:6:6: unexpected fact: marked",
		`passtest/wrong/wrong.go:9:2: diagnostic "call of bad" does not match ` + "`call of good`",
		"passtest/wrong/wrong.go:10:2: unexpected diagnostic: call of bad",
		"passtest/wrong/wrong.go:11: no diagnostic was reported matching `nothing is reported here`",
		"passtest/wrong/wrong.go:9: no diagnostic was reported matching `call of good`",
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(r.errors))
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRootsMatchesPatterns(t *testing.T) {
	t.Parallel()
	var paths []string
	for _, p := range fixtures.Load(t).Roots(t, "passtest/...", "passtest/want") {
		paths = append(paths, p.PkgPath)
		for path := range p.Imports {
			t.Errorf("%s imports %s: the standard library and nothing else should be left out", p.PkgPath, path)
		}
	}
	if want := []string{"passtest/want", "passtest/wrong"}; !slices.Equal(slices.Sorted(slices.Values(paths)), want) {
		t.Errorf("roots %v, want %v", paths, want)
	}
}

func TestCheckDoc(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		doc string
		ok  bool
	}{
		{"report calls of bad\n\nBody.", true},
		{"Report calls of bad\n\nBody.", false},
		{"report calls of bad.\n\nBody.", false},
		{"report calls of bad", false},
		{"report calls of bad that take a very long time to describe in one title\n\nBody.", false},
		{"fake: report calls\n\nBody.", false},
	} {
		r := &recorder{T: t}
		passtest.CheckDoc(r, &analysis.Analyzer{Name: "fake", Doc: tt.doc})
		if ok := len(r.errors) == 0; ok != tt.ok {
			t.Errorf("CheckDoc(%q): ok=%v, want %v (%v)", tt.doc, ok, tt.ok, r.errors)
		}
	}
}
