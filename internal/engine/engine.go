package engine

import (
	"cmp"
	_ "embed"
	"fmt"
	"go/token"
	"go/types"
	"io"
	"reflect"
	"slices"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
	"github.com/goroutinelint/goroutinelint/internal/lint"
)

// Name is the analyzer's name.
const Name = "engine"

//go:embed doc.go
var docFile string

// doc is the analyzer's documentation, taken from the package comment.
var doc = lint.MustExtractDoc(docFile, Name)

// Config bounds the search. The zero value is not useful; start from
// DefaultConfig.
type Config struct {
	MaxStates int // states and forks per scope; past it the scope reports nothing
	MaxCells  int // values copied between states per scope; past it likewise
	// MaxWork bounds the work of one scope: instructions interpreted plus
	// values copied between states, a count that follows the time spent
	// whatever the shape of the states.
	MaxWork int
	// PackageWork and WorkPerInstr bound the work of all the scopes of a
	// package: WorkPerInstr for each SSA instruction of the package's
	// functions, so that the search costs at most a fixed share of what
	// building the package's SSA costs, plus an allowance of PackageWork
	// for small packages, capped at what the instructions earn (see
	// packageWork). A scope gets at most what the earlier ones left, and
	// once it is spent the remaining scopes are not searched.
	PackageWork, WorkPerInstr int
	// FirstStates and FirstWork bound each scope in a first round over
	// the package's scopes; those that run out are searched again with
	// twice as much, then four, sixteen... times as much in the next
	// rounds, up to MaxStates and MaxWork (see roundBudget).
	FirstStates, FirstWork int
	// MaxPackageStates bounds the states and forks of all the scopes of
	// one package: a scope gets at most what the earlier ones left, and
	// once it is spent the remaining scopes are not searched.
	MaxPackageStates int
	LoopBound        int // back edges per loop header and frame before a thread is given up
	// QuietLoopBound is the bound for back edges of iterations that
	// neither forked nor completed an operation.
	QuietLoopBound int
	MaxDepth       int // frames per goroutine: deeper calls are unknown code
	MaxSteps       int // instructions between two operations before a thread is given up
	MaxBlocks      int // larger functions are unknown code
	// MaxThreads bounds the goroutines of one execution; past it a go
	// statement starts unknown code (what it is given escapes).
	MaxThreads int
	// Trace, when set, receives one line per scope searched: its name and
	// counters (for scripts/enginebench).
	Trace io.Writer
}

// DefaultConfig returns the bounds used by the passes.
func DefaultConfig() Config {
	return Config{MaxStates: 10000, MaxPackageStates: 400000, MaxCells: 4000000, MaxWork: 4000000, PackageWork: 300000, WorkPerInstr: 100, FirstStates: 1000, FirstWork: 10000, LoopBound: 3, QuietLoopBound: 64, MaxDepth: 12, MaxSteps: 20000, MaxBlocks: 200, MaxThreads: 64}
}

// New returns an engine analyzer with the given bounds.
func New(cfg Config) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:       Name,
		Doc:        doc,
		URL:        "https://github.com/goroutinelint/goroutinelint#engine",
		Requires:   []*analysis.Analyzer{buildssa.Analyzer, chanmodel.Analyzer},
		ResultType: reflect.TypeFor[*Result](),
		Run:        func(pass *analysis.Pass) (any, error) { return run(pass, &cfg), nil },
	}
}

// Analyzer is the engine with DefaultConfig.
var Analyzer = New(DefaultConfig())

// Kind is what a stuck goroutine waits on.
type Kind uint8

// The kinds of waits.
const (
	Other     Kind = iota
	Send           // a send statement
	Recv           // a receive
	Range          // the receive of a range over a channel
	Select         // a select with no default
	NilChan        // a receive on a nil channel
	NoCases        // select {}
	Lock           // sync.Mutex.Lock or sync.RWMutex.Lock
	RLock          // sync.RWMutex.RLock
	WaitGroup      // sync.WaitGroup.Wait
	Cond           // sync.Cond.Wait
	NilSend        // a send on a nil channel
)

var kindNames = [...]string{"other", "send", "receive", "range", "select", "nil channel", "select {}", "lock", "rlock", "waitgroup", "cond", "nil channel send"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "other"
}

// What the other goroutines of a witness did.
const (
	Returned = "returned" // the goroutine (or the scope's function) returned here
	Blocked  = "blocked"  // it waits forever here too
)

// An Event is where another goroutine of the scope went instead of
// completing the wait.
type Event struct {
	Pos  token.Pos
	What string    // Returned or Blocked
	Go   token.Pos // the go statement that started it; NoPos for the scope's function
}

