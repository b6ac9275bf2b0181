package chanmodel

import (
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// maxOriginDepth bounds the walk from a channel to the variable holding it.
const maxOriginDepth = 8

// A baseKind says how long the struct holding a channel field lives.
type baseKind uint8

const (
	baseNone   baseKind = iota // made per call, handed in, or unknown
	baseGlobal                 // reached from a package-level variable
	baseRecv                   // reached from the method receiver (of the enclosing method, for a closure)
)

// sharedKey returns the key of the shared channel v is loaded from: a
// package-level variable ("pkgpath.name") or a field of a struct reached
// from a package-level variable or the method receiver
// ("pkgpath.Type.field"), and whether it is reached from the receiver: its
// callers decide then whether the receiver they pass is shared.
// It returns "" for any other channel, including fields of structs the
// function made or was handed as an ordinary argument: those may well be
// per-call channels, and precision comes first.
func (m *model) sharedKey(fn *ssa.Function, v ssa.Value) (string, bool) {
	var base baseKind
	key := ""
	switch v := v.(type) {
	case *ssa.ChangeType:
		return m.sharedKey(fn, v.X)
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return "", false // not a load
		}
		switch a := v.X.(type) {
		case *ssa.Global:
			if a.Pkg == nil {
				return "", false // synthetic
			}
			return a.Pkg.Pkg.Path() + "." + a.Name(), false
		case *ssa.FieldAddr:
			base = m.base(fn, a.X, 0)
			key = fieldKey(a.X.Type(), a.Field)
		}
	case *ssa.Field:
		base = m.base(fn, v.X, 0)
		key = fieldKey(v.X.Type(), v.Field)
	}
	if base == baseNone || key == "" {
		return "", false
	}
	return key, base == baseRecv
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

// base says where the struct x comes from: a method receiver, a
// package-level variable, something reached from them, or a captured
// variable holding one of those.
func (m *model) base(fn *ssa.Function, x ssa.Value, depth int) baseKind {
	if depth > maxOriginDepth {
		return baseNone // give up on long chains
	}
	switch x := x.(type) {
	case *ssa.Parameter:
		if fn.Signature.Recv() != nil && len(fn.Params) > 0 && fn.Params[0] == x {
			return baseRecv
		}
	case *ssa.Global:
		return baseGlobal
	case *ssa.FieldAddr:
		return m.base(fn, x.X, depth+1)
	case *ssa.Field:
		return m.base(fn, x.X, depth+1)
	case *ssa.UnOp:
		if x.Op != token.MUL {
			return baseNone // not a load
		}
		switch y := x.X.(type) {
		case *ssa.Global:
			return baseGlobal
		case *ssa.FieldAddr:
			return m.base(fn, y.X, depth+1)
		case *ssa.Alloc:
			return m.cellBase(fn, y, depth+1)
		case *ssa.FreeVar:
			return m.freeVarBase(fn, y, depth+1)
		}
	}
	return baseNone
}

// cellBase returns the common base of every value stored in the local
// variable a: the spilled receiver of a method whose closures capture it.
func (m *model) cellBase(fn *ssa.Function, a *ssa.Alloc, depth int) baseKind {
	refs := a.Referrers()
	if refs == nil {
		return baseNone
	}
	kind := baseNone
	for _, instr := range *refs {
		st, ok := instr.(*ssa.Store)
		if !ok || st.Addr != a {
			continue // loads and closures do not change it
		}
		k := m.base(fn, st.Val, depth+1)
		if k == baseNone || (kind != baseNone && k != kind) {
			return baseNone // a local value, or a mix
		}
		kind = k
	}
	return kind
}

// freeVarBase returns the base of the captured variable fv of the closure
// fn, the same in every place the closure is made. baseRecv then means the
// receiver of the method the closure is made in.
func (m *model) freeVarBase(fn *ssa.Function, fv *ssa.FreeVar, depth int) baseKind {
	if k, ok := m.freeBases[fv]; ok {
		return k
	}
	k := m.computeFreeVarBase(fn, fv, depth)
	m.freeBases[fv] = k
	return k
}

// computeFreeVarBase computes freeVarBase by scanning the parent.
func (m *model) computeFreeVarBase(fn *ssa.Function, fv *ssa.FreeVar, depth int) baseKind {
	parent := fn.Parent()
	idx := -1
	for i, f := range fn.FreeVars {
		if f == fv {
			idx = i
		}
	}
	if parent == nil || idx < 0 {
		return baseNone // not a closure we can see made
	}
	kind := baseNone
	for _, b := range parent.Blocks {
		for _, instr := range b.Instrs {
			mc, ok := instr.(*ssa.MakeClosure)
			if !ok || mc.Fn != fn || idx >= len(mc.Bindings) {
				continue // another instruction or closure
			}
			k := baseNone
			switch bind := mc.Bindings[idx].(type) {
			case *ssa.Alloc:
				k = m.cellBase(parent, bind, depth+1)
			case *ssa.FreeVar:
				k = m.freeVarBase(parent, bind, depth+1)
			}
			if k == baseNone || (kind != baseNone && k != kind) {
				return baseNone
			}
			kind = k
		}
	}
	return kind
}

// freshBufferedBefore reports whether fn, before it starts a goroutine at
// spawn, stores a newly made buffered channel in the field named key (a
// fieldKey): the per-start completion channel of a daemon's run method,
// whose goroutine signals it once when it ends (`f.done = make(chan
// struct{}, 1); go func() { defer func() { f.done <- struct{}{} }() ...`).
// The buffer takes that goroutine's send whether or not anyone reads it,
// so the field is no queue whose readers can fall behind. A channel made
// once, in a constructor, and sent to by goroutines started elsewhere is
// still one (fixture unguardedsend/shared).
func freshBufferedBefore(fn *ssa.Function, spawn ssa.Instruction, key string) bool {
	for _, b := range fn.Blocks {
		if !b.Dominates(spawn.Block()) {
			continue
		}
		for _, instr := range b.Instrs {
			if instr == spawn {
				break
			}
			st, ok := instr.(*ssa.Store)
			if !ok {
				continue
			}
			fa, ok := st.Addr.(*ssa.FieldAddr)
			if !ok || fieldKey(fa.X.Type(), fa.Field) != key {
				continue
			}
			if mk, ok := st.Val.(*ssa.MakeChan); ok {
				if n, ok := constInt(mk.Size); ok && n > 0 {
					return true
				}
			}
		}
	}
	return false
}

// constInt returns the value of v if it is an exact integer constant.
func constInt(v ssa.Value) (int64, bool) {
	c, ok := v.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(c.Value)
}
