package engine

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/lint"
)

// The self-lock rule: a function that takes a lock and, on some path
// with no unlock of it in between, takes it again (itself or through the
// package's functions it calls) waits forever on itself, whether or not
// it starts a goroutine. It needs no interleaving, so it is a walk of the
// paths of each function that locks, apart from the search of scopes.
//
// Identity is an access path: a parameter, free variable or global of the
// function walked, or a value made on the path (numbered by the instance
// of its block), followed by fields, loads and constant indices. Two
// locks are one object when their paths are equal. The walk stays silent
// when it cannot decide: an unlock of an object that may be the same
// (another path ending in the same field, or no field) releases the lock,
// a call it does not follow that may unlock releases every lock, a store
// of a pointer makes every path through a load stale, and branches on one
// condition (or its negation) go the same way each time on a path.

// Bounds of the walk.
const (
	selfLockSteps = 5000 // instructions per function walked
	selfLockDepth = 4    // frames, the walked function's included
	selfLockVisit = 2    // entries of one block per frame on a path
	// A package's walks together: a fixed amount plus so much per SSA
	// instruction of the package, a small share of building its SSA.
	selfLockPackage  = 50000
	selfLockPerInstr = 3
)

// selfLock is the walk of one package's functions.
type selfLock struct {
	pkg     *ssa.Package
	touches map[*ssa.Function]bool // functions that may (through calls) lock or unlock
	writers map[*types.Var]token.Pos
	handoff map[*types.Var]bool // fields some function unlocks without locking them: another goroutine may
	found   []*Stuck
	at      map[token.Pos]bool
	steps   int // work on the current function: instructions and values copied at forks
	limit   int // its bound
}

// heldLock is a lock held on a path: its access path, the field its path
// ends in (nil when none), whether it is a read lock, and where it was
// taken.
type heldLock struct {
	key   string
	field *types.Var
	read  bool
	pos   token.Pos
	calls []token.Pos // the calls from the walked function down to pos
}

// slFrame is one call on a path.
type slFrame struct {
	fn     *ssa.Function
	id     string               // the call's instance: caller's id, call, instance of its block
	env    map[ssa.Value]string // parameters and free variables bound by the caller
	visits map[*ssa.BasicBlock]int
	block  *ssa.BasicBlock
	index  int
	defers []*ssa.CallCommon
	call   token.Pos // the call site in the caller
}

// slState is one path's state.
type slState struct {
	frames  []*slFrame
	held    []heldLock
	decided map[string]bool
}

// findSelfLocks walks the functions of the package that lock and returns
// the goroutines stuck on a lock they hold themselves.
func findSelfLocks(pkg *ssa.Package, funcs []*ssa.Function) []*Stuck {
	w := &selfLock{pkg: pkg, writers: map[*types.Var]token.Pos{}, at: map[token.Pos]bool{}}
	w.touches = lockTouchers(pkg, funcs, w.writers)
	w.handoff = handoffs(funcs)
	left := selfLockPackage + selfLockPerInstr*countInstrs(funcs)
	for _, fn := range funcs {
		if fn.Synthetic != "" || len(fn.Blocks) == 0 || len(fn.Blocks) > 200 || !locksDirectly(fn) {
			continue // wrappers, bodiless, too large, or taking no lock itself
		}
		if left <= 0 {
			break // the package's budget is spent: the rest is unknown
		}
		w.steps, w.limit = 0, min(selfLockSteps, left) // never more than the package has left
		fr := &slFrame{fn: fn, id: "", visits: map[*ssa.BasicBlock]int{}}
		fr.enter(fn.Blocks[0])
		lint.Guard(Name, pkg.Pkg.Path(), fn, func() {
			w.walk(&slState{frames: []*slFrame{fr}, decided: map[string]bool{}}, map[string]bool{})
		})
		left -= w.steps
	}
	return w.found
}

// locksDirectly reports whether fn calls Lock or RLock of a sync mutex.
func locksDirectly(fn *ssa.Function) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if c, ok := instr.(*ssa.Call); ok {
				if m, _ := mutexOp(c.Common()); m == "Lock" || m == "RLock" {
					return true
				}
			}
		}
	}
	return false
}

