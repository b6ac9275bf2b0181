package engine_test

import (
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/goroutinelint/goroutinelint/internal/engine"
	"github.com/goroutinelint/goroutinelint/internal/passtest"
)

// reporter reports every stuck goroutine of the engine at its operation,
// so that fixtures can state the engine's result with // want.
func reporter(cfg engine.Config) *analysis.Analyzer {
	eng := engine.New(cfg)
	return &analysis.Analyzer{
		Name:     "enginetest",
		Doc:      "report the engine's stuck goroutines",
		Requires: []*analysis.Analyzer{eng},
		Run: func(pass *analysis.Pass) (any, error) {
			res := pass.ResultOf[eng].(*engine.Result)
			for _, st := range res.Stuck {
				pass.Reportf(st.Op, "%s blocks forever", st.Kind)
			}
			return nil, nil
		},
	}
}

// fixtures are the engine's fixture packages, loaded once, with the
// standard library from export data.
var fixtures = passtest.Fixtures(nil, "engine/...")

// Test runs the engine on its fixtures.
func Test(t *testing.T) {
	t.Parallel()
	passtest.Run(t, fixtures, reporter(engine.DefaultConfig()), "engine/...")
}

// TestDoc checks the analyzer's Doc, taken from the package comment.
func TestDoc(t *testing.T) {
	t.Parallel()
	passtest.CheckDoc(t, engine.Analyzer)
}