// A Stuck goroutine can wait forever: in some execution of its scope every
// goroutine that could complete its wait has returned, waits forever too,
// or can no longer reach the object.
type Stuck struct {
	Scope *ssa.Function // the function the search started from
	// Go is the go statement that started the goroutine; NoPos when the
	// goroutine is the scope's own function, which then never returns.
	Go      token.Pos
	Entry   *ssa.Function // the function the goroutine runs
	Op      token.Pos     // the operation it waits on
	Kind    Kind
	Made    token.Pos // where the channel or primitive was made, if known
	Witness []Event
	// Holder is, for a wait to lock a Mutex (or an RWMutex a writer
	// holds), the goroutine that holds it: where it is blocked or
	// returned; its What is "" when the holder is unknown. HolderKind is
	// what it waits on when blocked, and Locked where it took the lock.
	// Self: the waiting goroutine holds the lock itself.
	Holder     Event
	HolderKind Kind
	Locked     token.Pos
	Self       bool
	// ReadHeld: the lock Self holds is a read lock. Writer, for a read
	// lock taken again, is where the package write-locks the same field:
	// a writer waiting there between the two read locks blocks both.
	// Calls are the calls from Entry down to Op, when the second lock is
	// taken in a callee.
	ReadHeld bool
	Writer   token.Pos
	Calls    []token.Pos
}

// Stats counts the work of the search, for debugging and budget tests.
type Stats struct {
	Scopes      int // functions searched
	States      int // states visited
	Forks       int // branches on unknown conditions
	Cells       int // values copied between states
	Steps       int // instructions interpreted
	OutOfBudget int // scopes abandoned at their budget (of states or work)
	Skipped     int // scopes never searched: the package's budget was spent
	Quiet       int // scopes not searched: nothing they run can wait
	Havoc       int // threads given up at a bound
	Goroutines  int // goroutines started in the searches
	Depth       int // deepest path of a search
}

// Result is the engine's answer for one package.
type Result struct {
	// Stuck lists the goroutines that can wait forever, one per go
	// statement (or scope function) and operation, in position order.
	Stuck []*Stuck
	Stats Stats
}

// StartedAt returns the stuck goroutines that a go statement at pos
// starts.
func (r *Result) StartedAt(pos token.Pos) []*Stuck {
	var out []*Stuck
	for _, s := range r.Stuck {
		if s.Go == pos {
			out = append(out, s)
		}
	}
	return out
}

// In returns the stuck goroutines started in fn (by a go statement of fn),
// and fn itself when it can never return.
func (r *Result) In(fn *ssa.Function) []*Stuck {
	var out []*Stuck
	for _, s := range r.Stuck {
		if s.Go == token.NoPos && s.Entry == fn || s.Go != token.NoPos && s.Go >= fn.Pos() && s.Go < fn.Syntax().End() {
			out = append(out, s)
		}
	}
	return out
}