// mutexOp returns the name of the sync.Mutex or sync.RWMutex method call
// calls and whether it is of an RWMutex; "" when it is none.
func mutexOp(call *ssa.CallCommon) (string, bool) {
	fn := call.StaticCallee()
	if fn == nil || fn.Pkg == nil || fn.Pkg.Pkg.Path() != "sync" || len(call.Args) == 0 {
		return "", false
	}
	switch {
	case isSyncMethod(fn, fn.Name(), "(*sync.Mutex)."+fn.Name()):
		return fn.Name(), false
	case isSyncMethod(fn, fn.Name(), "(*sync.RWMutex)."+fn.Name()):
		return fn.Name(), true
	}
	return "", false
}

// lockTouchers returns the functions of the package that may lock or
// unlock, directly or through calls (a call the walk does not follow
// counts), and records in writers where an RWMutex field is write-locked.
func lockTouchers(pkg *ssa.Package, funcs []*ssa.Function, writers map[*types.Var]token.Pos) map[*ssa.Function]bool {
	touch := map[*ssa.Function]bool{}
	calls := map[*ssa.Function][]*ssa.Function{}
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				ci, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue // not a call
				}
				if _, isGo := instr.(*ssa.Go); isGo {
					continue // runs apart
				}
				c := ci.Common()
				if m, rw := mutexOp(c); m != "" {
					touch[fn] = true
					if rw && m == "Lock" {
						if f := lastField(c.Args[0]); f != nil && !writers[f].IsValid() {
							writers[f] = instr.Pos()
						}
					}
					continue
				}
				callee := c.StaticCallee()
				switch {
				case isBuiltin(c):
					// len, append, delete: no lock
				case callee == nil:
					touch[fn] = true // dynamic: it may unlock
				case callee.Pkg == pkg:
					calls[fn] = append(calls[fn], callee)
				case hasFuncArg(c):
					touch[fn] = true // a callback may unlock
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for fn, cs := range calls {
			if touch[fn] {
				continue
			}
			for _, c := range cs {
				if touch[c] {
					touch[fn], changed = true, true
					break
				}
			}
		}
	}
	return touch
}

// isBuiltin reports whether c calls a builtin function.
func isBuiltin(c *ssa.CallCommon) bool {
	_, ok := c.Value.(*ssa.Builtin)
	return ok
}

// handoffs returns the mutex fields that a function of the package
// unlocks without locking them itself: the lock may be handed from one
// goroutine to another, and a second Lock may be a wait for that unlock.
func handoffs(funcs []*ssa.Function) map[*types.Var]bool {
	out := map[*types.Var]bool{}
	for _, fn := range funcs {
		locked, unlocked := map[*types.Var]bool{}, map[*types.Var]bool{}
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				ci, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue // not a call
				}
				m, _ := mutexOp(ci.Common())
				f := (*types.Var)(nil)
				if m != "" {
					f = lastField(ci.Common().Args[0])
				}
				switch {
				case f == nil:
				case m == "Lock", m == "RLock", m == "TryLock", m == "TryRLock":
					locked[f] = true
				case m == "Unlock", m == "RUnlock":
					unlocked[f] = true
				}
			}
		}
		for f := range unlocked {
			if !locked[f] {
				out[f] = true
			}
		}
	}
	return out
}

// hasFuncArg reports whether a call passes a function value, which the
// callee may call.
func hasFuncArg(c *ssa.CallCommon) bool {
	for _, a := range c.Args {
		if _, ok := a.Type().Underlying().(*types.Signature); ok {
			return true
		}
	}
	return false
}

// lastField returns the field an address ends in, or nil.
func lastField(v ssa.Value) *types.Var {
	switch v := v.(type) {
	case *ssa.FieldAddr:
		return fieldOf(v.X.Type().Underlying().(*types.Pointer).Elem(), v.Field)
	case *ssa.Field:
		return fieldOf(v.X.Type(), v.Field)
	case *ssa.UnOp:
		if v.Op == token.MUL {
			return lastField(v.X)
		}
	}
	return nil
}

// fieldOf returns field i of struct type t.
func fieldOf(t types.Type, i int) *types.Var {
	if s, ok := t.Underlying().(*types.Struct); ok && i < s.NumFields() {
		return s.Field(i)
	}
	return nil
}

// enter makes b the frame's current block.
func (f *slFrame) enter(b *ssa.BasicBlock) {
	f.visits[b]++
	f.block, f.index = b, 0
}

