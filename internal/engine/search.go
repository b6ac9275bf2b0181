package engine

import (
	"fmt"
	"go/token"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// A search explores the goroutines of one scope.
type search struct {
	cfg     *Config
	prog    *ssa.Program
	pkg     *ssa.Package
	root    *ssa.Function
	infos   map[*ssa.Function]*fnInfo
	visited map[uint64]bool
	h       hasher
	stats   Stats
	ids     uint64 // the last state id given
	tids    int32  // the last thread id given
	out     bool   // the state budget ran out
	depth   int    // current depth of the search
	found   map[stuckKey]*Stuck
	std     map[*ssa.Package]bool // memo of isStd, shared by the package's searches
	// ends reports whether a function the search does not follow ends the
	// goroutine or the program on every path (the channel model's summary).
	ends func(*ssa.Function) bool
	// goOf maps the function literals searched as the goroutine of their
	// one go statement to it (goBodies).
	goOf map[*ssa.Function]token.Pos
}

// stuckKey identifies a stuck goroutine: where it started and where it
// waits.
type stuckKey struct {
	goPos, op token.Pos
	entry     *ssa.Function
}

// newSearch prepares the search of scope root.
func newSearch(cfg *Config, root *ssa.Function, infos map[*ssa.Function]*fnInfo, std map[*ssa.Package]bool) *search {
	return &search{cfg: cfg, prog: root.Prog, pkg: root.Pkg, root: root, infos: infos,
		visited: map[uint64]bool{}, h: hasher{ids: map[*ssa.Function]uint64{}}, found: map[stuckKey]*Stuck{}, std: std}
}

// run explores the scope from its entry, with unknown parameters and free
// variables.
func (x *search) run() {
	x.ids++
	s := &state{id: x.ids, cells: &x.stats.Cells}
	fn := x.root
	args := make([]value, len(fn.Params))
	for i := range args {
		args[i] = s.unknown()
	}
	binds := make([]value, len(fn.FreeVars))
	for i := range binds {
		binds[i] = s.unknown()
	}
	f := x.newFrame(fn, binds, args, -1)
	f.owner = s.id
	x.tids++
	t0 := &thread{frames: []*frame{f}, entry: fn, root: true, tid: x.tids}
	if at, ok := x.goOf[fn]; ok {
		t0.goPos, t0.root = at, false // the goroutine of its go statement
	}
	s.threads = []*thread{t0}
	x.explore(s)
	x.stats.Scopes++
	if x.out {
		x.stats.OutOfBudget++
		clear(x.found) // a partial search reports nothing
	}
}

// explore runs every running thread of s to its next operation and
// searches from each state that results.
func (x *search) explore(s *state) {
	if x.spent() {
		return
	}
	if groups := x.components(s); len(groups) > 1 {
		// Goroutines that share no object cannot affect each other: each
		// group is searched alone instead of interleaving them all.
		for _, g := range groups {
			if x.spent() {
				return
			}
			x.explore(x.project(s, g))
		}
		return
	}
	for ti, t := range s.threads {
		if t.status == tRunning {
			x.runThread(s, ti, x.explore)
			return
		}
		if t.status == tAtOp && x.outsideOnly(s, t.op) {
			// An operation only on what code outside the scope holds does
			// not interleave with the scope's: complete it now (each way
			// it can). Dropping the executions in which it never
			// completes loses findings, never invents one.
			for _, tr := range s.enabled() {
				if tr.t == ti {
					if n := x.apply(s, tr); n != nil {
						x.explore(n)
					}
				}
			}
			return
		}
	}
	x.step(s)
}

// outsideOnly reports whether every object op names is unknown or escaped.
func (x *search) outsideOnly(s *state, op *operation) bool {
	if op.kind == opComm {
		if len(op.cases) == 0 {
			return false
		}
		for _, c := range op.cases {
			if tg, _ := s.targetOf(c.ch, oChan); tg != tgtEnv {
				return false
			}
		}
		return true
	}
	if op.kind == opCancel {
		return false
	}
	tg, _ := s.targetOf(op.x, oChan, oMutex, oRWMutex, oWaitGroup, oCond)
	return tg == tgtEnv
}

// step searches from a state in which every thread waits at an operation,
// is done or has been given up.
func (x *search) step(s *state) {
	if x.spent() {
		return
	}
	x.depth++
	defer func() { x.depth-- }()
	if x.depth > x.stats.Depth {
		x.stats.Depth = x.depth
		if x.cfg.Trace != nil && x.depth%500 == 0 {
			fmt.Fprintf(x.cfg.Trace, "engine: depth %d: %d threads, %d objects\n", x.depth, len(s.threads), len(s.heap))
			for _, t := range s.threads {
				if t.op != nil {
					fmt.Fprintf(x.cfg.Trace, "  at %v %v\n", x.prog.Fset.Position(t.op.pos), t.op.kind)
				} else {
					fmt.Fprintf(x.cfg.Trace, "  status %d\n", t.status)
				}
			}
		}
	}
	h := x.h.hash(s)
	if x.visited[h] {
		return
	}
	x.visited[h] = true
	x.stats.States++
	trs := s.enabled()
	if !slices.ContainsFunc(trs, transition.isInternal) {
		x.check(s)
	}
	for _, tr := range trs {
		if x.spent() {
			return
		}
		if n := x.apply(s, tr); n != nil {
			x.explore(n)
		}
	}
}

// clone copies s, counting the values copied against the budget.
func (x *search) clone(s *state) *state {
	c := s.clone()
	x.ids++
	c.id = x.ids
	x.stats.Cells += len(c.heap)
	for _, t := range c.threads {
		x.stats.Cells += 1 + len(t.frames)
	}
	return c
}

// cloneRunning is clone for a thread ti that goes on running in both s
// and the copy: the copy gets its own top frame of ti at once, and s keeps
// writing to its own in place, so that a fork copies that frame once and
// not twice.
func (x *search) cloneRunning(s *state, ti int) *state {
	t := s.threads[ti]
	f := t.frames[len(t.frames)-1]
	owned := f.owner == s.id && s.id != 0
	c := x.clone(s)
	ct := c.threads[ti]
	ct.frames[len(ct.frames)-1] = copyFrame(f, c.id)
	if owned {
		f.owner = s.id // no other state holds f
	}
	return c
}

// top returns the top frame of thread ti of s, for writing: a frame s
// shares with other states is copied first, and the copy counts against
// the budget.
func (x *search) top(s *state, ti int) *frame {
	t := s.threads[ti]
	f := t.frames[len(t.frames)-1]
	if f.owner != s.id || s.id == 0 {
		f = copyFrame(f, s.id)
		t.frames[len(t.frames)-1] = f
	}
	f.hok = false
	return f
}

// spent reports whether the scope's budget is used up, and marks it so:
// states and forks, and the values copied, which bound memory and time
// when states are large.
func (x *search) spent() bool {
	if x.stats.States+x.stats.Forks >= x.cfg.MaxStates || x.stats.Cells >= x.cfg.MaxCells || x.stats.Steps+x.stats.Cells >= x.cfg.MaxWork {
		x.out = true
	}
	return x.out
}

// components returns the groups of unfinished threads of s that reach
// disjoint objects, when there are several.
func (x *search) components(s *state) [][]int {
	var live []int
	for ti, t := range s.threads {
		if t.status != tDone {
			live = append(live, ti)
		}
	}
	if len(live) < 2 || len(live) == s.split {
		// Looked for on this path with as many threads: the groups seldom
		// change otherwise, and not splitting them is only slower.
		return nil
	}
	s.split = len(live)
	parent := make([]int, len(s.threads))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	// owner[id] is 1 + the first thread found to reach object id.
	owner := make([]int, len(s.heap))
	seen := make([]bool, len(s.heap))
	for _, ti := range live {
		clear(seen)
		s.threadReach(s.threads[ti], seen)
		for id, in := range seen {
			if !in {
				continue
			}
			if o := owner[id]; o > 0 {
				parent[find(ti)] = find(o - 1)
			} else {
				owner[id] = ti + 1
			}
		}
	}
	groups := map[int][]int{}
	var order []int
	for _, ti := range live {
		r := find(ti)
		if _, ok := groups[r]; !ok {
			order = append(order, r)
		}
		groups[r] = append(groups[r], ti)
	}
	if len(order) < 2 {
		return nil
	}
	out := make([][]int, len(order))
	for i, r := range order {
		out[i] = groups[r]
	}
	return out
}

// project returns a copy of s holding only the threads of group, and the
// finished ones as witnesses.
func (x *search) project(s *state, group []int) *state {
	p := x.clone(s)
	keep := map[int]bool{}
	for _, ti := range group {
		keep[ti] = true
	}
	all := p.threads
	p.threads = nil
	for ti, t := range all {
		if keep[ti] || t.status == tDone {
			p.threads = append(p.threads, t)
		}
	}
	return p
}

// check records the goroutines stuck in s, a state in which no operation
// within the scope can proceed: a goroutine waiting on objects that no
// goroutine still able to move (given up, or waiting on something outside
// the scope) can reach, and that did not escape, waits forever.
func (x *search) check(s *state) {
	if s.speculative {
		return
	}
	helped := make([]bool, len(s.heap))
	for id, o := range s.heap {
		if o.escaped {
			helped[id] = true
		}
	}
	live := make([]bool, len(s.threads))
	for ti, t := range s.threads {
		if t.status == tHavoc || t.status == tAtOp && x.waitsOutside(s, t.op) {
			live[ti] = true
			s.threadReach(t, helped)
		}
	}
	for changed := true; changed; {
		changed = false
		for ti, t := range s.threads {
			if live[ti] || t.status != tAtOp {
				continue
			}
			if x.touches(s, t.op, helped) {
				live[ti] = true
				s.threadReach(t, helped)
				changed = true
			}
		}
	}
	for ti, t := range s.threads {
		if live[ti] || t.status != tAtOp {
			continue
		}
		x.record(s, ti)
	}
}

// waitsOutside reports whether op may be completed by code outside the
// scope: it names an unknown or escaped object.
func (x *search) waitsOutside(s *state, op *operation) bool {
	if op.kind == opComm {
		for _, c := range op.cases {
			if tg, _ := s.targetOf(c.ch, oChan); tg == tgtEnv {
				return true
			}
		}
		return false
	}
	tg, _ := s.targetOf(op.x, oMutex, oRWMutex, oWaitGroup, oCond)
	return tg == tgtEnv
}

// touches reports whether op names one of the objects in set; for a Cond,
// its lock too.
func (x *search) touches(s *state, op *operation, set []bool) bool {
	seen := make([]bool, len(s.heap))
	for _, v := range op.objs() {
		s.reach(v, seen)
	}
	for id, in := range seen {
		if in && set[id] {
			return true
		}
	}
	return false
}

// record adds thread ti of s, stuck, to the findings, with its witness.
func (x *search) record(s *state, ti int) {
	t := s.threads[ti]
	op := t.op
	kind := kindOf(s, op)
	if t.root && kind == NoCases {
		return // select {} in the scope's own function: it means to block
	}
	key := stuckKey{t.goPos, op.pos, t.entry}
	if _, ok := x.found[key]; ok {
		return
	}
	st := &Stuck{Scope: x.root, Go: t.goPos, Entry: t.entry, Op: op.pos, Kind: kind}
	for _, v := range op.objs() {
		if v.k == vRef && v.f < 0 && v.n >= 0 && int(v.n) < len(s.heap) {
			if m := s.heap[v.n].made; m.IsValid() {
				st.Made = m
				break
			}
		}
	}
	for ui, u := range s.threads {
		if ui == ti {
			continue
		}
		switch u.status {
		case tDone:
			if u.endPos.IsValid() {
				st.Witness = append(st.Witness, Event{Pos: u.endPos, What: Returned, Go: u.goPos})
			}
		case tAtOp:
			st.Witness = append(st.Witness, Event{Pos: u.op.pos, What: Blocked, Go: u.goPos})
		}
	}
	x.holder(s, t, st)
	x.found[key] = st
}

// holder fills in who holds the lock that thread t of s, stuck in Lock or
// RLock, waits on, when a writer holds it.
func (x *search) holder(s *state, t *thread, st *Stuck) {
	if t.op.kind != opLock && t.op.kind != opRLock {
		return
	}
	tg, id := s.targetOf(t.op.x, oMutex, oRWMutex)
	if tg != tgtObj {
		return
	}
	m := s.heap[id]
	if m.count == 0 || m.heldBy == 0 {
		return // readers hold it, or the holder is unknown
	}
	st.Locked = m.heldAt
	if m.heldBy == t.tid {
		st.Self = true
		return
	}
	for _, u := range s.threads {
		if u.tid != m.heldBy {
			continue
		}
		switch u.status {
		case tDone:
			st.Holder = Event{Pos: u.endPos, What: Returned, Go: u.goPos}
		case tAtOp:
			st.Holder = Event{Pos: u.op.pos, What: Blocked, Go: u.goPos}
			st.HolderKind = kindOf(s, u.op)
		}
		return
	}
}

// kindOf classifies the operation a stuck thread waits on.
func kindOf(s *state, op *operation) Kind {
	switch op.kind {
	case opComm:
		if len(op.cases) == 0 {
			return NoCases
		}
		if len(op.cases) == 1 && op.form != formSelect {
			if tg, _ := s.targetOf(op.cases[0].ch, oChan); tg == tgtNil {
				if op.cases[0].send {
					return NilSend
				}
				return NilChan
			}
			if op.cases[0].send {
				return Send
			}
			if op.isRange {
				return Range
			}
			return Recv
		}
		return Select
	case opLock:
		return Lock
	case opRLock:
		return RLock
	case opWgWait:
		return WaitGroup
	case opCondWait:
		return Cond
	}
	return Other
}
