package engine

import (
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// blockers finds the scopes that cannot wait at all: no function they may
// run (their own, the package's functions and closures they name, the
// methods of the types they convert to interfaces) has an operation that
// can block. The search of such a scope can find nothing, so it is not
// searched. Reachability is over-approximated: a function named anywhere
// counts as run.
type blockers struct {
	pkg   *ssa.Package
	local map[*ssa.Function]bool // the function itself has a blocking operation
	calls map[*ssa.Function][]*ssa.Function
}

// newBlockers prepares the test for the scopes of package pkg.
func newBlockers(pkg *ssa.Package) *blockers {
	return &blockers{pkg: pkg, local: map[*ssa.Function]bool{}, calls: map[*ssa.Function][]*ssa.Function{}}
}

// mayBlock reports whether some function scope fn may run has an
// operation that can block.
func (b *blockers) mayBlock(fn *ssa.Function) bool {
	seen := map[*ssa.Function]bool{fn: true}
	work := []*ssa.Function{fn}
	for len(work) > 0 {
		f := work[len(work)-1]
		work = work[:len(work)-1]
		b.scan(f)
		if b.local[f] {
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
	blocks := false
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
			if mi, ok := instr.(*ssa.MakeInterface); ok {
				b.methods(mi, add)
			}
			if c, ok := instr.(ssa.CallInstruction); ok {
				add(c.Common().StaticCallee())
			}
			ops = instr.Operands(ops[:0])
			for _, op := range ops {
				if op != nil {
					if g, ok := (*op).(*ssa.Function); ok {
						add(g)
					}
				}
			}
		}
	}
	for _, anon := range f.AnonFuncs {
		add(anon)
	}
	b.local[f] = blocks
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
