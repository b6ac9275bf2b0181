package chanmodel_test

import (
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/passes/buildssa"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
)

// queryAll is a pass that asks the model every question about every
// function from several goroutines at once, as noexit and unguardedsend
// do when a driver runs them in parallel over one package.
var queryAll = &analysis.Analyzer{
	Name:     "queryall",
	Doc:      "queries the channel model concurrently",
	Requires: []*analysis.Analyzer{buildssa.Analyzer, chanmodel.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		res := pass.ResultOf[chanmodel.Analyzer].(*chanmodel.Result)
		funcs := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA).SrcFuncs
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for _, fn := range funcs {
					res.Summary(fn)
					res.Abandons(fn)
					res.Stuck(fn)
					for _, sp := range res.Spawns(fn) {
						res.SpawnBlocked(fn, sp)
						if sp.Body != nil {
							res.Callee(sp.Body)
						}
					}
				}
			})
		}
		wg.Wait()
		return nil, nil
	},
}

// TestConcurrentQueries fails under the race detector (.ci/run runs it with
// -race) if a query memoises into the model without holding its lock; a
// plain run may still die of a concurrent map write.
func TestConcurrentQueries(t *testing.T) {
	t.Parallel()
	pkgs := fixtures.Load(t).Roots(t, "chanmodel/...", "noexit/...", "unguardedsend/...")
	if len(pkgs) < 10 {
		t.Fatalf("loaded %d fixture packages, want the chanmodel, noexit and unguardedsend ones", len(pkgs))
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{queryAll}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for act := range graph.All() {
		if act.Err != nil {
			t.Errorf("%s on %s: %v", act.Analyzer.Name, act.Package.PkgPath, act.Err)
		}
	}
}
