package enginediag_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/goroutinelint/goroutinelint/internal/engine"
	"github.com/goroutinelint/goroutinelint/internal/enginediag"
	"github.com/goroutinelint/goroutinelint/internal/passtest"
)

// reporter reports every finding of Sends and Waits with its category and
// related locations (message@line) in the message, so that fixtures can
// state positions with // want.
var reporter = &analysis.Analyzer{
	Name:     "enginediagtest",
	Doc:      "report the engine's findings as the checks would place them",
	Requires: []*analysis.Analyzer{buildssa.Analyzer, inspect.Analyzer, engine.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		ssaRes := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
		idx := enginediag.NewIndex(pass, pass.ResultOf[inspect.Analyzer].(*inspector.Inspector), ssaRes.SrcFuncs)
		res := pass.ResultOf[engine.Analyzer].(*engine.Result)
		report := func(what string, f enginediag.Finding) {
			var rel []string
			for _, r := range f.Related {
				rel = append(rel, fmt.Sprintf("%s@%d", r.Message, pass.Fset.Position(r.Pos).Line))
			}
			pass.Reportf(f.Pos, "%s: %s [%s] related: %s", what, f.Message, f.Category, strings.Join(rel, ", "))
		}
		for _, f := range idx.Sends(res) {
			report("send", f)
		}
		for _, f := range idx.Waits(res) {
			report("wait", f)
		}
		return nil, nil
	},
}

// fixtures is the tree of the package's fixtures, loaded once, with the
// standard library from export data (analysistest.Run would type-check
// sync's dependencies from source for every run).
var fixtures = passtest.Fixtures(nil, "enginediag/...")

// Test checks the positions, categories, messages and related locations.
func Test(t *testing.T) {
	t.Parallel()
	passtest.Run(t, fixtures, reporter, "enginediag/...")
}