// clone copies the state for a fork.
func (s *slState) clone() *slState {
	n := &slState{held: slices.Clone(s.held), decided: make(map[string]bool, len(s.decided))}
	for k, v := range s.decided {
		n.decided[k] = v
	}
	for _, f := range s.frames {
		g := *f
		g.visits = make(map[*ssa.BasicBlock]int, len(f.visits))
		for k, v := range f.visits {
			g.visits[k] = v
		}
		g.defers = slices.Clone(f.defers)
		n.frames = append(n.frames, &g)
	}
	return n
}

// memoKey names a state for the walk's memo: where each frame is and the
// locks held.
func (s *slState) memoKey() string {
	var b strings.Builder
	for _, f := range s.frames {
		b.WriteString(f.id)
		b.WriteByte('@')
		b.WriteString(strconv.Itoa(f.block.Index))
		b.WriteByte('#')
		b.WriteString(strconv.Itoa(f.visits[f.block]))
		b.WriteByte(';')
	}
	for _, h := range s.held {
		b.WriteString(h.key)
		if h.read {
			b.WriteByte('r')
		}
		b.WriteByte(',')
	}
	return b.String()
}

// walk follows the paths from s, forking at branches it cannot decide.
func (w *selfLock) walk(s *slState, memo map[string]bool) {
	for len(s.frames) > 0 {
		f := s.frames[len(s.frames)-1]
		if f.index == 0 {
			k := s.memoKey()
			if memo[k] {
				return // this point with these locks was walked
			}
			memo[k] = true
		}
		if f.index >= len(f.block.Instrs) {
			return // a block with no terminator: nothing to follow
		}
		instr := f.block.Instrs[f.index]
		f.index++
		if w.steps++; w.steps > w.limit {
			return // budget: the rest is unknown, and silent
		}
		switch in := instr.(type) {
		case *ssa.If:
			w.branch(s, f, in, memo)
			return
		case *ssa.Jump:
			if !w.jump(f, f.block.Succs[0]) {
				return
			}
		case *ssa.Return:
			if !w.ret(s) {
				return
			}
		case *ssa.RunDefers:
			if !w.runDefers(s, f) {
				return
			}
		case *ssa.Panic:
			return // the path ends
		case *ssa.Defer:
			f.defers = append(f.defers, in.Common())
		case *ssa.Go:
			s.releaseAll() // the goroutine may unlock what is held
		case *ssa.Store:
			if pointerish(in.Val.Type()) {
				s.staleLoads()
			}
		case *ssa.Call:
			if !w.call(s, f, in.Common(), in.Pos(), in) {
				return
			}
		case *ssa.Select, *ssa.Send, *ssa.MapUpdate:
			if m, ok := in.(*ssa.MapUpdate); ok && pointerish(m.Value.Type()) {
				s.staleLoads()
			}
		}
	}
}

// jump enters b from f's current block, unless b was entered as often as
// the bound allows; on a back edge, the instances of values made in the
// loop are new, which the block instances in their keys already say.
func (w *selfLock) jump(f *slFrame, b *ssa.BasicBlock) bool {
	if f.visits[b] >= selfLockVisit {
		return false // bound: the path is given up
	}
	f.enter(b)
	return true
}

// branch forks at an If unless its condition is decided on the path.
func (w *selfLock) branch(s *slState, f *slFrame, in *ssa.If, memo map[string]bool) {
	key, neg := w.condKey(s, f, in.Cond)
	try := func(s *slState, val bool) {
		f := s.frames[len(s.frames)-1]
		if key != "" {
			if d, ok := s.decided[key]; ok && d != (val != neg) {
				return // the other way was taken on this path
			}
			s.decided[key] = val != neg
		}
		succ := f.block.Succs[1]
		if val {
			succ = f.block.Succs[0]
		}
		if w.jump(f, succ) {
			w.walk(s, memo)
		}
	}
	if c, ok := in.Cond.(*ssa.Const); ok && c.Value != nil && c.Value.Kind() == constant.Bool {
		try(s, constant.BoolVal(c.Value))
		return
	}
	c := s.clone()
	for _, f := range c.frames {
		w.steps += len(f.visits) + len(f.defers)
	}
	w.steps += len(c.held) + len(c.decided)
	try(c, true)
	try(s, false)
}

