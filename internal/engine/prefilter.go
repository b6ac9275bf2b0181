package engine

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// blockers finds the scopes that cannot end in a finding: no function
// they may run (their own, the package's functions and closures they
// name, the methods of the types they convert to interfaces) has an
// operation that can block, or none makes an object such an operation
// could wait on forever. A finding is a goroutine waiting on an object
// the scope made (what comes from outside may be completed from outside)
// or on a nil channel; the search of a scope with neither can find
// nothing, so it is not searched. Reachability is over-approximated: a
// function named anywhere counts as run.
type blockers struct {
	pkg   *ssa.Package
	local map[*ssa.Function]bool // the function itself has a blocking operation
	makes map[*ssa.Function]bool // the function itself may make what a wait can be stuck on
	calls map[*ssa.Function][]*ssa.Function
	holds map[types.Type]bool // memo of mayHold
}

// newBlockers prepares the test for the scopes of package pkg.
func newBlockers(pkg *ssa.Package) *blockers {
	return &blockers{pkg: pkg, local: map[*ssa.Function]bool{}, makes: map[*ssa.Function]bool{},
		calls: map[*ssa.Function][]*ssa.Function{}, holds: map[types.Type]bool{}}
}

// mayBlock reports whether some function scope fn may run has an
// operation that can block, and some (the same or another) may make an
// object on which it could wait forever.
func (b *blockers) mayBlock(fn *ssa.Function) bool {
	seen := map[*ssa.Function]bool{fn: true}
	work := []*ssa.Function{fn}
	blocks, makes := false, false
	for len(work) > 0 {
		f := work[len(work)-1]
		work = work[:len(work)-1]
		b.scan(f)
		blocks = blocks || b.local[f]
		makes = makes || b.makes[f]
		if blocks && makes {
			return true
		}
		for _, g := range b.calls[f] {
			if !seen[g] {
				seen[g] = true
				work = append(work, g)
			}
		}
	}
	return false
}

// scan records, once per function, whether f has a blocking operation
// and which functions it names.
func (b *blockers) scan(f *ssa.Function) {
	if _, ok := b.local[f]; ok {
		return
	}
	blocks, makes := false, false
	var named []*ssa.Function
	add := func(g *ssa.Function) {
		if g != nil && g.Blocks != nil && (g.Pkg == b.pkg || g.Synthetic != "") {
			named = append(named, g)
		}
	}
	var ops []*ssa.Value
	for _, bb := range f.Blocks {
		for _, instr := range bb.Instrs {
			if isBlocking(instr) {
				blocks = true
			}
			if !makes && b.isSource(instr) {
				makes = true
			}
			if mi, ok := instr.(*ssa.MakeInterface); ok {
				b.methods(mi, add)
			}
			if c, ok := instr.(ssa.CallInstruction); ok {
				add(c.Common().StaticCallee())
			}
			ops = instr.Operands(ops[:0])
			for _, op := range ops {
				if op == nil {
					continue
				}
				switch v := (*op).(type) {
				case *ssa.Function:
					add(v)
				case *ssa.Const:
					if v.Value == nil && b.nilWaitable(v.Type()) {
						makes = true // a nil channel blocks forever
					}
				}
			}
		}
	}
	for _, anon := range f.AnonFuncs {
		add(anon)
	}
	b.local[f] = blocks
	b.makes[f] = makes
	b.calls[f] = named
}

// methods adds the package's methods of the type mi converts to an
// interface: an invoke on the interface may run any of them.
func (b *blockers) methods(mi *ssa.MakeInterface, add func(*ssa.Function)) {
	prog := b.pkg.Prog
	mset := prog.MethodSets.MethodSet(mi.X.Type())
	for i := range mset.Len() {
		add(prog.MethodValue(mset.At(i)))
	}
}

// isBlocking reports whether instr may wait: a send, a receive, a select,
// or a call of a sync method that waits.
func isBlocking(instr ssa.Instruction) bool {
	switch in := instr.(type) {
	case *ssa.Send, *ssa.Select:
		return true
	case *ssa.UnOp:
		return in.Op == token.ARROW
	case ssa.CallInstruction:
		c := in.Common().StaticCallee()
		if c == nil || c.Pkg == nil || c.Pkg.Pkg.Path() != "sync" {
			return false
		}
		switch c.Name() {
		case "Lock", "RLock", "Wait":
			return true
		}
	}
	return false
}

// isSource reports whether instr may make an object that a wait can be
// stuck on: a channel, a map (whose missing entries are zero values), a
// variable that holds a channel or a sync primitive, a context or timer
// (the engine models the standard library's), a Cond, or a select with
// no cases, which waits on nothing.
func (b *blockers) isSource(instr ssa.Instruction) bool {
	switch in := instr.(type) {
	case *ssa.MakeChan, *ssa.MakeMap:
		return true
	case *ssa.Alloc:
		p, ok := in.Type().Underlying().(*types.Pointer)
		if !ok {
			return true
		}
		switch p.Elem().Underlying().(type) {
		case *types.Chan, *types.Pointer:
			if storedAtOnce(in) {
				// A captured parameter or a variable declared with a
				// value: the zero it starts with is never read.
				return false
			}
		}
		return b.mayHold(p.Elem(), 0)
	case *ssa.Select:
		return len(in.States) == 0 && in.Blocking
	case ssa.CallInstruction:
		c := in.Common().StaticCallee()
		if c == nil || c.Pkg == nil || c.Pkg.Pkg == nil {
			return false
		}
		switch c.Pkg.Pkg.Path() {
		case "context", "time":
			return true
		case "sync":
			return c.Name() == "NewCond"
		}
	}
	return false
}

// nilWaitable reports whether a nil value of type t can be waited on
// forever: a nil channel, or a nil *sync.WaitGroup.
func (b *blockers) nilWaitable(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Chan:
		return true
	case *types.Pointer:
		_, ok := syncKind(u.Elem())
		return ok
	}
	_, ok := types.Unalias(t).(*types.TypeParam)
	return ok
}

// mayHold reports whether a new variable of type t may hold something a
// wait can be stuck on: a channel (nil until set), a sync primitive, or a
// nil pointer to one, in the variable itself, its struct fields or its
// array elements. A type parameter may be any of them.
func (b *blockers) mayHold(t types.Type, depth int) bool {
	if v, ok := b.holds[t]; ok {
		return v
	}
	v := true
	if _, ok := types.Unalias(t).(*types.TypeParam); !ok && depth < 10 {
		v = b.holds1(t, depth)
	}
	b.holds[t] = v
	return v
}

// holds1 is mayHold without the memo.
func (b *blockers) holds1(t types.Type, depth int) bool {
	if _, ok := syncKind(t); ok {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Chan:
		return true
	case *types.Pointer:
		return b.nilWaitable(u)
	case *types.Array:
		return b.mayHold(u.Elem(), depth+1)
	case *types.Struct:
		for i := range u.NumFields() {
			if b.mayHold(u.Field(i).Type(), depth+1) {
				return true
			}
		}
	}
	return false
}

// storedAtOnce reports whether the instruction after alloc stores a value
// in it.
func storedAtOnce(alloc *ssa.Alloc) bool {
	instrs := alloc.Block().Instrs
	for i, instr := range instrs {
		if instr == alloc && i+1 < len(instrs) {
			st, ok := instrs[i+1].(*ssa.Store)
			return ok && st.Addr == alloc
		}
	}
	return false
}