// run searches every scope of the package.
func run(pass *analysis.Pass, cfg *Config) *Result {
	start := time.Now() // for the trace only
	if cfg.Trace != nil {
		fmt.Fprintf(cfg.Trace, "engine: package start %s\n", pass.Pkg.Path())
	}
	ssaRes := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	res := &Result{}
	infos := map[*ssa.Function]*fnInfo{}
	seen := map[stuckKey]bool{}
	std := map[*ssa.Package]bool{}
	model := pass.ResultOf[chanmodel.Analyzer].(*chanmodel.Result)
	ends := func(fn *ssa.Function) bool {
		s := model.Summary(fn)
		return s != nil && s.NeverReturns && !s.Forever
	}
	pkg := &pkgSearch{pass: pass, cfg: cfg, res: res, infos: infos, seen: seen, std: std,
		work: packageWork(cfg, countInstrs(ssaRes.SrcFuncs)), ends: ends}
	// Rounds: every scope first gets a small budget, which most finish
	// within; then the scopes that ran out are searched again with four
	// times as much, and so on up to the full budget, while the package
	// has work left: a few scopes too large to finish do not starve the
	// small ones, wherever they come in the package.
	var scopes []*ssa.Function
	bl := newBlockers(ssaRes.Pkg)
	rs, calls := roots(ssaRes.SrcFuncs)
	pkg.goOf = goBodies(ssaRes.SrcFuncs, rs)
	for _, fn := range rs {
		if !bl.mayBlock(fn) {
			res.Stats.Quiet++
			continue // nothing the scope runs can wait: it has no finding
		}
		scopes = append(scopes, fn)
	}
	for round := 0; len(scopes) > 0; round++ {
		states, work := roundBudget(cfg, round)
		var retry []*ssa.Function
		cost := map[*ssa.Function]float64{}
		failed := 0 // scopes in a row that ran out in this round
		for i, fn := range scopes {
			if round >= 2 && failed >= giveUpRun {
				break
			}
			// In the first two rounds no scope takes more than its share
			// of what the package has left, so that every scope gets a
			// try, and a scope that nearly finished gets to finish. A
			// later round gives each scope, cheapest first, its whole
			// budget while the package has some: a scope restarts from
			// nothing, so a share barely larger than its last round's
			// would only repeat it.
			budget := work
			if round < 2 {
				budget = min(work, (pkg.work-res.Stats.Steps-res.Stats.Cells)/(len(scopes)-i))
			}
			x := pkg.search(fn, states, budget)
			switch {
			case x == nil:
				continue
			case !x.out:
				failed = 0
				continue
			}
			failed++
			if (states < cfg.MaxStates || work < cfg.MaxWork) && !forkBound(x.stats) {
				retry = append(retry, fn)
				cost[fn] = float64(x.stats.Steps+x.stats.Cells) / float64(1+x.stats.States+x.stats.Forks)
			}
		}
		if round >= 2 && failed >= giveUpRun {
			// The cheapest scopes left ran out with their whole budget:
			// the costlier ones would too, in this round or the next.
			break
		}
		retry = dropCallers(retry, calls)
		// The cheapest states first: a scope whose states cost little
		// gets further with the same work.
		slices.SortStableFunc(retry, func(a, b *ssa.Function) int { return cmp.Compare(cost[a], cost[b]) })
		scopes = retry
	}
	res.Stats.Scopes = pkg.scopes
	res.Stuck = addSelfLocks(res.Stuck, findSelfLocks(ssaRes.Pkg, ssaRes.SrcFuncs))
	res.Stuck = dropCovered(res.Stuck)
	if cfg.Trace != nil {
		fmt.Fprintf(cfg.Trace, "engine: package %s: %v instrs=%d %+v\n", pass.Pkg.Path(), time.Since(start).Round(time.Millisecond), countInstrs(ssaRes.SrcFuncs), res.Stats)
	}
	slices.SortFunc(res.Stuck, func(a, b *Stuck) int {
		if a.Op != b.Op {
			return int(a.Op - b.Op)
		}
		if a.Go != b.Go {
			return int(a.Go - b.Go)
		}
		// Scopes' own functions stuck at one operation: the checks report
		// the first, so the order must not depend on the search's.
		return cmp.Or(cmp.Compare(entryPos(a), entryPos(b)), cmp.Compare(entryName(a), entryName(b)))
	})
	return res
}

// packageWork returns the work budget of a package of instrs SSA
// instructions: WorkPerInstr for each, plus the fixed allowance
// PackageWork, which lets a small package's few scopes finish, but never
// more than the instructions earn themselves: a package whose every scope
// runs out would otherwise spend the whole allowance however small it is,
// many times what checking it costs (a package of 500 instructions gets
// 100000, not 350000).
func packageWork(cfg *Config, instrs int) int {
	earned := cfg.WorkPerInstr * instrs
	return earned + min(cfg.PackageWork, earned)
}

// forkHeavy is how many forks per state mark a search that ran out as
// bound by its forks.
const forkHeavy = 4

// forkBound reports whether a search that ran out spent its budget on
// forks rather than states: on paths through branches on unknown values
// between two operations, whose number doubles with each branch, so that
// four times the budget buys two more branches and seldom the end. Such
// a scope is not searched again. (On the corpus, no scope that ran out
// with more than four forks per state finished in a later round; those
// that did had about as many forks as states.)
func forkBound(st Stats) bool {
	return st.Forks > forkHeavy*st.States
}

// giveUpRun is how many scopes in a row, cheapest first, must run out
// with their whole budget in a round after the second for the retries of
// the package to end.
const giveUpRun = 8

// roundBudget returns the states and work each scope gets in a round
// (from 0): the first round's, then twice as much, for the scopes that
// nearly finished, then four, sixteen... times the first round's, up to
// the scope's bounds.
func roundBudget(cfg *Config, round int) (states, work int) {
	states, work = min(cfg.FirstStates, cfg.MaxStates), min(cfg.FirstWork, cfg.MaxWork)
	switch {
	case round == 1:
		states, work = 2*states, 2*work
	case round > 1:
		for range round - 1 {
			states, work = 4*states, 4*work
			if states >= cfg.MaxStates && work >= cfg.MaxWork {
				break
			}
		}
	}
	return min(states, cfg.MaxStates), min(work, cfg.MaxWork)
}