// condKey returns the canonical form of a condition and whether the
// condition is its negation: "" when it has none.
func (w *selfLock) condKey(s *slState, f *slFrame, v ssa.Value) (string, bool) {
	switch v := v.(type) {
	case *ssa.UnOp:
		if v.Op == token.NOT {
			k, neg := w.condKey(s, f, v.X)
			return k, !neg
		}
	case *ssa.BinOp:
		x, y := w.sym(s, f, v.X), w.sym(s, f, v.Y)
		if x == "" || y == "" {
			return "", false
		}
		switch v.Op {
		case token.EQL, token.NEQ:
			if y < x {
				x, y = y, x
			}
			return "(" + x + "==" + y + ")", v.Op == token.NEQ
		case token.LSS:
			return "(" + x + "<" + y + ")", false
		case token.GEQ:
			return "(" + x + "<" + y + ")", true
		case token.GTR:
			return "(" + y + "<" + x + ")", false
		case token.LEQ:
			return "(" + y + "<" + x + ")", true
		}
	}
	return w.sym(s, f, v), false
}

// sym returns the access path of v in frame f, "" when unknown.
func (w *selfLock) sym(s *slState, f *slFrame, v ssa.Value) string {
	if k, ok := f.env[v]; ok {
		return k
	}
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value == nil {
			return "" // nil, or a zero value: no object
		}
		return "c:" + v.Value.ExactString()
	case *ssa.Global:
		return "g:" + v.Pkg.Pkg.Path() + "." + v.Name()
	case *ssa.Function:
		return "" // a function is no lock
	case *ssa.Parameter, *ssa.FreeVar:
		if len(s.frames) > 0 && s.frames[0] == f {
			return "p:" + v.Name()
		}
		return "" // unbound in a callee: unknown
	case *ssa.FieldAddr:
		if x := w.sym(s, f, v.X); x != "" {
			return x + ".f" + strconv.Itoa(v.Field)
		}
		return ""
	case *ssa.Field:
		if x := w.sym(s, f, v.X); x != "" {
			return x + ".v" + strconv.Itoa(v.Field)
		}
		return ""
	case *ssa.IndexAddr:
		x, i := w.sym(s, f, v.X), w.sym(s, f, v.Index)
		if x != "" && i != "" {
			return x + "[" + i + "]"
		}
		return ""
	case *ssa.UnOp:
		if v.Op == token.MUL {
			if x := w.sym(s, f, v.X); x != "" {
				return x + ".*"
			}
			return ""
		}
	case *ssa.Lookup:
		return "" // the walk knows no map's entries, nor whether one is there
	case *ssa.Extract:
		if _, ok := v.Tuple.(*ssa.Lookup); ok {
			return "" // likewise
		}
	case *ssa.ChangeType:
		return w.sym(s, f, v.X)
	case *ssa.MakeInterface:
		return w.sym(s, f, v.X)
	}
	// A value made on the path: its instance is the frame's and its
	// block's.
	instr, ok := v.(ssa.Instruction)
	if !ok || instr.Block() == nil {
		return ""
	}
	return "v" + f.id + "/" + strconv.Itoa(instr.Block().Index) + "." + strconv.Itoa(f.visits[instr.Block()]) + "/" + v.Name()
}

// pointerish reports whether values of t can hold a pointer, so that a
// store of one may change what a load yields.
func pointerish(t types.Type) bool {
	switch t := t.Underlying().(type) {
	case *types.Basic:
		return t.Kind() == types.UnsafePointer
	case *types.Array:
		return pointerish(t.Elem())
	case *types.Struct:
		for i := range t.NumFields() {
			if pointerish(t.Field(i).Type()) {
				return true
			}
		}
		return false
	}
	return true
}

// staleLoads makes the locks held through a load unmatchable: a store may
// have changed what the load yields.
func (s *slState) staleLoads() {
	for i := range s.held {
		if strings.Contains(s.held[i].key, ".*") {
			s.held[i].key = "stale:" + s.held[i].key + ":" + strconv.Itoa(i)
		}
	}
}

// releaseAll drops every lock held: code the walk does not follow may
// unlock them.
func (s *slState) releaseAll() { s.held = nil }

