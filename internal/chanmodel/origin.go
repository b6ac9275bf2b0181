package chanmodel

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// maxOriginDepth bounds the walk from a channel to the variable holding it.
const maxOriginDepth = 8

// sharedKey returns the key of the shared channel v is loaded from: a
// package-level variable ("pkgpath.name") or a field of a struct reached
// from a method receiver or a package-level variable ("pkgpath.Type.field").
// It returns "" for any other channel, including fields of structs the
// function made or was handed as an ordinary argument: those may well be
// per-call channels, and precision comes first.
func (m *model) sharedKey(fn *ssa.Function, v ssa.Value) string {
	switch v := v.(type) {
	case *ssa.ChangeType:
		return m.sharedKey(fn, v.X)
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return "" // not a load
		}
		switch a := v.X.(type) {
		case *ssa.Global:
			if a.Pkg == nil {
				return "" // synthetic
			}
			return a.Pkg.Pkg.Path() + "." + a.Name()
		case *ssa.FieldAddr:
			if m.baseShared(fn, a.X, 0) {
				return fieldKey(a.X.Type(), a.Field)
			}
		}
	case *ssa.Field:
		if m.baseShared(fn, v.X, 0) {
			return fieldKey(v.X.Type(), v.Field)
		}
	}
	return ""
}

// fieldKey returns "pkgpath.Type.field" for field i of the named struct
// type t (or pointer to it), or "" if the struct is unnamed.
func fieldKey(t types.Type, i int) string {
	if p, ok := types.Unalias(t).Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return "" // an anonymous struct: no stable name
	}
	obj := named.Origin().Obj()
	st, ok := named.Underlying().(*types.Struct)
	if !ok || obj.Pkg() == nil || i >= st.NumFields() {
		return "" // not a struct of a package
	}
	return obj.Pkg().Path() + "." + obj.Name() + "." + st.Field(i).Name()
}

// baseShared reports whether the struct x is shared beyond one call: a
// method receiver, a package-level variable, something reached from them,
// or a captured variable holding one of those.
func (m *model) baseShared(fn *ssa.Function, x ssa.Value, depth int) bool {
	if depth > maxOriginDepth {
		return false // give up on long chains
	}
	switch x := x.(type) {
	case *ssa.Parameter:
		return fn.Signature.Recv() != nil && len(fn.Params) > 0 && fn.Params[0] == x
	case *ssa.Global:
		return true
	case *ssa.FieldAddr:
		return m.baseShared(fn, x.X, depth+1)
	case *ssa.Field:
		return m.baseShared(fn, x.X, depth+1)
	case *ssa.UnOp:
		if x.Op != token.MUL {
			return false // not a load
		}
		switch y := x.X.(type) {
		case *ssa.Global:
			return true
		case *ssa.FieldAddr:
			return m.baseShared(fn, y.X, depth+1)
		case *ssa.Alloc:
			return m.cellShared(fn, y, depth+1)
		case *ssa.FreeVar:
			return m.freeVarShared(fn, y, depth+1)
		}
	}
	return false
}

// cellShared reports whether every value stored in the local variable a is
// shared: the spilled receiver of a method whose closures capture it.
func (m *model) cellShared(fn *ssa.Function, a *ssa.Alloc, depth int) bool {
	refs := a.Referrers()
	if refs == nil {
		return false
	}
	stores := 0
	for _, instr := range *refs {
		st, ok := instr.(*ssa.Store)
		if !ok || st.Addr != a {
			continue // loads and closures do not change it
		}
		if !m.baseShared(fn, st.Val, depth+1) {
			return false
		}
		stores++
	}
	return stores > 0
}

// freeVarShared reports whether the captured variable fv of the closure fn
// holds a shared struct in every place the closure is made.
func (m *model) freeVarShared(fn *ssa.Function, fv *ssa.FreeVar, depth int) bool {
	parent := fn.Parent()
	idx := -1
	for i, f := range fn.FreeVars {
		if f == fv {
			idx = i
		}
	}
	if parent == nil || idx < 0 {
		return false // not a closure we can see made
	}
	found := false
	for _, b := range parent.Blocks {
		for _, instr := range b.Instrs {
			mc, ok := instr.(*ssa.MakeClosure)
			if !ok || mc.Fn != fn || idx >= len(mc.Bindings) {
				continue // another instruction or closure
			}
			var shared bool
			switch bind := mc.Bindings[idx].(type) {
			case *ssa.Alloc:
				shared = m.cellShared(parent, bind, depth+1)
			case *ssa.FreeVar:
				shared = m.freeVarShared(parent, bind, depth+1)
			}
			if !shared {
				return false
			}
			found = true
		}
	}
	return found
}
