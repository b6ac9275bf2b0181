package analyzer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/checker"

	"github.com/goroutinelint/goroutinelint/analyzer"
	"github.com/goroutinelint/goroutinelint/internal/lint"
	"github.com/goroutinelint/goroutinelint/internal/passtest"
)

// analyzeGOPATH runs the whole suite on packages of a fixture tree, as the
// standalone driver does, and returns "pass file:line" for each finding.
// It fails t on a load error, an analysis error, or a recovered panic.
func analyzeGOPATH(t *testing.T, tree *passtest.Tree, patterns ...string) []string {
	t.Helper()
	pkgs := tree.Load(t).Roots(t, patterns...)
	before := lint.Crashes()
	graph, err := checker.Analyze(analyzer.All(analyzer.DefaultConfig()), pkgs, &checker.Options{SanityCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for act := range graph.All() {
		if act.Err != nil {
			t.Errorf("%s: %v", act, act.Err)
		}
		if !act.IsRoot {
			continue
		}
		for _, d := range act.Diagnostics {
			p := act.Package.Fset.Position(d.Pos) // as the user sees it: through //line
			found = append(found, fmt.Sprintf("%s %s:%d", act.Analyzer.Name, filepath.Base(p.Filename), p.Line))
		}
	}
	if n := lint.Crashes() - before; n > 0 {
		t.Errorf("%v: %d panics recovered (see stderr)", patterns, n)
	}
	slices.Sort(found)
	return slices.Compact(found)
}

// robust is the tree of odd code, loaded once.
var robust = passtest.Fixtures(nil, "robust/...").WithEnv("CGO_ENABLED=1")

// TestOddCode runs every pass over code that has broken analyzers before:
// cgo, build tags, generated files, //line directives, generic channels,
// method values and closures as goroutine bodies, recursion. None may
// panic or fail; the findings that matter are checked.
func TestOddCode(t *testing.T) {
	t.Parallel()
	found := analyzeGOPATH(t, robust, "robust/...")
	for _, want := range []string{
		"clienttimeout cgo.go:15",
		"clienttimeout on.go:8",
		"clienttimeout template.tmpl:40",
	} {
		if !slices.Contains(found, want) {
			t.Errorf("missing finding %q; found:\n%s", want, strings.Join(found, "\n"))
		}
	}
	for _, f := range found {
		if strings.Contains(f, "gen.go") || strings.Contains(f, "off.go") {
			t.Errorf("finding in a generated or excluded file: %s", f)
		}
	}
}

// TestHugeFunction checks that a function with thousands of blocks is
// analysed without a crash and within the test's deadline.
func TestHugeFunction(t *testing.T) {
	t.Parallel()
	gopath := t.TempDir()
	dir := filepath.Join(gopath, "src", "huge")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("package huge\n\nimport \"context\"\n\nfunc Big(ctx context.Context, in []int, out chan int) {\n\tgo func() {\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "\t\tif len(in) > %d {\n\t\t\tselect {\n\t\t\tcase out <- in[%d]:\n\t\t\tcase <-ctx.Done():\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n", i, i)
	}
	b.WriteString("\t}()\n}\n")
	if err := os.WriteFile(filepath.Join(dir, "huge.go"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if found := analyzeGOPATH(t, passtest.FixturesIn(gopath, "huge"), "huge"); len(found) != 0 {
		t.Errorf("every send is guarded, yet: %v", found)
	}
}