// A pkgSearch searches the scopes of one package within its budget.
type pkgSearch struct {
	pass   *analysis.Pass
	cfg    *Config
	res    *Result
	infos  map[*ssa.Function]*fnInfo
	seen   map[stuckKey]bool
	std    map[*ssa.Package]bool
	work   int                      // the package's work budget
	scopes int                      // scopes searched at least once
	tried  map[*ssa.Function]bool   // scopes searched once
	ends   func(*ssa.Function) bool // callees not followed that end the path
	goOf   map[*ssa.Function]token.Pos
}

// search searches scope fn within maxStates and maxWork and what the
// package has left, adds its findings and counters to the result, and
// returns it; nil when the package's budget is spent or the search
// crashed.
func (p *pkgSearch) search(fn *ssa.Function, maxStates, maxWork int) *search {
	st := &p.res.Stats
	left := p.cfg.MaxPackageStates - st.States - st.Forks
	work := p.work - st.Steps - st.Cells
	if p.tried == nil {
		p.tried = map[*ssa.Function]bool{}
	}
	retried := p.tried[fn]
	if left <= 0 || work <= 0 {
		if !retried {
			st.Skipped++
		}
		return nil // the package's budget is spent: the scope is unknown
	}
	if !retried {
		p.tried[fn] = true
		p.scopes++
	}
	scfg := *p.cfg
	scfg.MaxStates = min(maxStates, left)
	scfg.MaxWork = min(maxWork, work)
	x := newSearch(&scfg, fn, p.infos, p.std)
	x.ends = p.ends
	x.goOf = p.goOf
	if p.cfg.Trace != nil {
		fmt.Fprintf(p.cfg.Trace, "engine: searching %s\n", fn)
	}
	if !lint.Guard(Name, p.pass.Pkg.Path(), fn, x.run) {
		return nil // a crash: the scope is unknown
	}
	addStats(st, x.stats)
	st.Scopes = 0 // counted once per scope, by run
	if retried {
		st.OutOfBudget-- // the first round's: this round's counts instead
	}
	if p.cfg.Trace != nil {
		fmt.Fprintf(p.cfg.Trace, "engine: %s: %+v found=%d\n", fn, x.stats, len(x.found))
	}
	for k, s := range x.found {
		if !p.seen[k] {
			p.seen[k] = true
			p.res.Stuck = append(p.res.Stuck, s)
		}
	}
	return x
}

// addSelfLocks adds the self-lock rule's findings to the search's, but
// for operations the search found stuck already.
func addSelfLocks(all, self []*Stuck) []*Stuck {
	at := map[token.Pos]bool{}
	for _, s := range all {
		at[s.Op] = true
	}
	for _, s := range self {
		if !at[s.Op] {
			all = append(all, s)
		}
	}
	return all
}

// countInstrs returns the number of SSA instructions of funcs.
func countInstrs(funcs []*ssa.Function) int {
	n := 0
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			n += len(b.Instrs)
		}
	}
	return n
}

// dropCovered drops the findings on a scope's own function waiting at an
// operation where a goroutine of another scope is found stuck too: that
// function is the goroutine's body, searched again as a scope of its own,
// and one finding per stuck goroutine is enough.
func dropCovered(all []*Stuck) []*Stuck {
	spawned := map[token.Pos]bool{}
	for _, s := range all {
		if s.Go.IsValid() {
			spawned[s.Op] = true
		}
	}
	return slices.DeleteFunc(all, func(s *Stuck) bool { return !s.Go.IsValid() && spawned[s.Op] })
}

// addStats adds b to a.
func addStats(a *Stats, b Stats) {
	a.Scopes += b.Scopes
	a.States += b.States
	a.Forks += b.Forks
	a.Cells += b.Cells
	a.Steps += b.Steps
	a.OutOfBudget += b.OutOfBudget
	a.Skipped += b.Skipped
	a.Quiet += b.Quiet
	a.Havoc += b.Havoc
	a.Goroutines += b.Goroutines
	a.Depth = max(a.Depth, b.Depth)
}