// call applies a call on the path; false ends the path.
func (w *selfLock) call(s *slState, f *slFrame, c *ssa.CallCommon, pos token.Pos, instr ssa.Instruction) bool {
	if m, _ := mutexOp(c); m != "" {
		w.mutex(s, f, m, c.Args[0], pos)
		return true
	}
	callee := c.StaticCallee()
	switch {
	case isBuiltin(c):
		return true // len, append, delete: no lock
	case callee == nil:
		s.releaseAll() // a dynamic call may unlock
		return true
	case callee.Pkg != w.pkg:
		if hasFuncArg(c) {
			s.releaseAll() // a callback may unlock
		}
		return true
	case !w.touches[callee]:
		return true // it neither locks nor unlocks
	case len(s.frames) >= selfLockDepth || len(callee.Blocks) == 0 || len(callee.Blocks) > 200:
		s.releaseAll() // not followed: it may unlock
		return true
	}
	for _, g := range s.frames {
		if g.fn == callee {
			s.releaseAll() // recursion: not followed
			return true
		}
	}
	if instr == nil {
		// A deferred call at a return: it is not followed.
		s.releaseAll()
		return true
	}
	env := map[ssa.Value]string{}
	args := c.Args
	for i, p := range callee.Params {
		if i < len(args) {
			if k := w.sym(s, f, args[i]); k != "" {
				env[p] = k
			}
		}
	}
	if mc, ok := c.Value.(*ssa.MakeClosure); ok {
		for i, fv := range callee.FreeVars {
			if i < len(mc.Bindings) {
				if k := w.sym(s, f, mc.Bindings[i]); k != "" {
					env[fv] = k
				}
			}
		}
	}
	id := f.id + "/" + strconv.Itoa(f.block.Index) + "." + strconv.Itoa(f.index) + "." + strconv.Itoa(f.visits[f.block])
	nf := &slFrame{fn: callee, id: id, env: env, visits: map[*ssa.BasicBlock]int{}, call: pos}
	nf.enter(callee.Blocks[0])
	s.frames = append(s.frames, nf)
	return true
}

// mutex applies a Lock, RLock, Unlock or RUnlock of the mutex at x.
func (w *selfLock) mutex(s *slState, f *slFrame, m string, x ssa.Value, pos token.Pos) {
	key, field := w.sym(s, f, x), lastField(x)
	switch m {
	case "Unlock", "RUnlock":
		s.held = slices.DeleteFunc(s.held, func(h heldLock) bool {
			// Another object may be the same unless both are fields and
			// different ones.
			return h.key == key || h.field == nil || field == nil || h.field == field
		})
	case "Lock", "RLock":
		if key == "" {
			return // unknown object: neither held nor matched
		}
		read := m == "RLock"
		for _, h := range s.held {
			if h.key != key {
				continue
			}
			w.report(s, h, read, pos, field)
			return
		}
		s.held = append(s.held, heldLock{key: key, field: field, read: read, pos: pos, calls: s.calls()})
	}
}

// calls returns the call sites from the walked function to the current
// frame.
func (s *slState) calls() []token.Pos {
	var out []token.Pos
	for _, f := range s.frames[1:] {
		out = append(out, f.call)
	}
	return out
}

// report records the second lock of h's object at pos. A read lock
// taken again blocks only when a writer waits in between: it is reported
// when the package write-locks the same field.
func (w *selfLock) report(s *slState, h heldLock, read bool, pos token.Pos, field *types.Var) {
	if !pos.IsValid() || w.at[pos] {
		return
	}
	if field != nil && w.handoff[field] {
		return // another goroutine may unlock it: the second lock may wait for that
	}
	var writer token.Pos
	if h.read && read {
		if field == nil || !w.writers[field].IsValid() {
			return // no writer known: recursive read locks do not block
		}
		writer = w.writers[field]
	}
	w.at[pos] = true
	kind := Lock
	if read {
		kind = RLock
	}
	top := s.frames[0].fn
	st := &Stuck{Scope: top, Entry: top, Op: pos, Kind: kind, Locked: h.pos, Self: true,
		Writer: writer, ReadHeld: h.read, Calls: s.calls()}
	w.found = append(w.found, st)
}

// ret returns from the current frame, running what it defers; false ends
// the path.
func (w *selfLock) ret(s *slState) bool {
	f := s.frames[len(s.frames)-1]
	if !w.runDefers(s, f) {
		return false
	}
	s.frames = s.frames[:len(s.frames)-1]
	return true
}

// runDefers runs f's deferred calls, the last first: unlocks apply, other
// calls that may unlock release every lock.
func (w *selfLock) runDefers(s *slState, f *slFrame) bool {
	for i := len(f.defers) - 1; i >= 0; i-- {
		c := f.defers[i]
		if m, _ := mutexOp(c); m == "Unlock" || m == "RUnlock" {
			w.mutex(s, f, m, c.Args[0], token.NoPos)
			continue
		}
		if !w.call(s, f, c, token.NoPos, nil) {
			return false
		}
	}
	f.defers = nil
	return true
}
