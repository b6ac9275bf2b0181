package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroutinelint/goroutinelint/internal/engine"
)

// writeGenerated writes a package with funcs functions, each of which makes n channels
// and starts n goroutines, each sending its token on a shared channel and
// then waiting on its own, and returns the GOPATH root holding it. Which
// goroutines the spawner serves first is an interleaving choice, so the
// states number in the millions.
func writeGenerated(t testing.TB, n, funcs int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("package gen\n")
	for f := range funcs {
		fmt.Fprintf(&b, "\nfunc fanIn%d() {\n\tout := make(chan int)\n", f)
		for i := range n {
			fmt.Fprintf(&b, "\tc%d := make(chan int)\n", i)
		}
		for i := range n {
			fmt.Fprintf(&b, "\tgo func() {\n\t\tout <- %d\n\t\t<-c%d\n\t}()\n", i, i)
		}
		b.WriteString("\tfor i := 0; i < 3; i++ {\n\t\t<-out\n\t}\n}\n")
	}
	return writeSource(t, b.String())
}

// writeSource writes package gen with source src and returns the GOPATH
// root holding it.
func writeSource(t testing.TB, src string) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "src", "gen")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gen.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// statsOf runs an engine with cfg on the generated package and returns its
// counters.
func statsOf(t testing.TB, root string, cfg engine.Config) engine.Stats {
	eng := engine.New(cfg)
	var stats engine.Stats
	a := &analysis.Analyzer{
		Name:     "enginestats",
		Doc:      "collect the engine's counters",
		Requires: []*analysis.Analyzer{eng},
		Run: func(pass *analysis.Pass) (any, error) {
			stats = pass.ResultOf[eng].(*engine.Result).Stats
			return nil, nil
		},
	}
	analysistest.Run(t, root, a, "gen")
	return stats
}

// statesOnly returns the default bounds with the work budgets out of
// the way, so that the state budgets are the ones that run out.
func statesOnly() engine.Config {
	cfg := engine.DefaultConfig()
	cfg.MaxWork, cfg.FirstWork, cfg.PackageWork, cfg.MaxCells = 1<<40, 1<<40, 1<<40, 1<<40
	return cfg
}

// TestBudget checks that the search of a package with hundreds of
// goroutines and channels stops at its state budget, a counter, and
// reports nothing for the scope it could not finish: first at the first
// round's bound, then at the full one.
func TestBudget(t *testing.T) {
	t.Parallel()
	root := writeGenerated(t, 200, 1)
	cfg := statesOnly()
	cfg.FirstStates = 500
	cfg.MaxStates = 2000
	cfg.MaxThreads = 400
	st := statsOf(t, root, cfg)
	if st.OutOfBudget != 1 || st.Scopes != 1 {
		t.Errorf("OutOfBudget, Scopes = %d, %d; want 1, 1 (stats %+v)", st.OutOfBudget, st.Scopes, st)
	}
	if got := st.States + st.Forks; got > cfg.FirstStates+cfg.MaxStates {
		t.Errorf("states+forks = %d, more than the two rounds' budgets %d+%d", got, cfg.FirstStates, cfg.MaxStates)
	}
	if st.Goroutines < 200 {
		t.Errorf("Goroutines = %d, want the 200 the function starts", st.Goroutines)
	}
}

// TestPackageBudget checks that the scopes of one package share its
// budget: the second scope gets what the first left, and the others are
// not searched.
func TestPackageBudget(t *testing.T) {
	t.Parallel()
	root := writeGenerated(t, 50, 4)
	cfg := statesOnly()
	cfg.FirstStates = 2000 // one round, in effect: the first spends it all
	cfg.MaxStates = 2000
	cfg.MaxPackageStates = 3000
	cfg.MaxThreads = 100
	st := statsOf(t, root, cfg)
	if got := st.States + st.Forks; got > cfg.MaxPackageStates {
		t.Errorf("states+forks = %d, more than the package budget %d", got, cfg.MaxPackageStates)
	}
	if st.Scopes != 2 || st.OutOfBudget != 2 || st.Skipped != 2 {
		t.Errorf("Scopes, OutOfBudget, Skipped = %d, %d, %d; want 2, 2, 2 (stats %+v)", st.Scopes, st.OutOfBudget, st.Skipped, st)
	}
}

// TestWorkBudget checks that the scopes of a package stop at the
// package's work budget (instructions interpreted and values copied, a
// counter), which grows with the package's instructions, whatever their
// state budgets: each scope gets its share of it, none finishes, and
// together they stay within it.
func TestWorkBudget(t *testing.T) {
	t.Parallel()
	root := writeGenerated(t, 50, 4)
	cfg := engine.DefaultConfig()
	cfg.MaxStates, cfg.FirstStates, cfg.MaxPackageStates = 1<<30, 1<<30, 1<<30
	cfg.MaxThreads = 100
	cfg.PackageWork, cfg.WorkPerInstr = 30000, 10
	cfg.FirstWork = cfg.MaxWork // one round, shared
	var trace strings.Builder
	cfg.Trace = &trace
	st := statsOf(t, root, cfg)
	_, after, _ := strings.Cut(trace.String(), " instrs=")
	instrs, err := strconv.Atoi(strings.Fields(after + " ")[0])
	if err != nil {
		t.Fatalf("no instruction count in the trace: %v", err)
	}
	// The budget may be overshot by the copy of one state at most (of 50
	// goroutines, well under 2000 values).
	budget := cfg.PackageWork + cfg.WorkPerInstr*instrs
	if work := st.Steps + st.Cells; work < budget || work > budget+2000 {
		t.Errorf("work = %d, want the package budget %d (%d instructions)", work, budget, instrs)
	}
	if st.Scopes != 4 || st.OutOfBudget != 4 || st.Skipped != 0 {
		t.Errorf("Scopes, OutOfBudget, Skipped = %d, %d, %d; want 4, 4, 0 (stats %+v)", st.Scopes, st.OutOfBudget, st.Skipped, st)
	}
}

// TestQuiet checks that a scope nothing of which can wait is not
// searched, and that a wait reached only through a method of a type
// converted to an interface keeps the scope.
func TestQuiet(t *testing.T) {
	t.Parallel()
	root := writeSource(t, `package gen

type waiter interface{ wait() }

type chanWaiter struct{ c chan int }

func (w chanWaiter) wait() { <-w.c }

func count(n int) int { return n + 1 }

// quiet starts goroutines that only compute.
func quiet() {
	for i := 0; i < 3; i++ {
		go count(i)
	}
}

// viaInterface waits through an interface method.
func viaInterface() {
	var w waiter = chanWaiter{c: make(chan int)}
	go w.wait()
}
`)
	st := statsOf(t, root, engine.DefaultConfig())
	if st.Quiet != 1 || st.Scopes != 1 {
		t.Errorf("Quiet, Scopes = %d, %d; want 1, 1 (stats %+v)", st.Quiet, st.Scopes, st)
	}
}

// BenchmarkBudget measures a search that runs to its default budget.
func BenchmarkBudget(b *testing.B) {
	root := writeGenerated(b, 200, 1)
	cfg := engine.DefaultConfig()
	cfg.MaxThreads = 400
	for b.Loop() {
		statsOf(b, root, cfg)
	}
}