// roots returns the scopes to search: the functions that start goroutines,
// directly or through functions of the package they call.
func roots(funcs []*ssa.Function) ([]*ssa.Function, map[*ssa.Function][]*ssa.Function) {
	spawns := map[*ssa.Function]bool{}
	calls := map[*ssa.Function][]*ssa.Function{}
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case *ssa.Go:
					spawns[fn] = true
				case ssa.CallInstruction:
					c := in.Common().StaticCallee()
					switch {
					case c == nil:
					case c.Pkg == fn.Pkg:
						calls[fn] = append(calls[fn], c)
					case isWaitGroupGo(c):
						spawns[fn] = true
					}
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, fn := range funcs {
			if spawns[fn] {
				continue
			}
			for _, c := range calls[fn] {
				if spawns[c] {
					spawns[fn], changed = true, true
					break
				}
			}
		}
	}
	var out []*ssa.Function
	for _, fn := range funcs {
		if spawns[fn] && fn.Synthetic == "" && fn.Blocks != nil {
			out = append(out, fn)
		}
	}
	return out, calls
}

// dropCallers returns the scopes of out, which ran out of budget, less
// those that call another of them (through the package's functions) that
// does not call them back: such a scope runs the other's search inside
// its own, so it cannot finish within a budget that did not let the other
// finish, and its retry would spend the package's budget for nothing.
func dropCallers(out []*ssa.Function, calls map[*ssa.Function][]*ssa.Function) []*ssa.Function {
	if len(out) < 2 {
		return out
	}
	in := map[*ssa.Function]bool{}
	for _, fn := range out {
		in[fn] = true
	}
	// reach returns the scopes of out that fn calls, directly or not.
	reach := func(fn *ssa.Function) map[*ssa.Function]bool {
		seen := map[*ssa.Function]bool{fn: true}
		found := map[*ssa.Function]bool{}
		work := []*ssa.Function{fn}
		for len(work) > 0 {
			f := work[len(work)-1]
			work = work[:len(work)-1]
			for _, g := range calls[f] {
				if !seen[g] {
					seen[g] = true
					work = append(work, g)
					if in[g] {
						found[g] = true
					}
				}
			}
		}
		return found
	}
	reached := map[*ssa.Function]map[*ssa.Function]bool{}
	for _, fn := range out {
		reached[fn] = reach(fn)
	}
	return slices.DeleteFunc(slices.Clone(out), func(a *ssa.Function) bool {
		for b := range reached[a] {
			if b != a && !reached[b][a] {
				return true
			}
		}
		return false
	})
}

// goBodies returns the go statement of each scope that one go statement
// of the package starts and nothing else names: a function literal, or an
// unexported function that is not a method (or any function of package
// main), with no captured variable and only numbers, strings and booleans
// as parameters (searched as unknown, as every scope's are). The goroutine
// shares nothing with the function that starts it, so its own scope is
// searched as that goroutine (started by that go statement), and the
// scopes around it do not start it again.
func goBodies(funcs, scopes []*ssa.Function) map[*ssa.Function]token.Pos {
	cand := map[*ssa.Function]bool{}
	for _, fn := range scopes {
		if len(fn.FreeVars) > 0 || !basicParams(fn) {
			continue // it may be given an object
		}
		if fn.Parent() == nil && (fn.Signature.Recv() != nil || fn.Object() == nil ||
			fn.Object().Exported() && fn.Pkg.Pkg.Name() != "main") {
			continue // callers this package does not see may run it
		}
		cand[fn] = true
	}
	if len(cand) == 0 {
		return nil
	}
	uses := map[*ssa.Function]int{}
	at := map[*ssa.Function]token.Pos{}
	var ops []*ssa.Value
	for _, f := range funcs {
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				for _, op := range instr.Operands(ops[:0]) {
					fn, ok := (*op).(*ssa.Function)
					if !ok || !cand[fn] {
						continue
					}
					uses[fn]++
					if g, ok := instr.(*ssa.Go); ok && g.Call.Value == fn {
						at[fn] = g.Pos()
					}
				}
			}
		}
	}
	out := map[*ssa.Function]token.Pos{}
	for fn := range cand {
		if uses[fn] == 1 && at[fn].IsValid() {
			out[fn] = at[fn]
		}
	}
	return out
}

// basicParams reports whether every parameter of fn is a number, a
// string or a boolean: nothing through which objects are shared.
func basicParams(fn *ssa.Function) bool {
	for _, p := range fn.Params {
		b, ok := p.Type().Underlying().(*types.Basic)
		if !ok || b.Kind() == types.UnsafePointer {
			return false
		}
	}
	return true
}

// entryPos and entryName order stuck goroutines that share an operation
// and a go statement by the function they run.
func entryPos(s *Stuck) token.Pos {
	if s.Entry == nil {
		return token.NoPos
	}
	return s.Entry.Pos()
}

func entryName(s *Stuck) string {
	if s.Entry == nil {
		return ""
	}
	return s.Entry.String()
}
