package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
	return writeSource(t, "package gen\n"+generated(n, funcs))
}

// generated returns the functions writeGenerated writes.
func generated(n, funcs int) string {
	var b strings.Builder
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
	return b.String()
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
// the way, so that the state budgets are the ones that run out: the
// package's work is earned per instruction, and its allowance is capped
// at that, so both are lifted.
func statesOnly() engine.Config {
	cfg := engine.DefaultConfig()
	cfg.MaxWork, cfg.FirstWork, cfg.PackageWork, cfg.MaxCells = 1<<40, 1<<40, 1<<40, 1<<40
	cfg.WorkPerInstr = 1 << 30
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
	if got, rounds := st.States+st.Forks, cfg.FirstStates*3+cfg.MaxStates; got > rounds {
		t.Errorf("states+forks = %d, more than the three rounds' budgets %d", got, rounds)
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
	cfg.PackageWork, cfg.WorkPerInstr = 10000, 10
	cfg.FirstWork = cfg.MaxWork // one round, shared
	st, instrs := workOf(t, root, cfg)
	if cfg.PackageWork > cfg.WorkPerInstr*instrs {
		t.Fatalf("the package's %d instructions earn less than the allowance %d: TestSmallPackageWork's case", instrs, cfg.PackageWork)
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

// TestSmallPackageWork checks that the fixed allowance of a package's
// work is capped at what its instructions earn: with the default bounds, a
// small package whose one scope cannot finish spends twice its
// instructions' work, far less than the allowance, over all its rounds.
func TestSmallPackageWork(t *testing.T) {
	t.Parallel()
	root := writeGenerated(t, 12, 1)
	cfg := engine.DefaultConfig()
	st, instrs := workOf(t, root, cfg)
	earned := cfg.WorkPerInstr * instrs
	if earned >= cfg.PackageWork/4 {
		t.Fatalf("%d instructions earn %d, not small beside the allowance %d", instrs, earned, cfg.PackageWork)
	}
	if st.OutOfBudget != 1 {
		t.Fatalf("OutOfBudget = %d, want the one scope out of budget (stats %+v)", st.OutOfBudget, st)
	}
	// As in TestWorkBudget, one state's copy may overshoot.
	if work := st.Steps + st.Cells; work < 2*earned || work > 2*earned+2000 {
		t.Errorf("work = %d, want twice the %d the package's %d instructions earn (stats %+v)", work, earned, instrs, st)
	}
}

// workOf runs an engine with cfg on the package at root and returns its
// counters and the package's instruction count from the trace.
func workOf(t *testing.T, root string, cfg engine.Config) (engine.Stats, int) {
	t.Helper()
	var trace strings.Builder
	cfg.Trace = &trace
	st := statsOf(t, root, cfg)
	_, after, _ := strings.Cut(trace.String(), " instrs=")
	instrs, err := strconv.Atoi(strings.Fields(after + " ")[0])
	if err != nil {
		t.Fatalf("no instruction count in the trace: %v", err)
	}
	return st, instrs
}

// TestQuiet checks that a scope nothing of which can wait is not
// searched, nor one that waits only on what it did not make (a finding
// needs an object of the scope or a nil channel), and that a wait reached
// only through a method of a type converted to an interface keeps the
// scope, as do objects made in a callee or held in a struct's field.
func TestQuiet(t *testing.T) {
	t.Parallel()
	root := writeSource(t, `package gen

import "sync"

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

// given waits only on what its caller gives it: quiet too.
func given(c chan int, mu *sync.Mutex, w waiter) {
	go func() {
		mu.Lock()
		c <- 1
		mu.Unlock()
	}()
	<-c
}

// viaInterface waits through an interface method.
func viaInterface() {
	var w waiter = chanWaiter{c: make(chan int)}
	go w.wait()
}

func newChan() chan int { return make(chan int) }

// viaCallee waits on a channel a callee makes.
func viaCallee() {
	c := newChan()
	go func() { c <- 1 }()
}

type holder struct {
	mu   sync.Mutex
	done chan struct{}
}

// viaField waits on the nil channel of a struct it makes.
func viaField() {
	h := &holder{}
	go func() { <-h.done }()
}
`)
	st := statsOf(t, root, engine.DefaultConfig())
	// quiet and given are quiet; viaInterface, viaCallee and viaField
	// are searched.
	if st.Quiet != 2 || st.Scopes != 3 {
		t.Errorf("Quiet, Scopes = %d, %d; want 2, 3 (stats %+v)", st.Quiet, st.Scopes, st)
	}
}

// TestRetryRounds checks the rounds: a scope that runs out is searched
// again with twice as much under the package's share, then with four
// times the first round's budget, and so on; a scope that calls another
// which ran out too is searched once only, since its search holds the
// other's.
func TestRetryRounds(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("package gen\n\nfunc outer() {\n\tfanIn0()\n}\n")
	root := writeSource(t, b.String()+generated(100, 1))
	st, trace := fourRounds(t, root)
	var budgets []int
	searches := searchesIn(trace)
	for line := range strings.Lines(trace) {
		if rest, ok := strings.CutPrefix(line, "engine: gen.fanIn0: {Scopes:1 States:"); ok {
			n, err := strconv.Atoi(strings.Fields(rest)[0])
			if err != nil {
				t.Fatalf("bad trace line %q", line)
			}
			budgets = append(budgets, n)
		}
	}
	if searches["gen.outer"] != 1 || searches["gen.fanIn0"] != 4 {
		t.Errorf("searches = %v; want gen.outer once, gen.fanIn0 in four rounds", searches)
	}
	// States and forks together reach each round's bound: 100, 200,
	// 400, 1600. A search ends at its bound, with no fork, in states.
	want := []int{100, 200, 400, 1600}
	if !slices.Equal(budgets, want) {
		t.Errorf("fanIn0's states per round = %v, want %v (stats %+v)", budgets, want, st)
	}
}

// TestForkBound checks that a scope that runs out in its forks (branches
// on unknown values before any operation, whose paths double with each
// and end before the next state, here in a panic) is not searched again,
// while one that runs out in its states is.
func TestForkBound(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("package gen\n\nfunc branchy(xs []int) {\n\tc := make(chan int)\n\tgo func() { c <- 1 }()\n\tn := 0\n")
	for i := range 20 {
		fmt.Fprintf(&b, "\tif xs[%d] > 0 {\n\t\tn++\n\t} else {\n\t\tn--\n\t}\n", i)
	}
	b.WriteString("\tif n < 100 {\n\t\tpanic(n)\n\t}\n\t<-c\n}\n")
	root := writeSource(t, b.String()+generated(100, 1))
	st, trace := fourRounds(t, root)
	searches := searchesIn(trace)
	if searches["gen.branchy"] != 1 || searches["gen.fanIn0"] != 4 {
		t.Errorf("searches = %v; want gen.branchy once, gen.fanIn0 in four rounds (stats %+v)", searches, st)
	}
	if st.OutOfBudget != 2 {
		t.Errorf("OutOfBudget = %d, want 2 (stats %+v)", st.OutOfBudget, st)
	}
}

// TestGiveUpRun checks that the retries of a package end when, in a round
// after the second, the cheapest scopes left run out one after another
// with their whole budget: of ten scopes that cannot finish, eight are
// searched in the third round and none in a fourth.
func TestGiveUpRun(t *testing.T) {
	t.Parallel()
	root := writeSource(t, "package gen\n"+generated(20, 10))
	cfg := statesOnly()
	cfg.FirstStates = 100
	cfg.MaxStates = 100 * 64
	var trace strings.Builder
	cfg.Trace = &trace
	st := statsOf(t, root, cfg)
	searches := searchesIn(trace.String())
	total, thrice := 0, 0
	for _, n := range searches {
		total += n
		if n == 3 {
			thrice++
		}
	}
	if len(searches) != 10 || total != 28 || thrice != 8 {
		t.Errorf("searches = %v (%d); want ten scopes, eight of them searched thrice, 28 in all (stats %+v)", searches, total, st)
	}
	if st.OutOfBudget != 10 {
		t.Errorf("OutOfBudget = %d, want 10 (stats %+v)", st.OutOfBudget, st)
	}
}

// fourRounds searches the package at root with a first round of 100
// states and a whole budget of 16 times that (rounds of 100, 200, 400 and
// 1600 states), returning the counters and the engine's trace.
func fourRounds(t *testing.T, root string) (engine.Stats, string) {
	t.Helper()
	cfg := statesOnly()
	cfg.FirstStates = 100
	cfg.MaxStates = 100 * 16
	cfg.MaxThreads = 200
	var trace strings.Builder
	cfg.Trace = &trace
	st := statsOf(t, root, cfg)
	return st, trace.String()
}

// searchesIn counts, per scope, the searches an engine trace announces.
func searchesIn(trace string) map[string]int {
	searches := map[string]int{}
	for line := range strings.Lines(trace) {
		if name, ok := strings.CutPrefix(line, "engine: searching "); ok {
			searches[strings.TrimSpace(name)]++
		}
	}
	return searches
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
