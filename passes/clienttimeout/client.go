package clienttimeout

import (
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// timeoutState says what a function does to a client's Timeout.
type timeoutState int

const (
	timeoutMissing timeoutState = iota // never assigned
	timeoutZero                        // assigned only constant zeros
	timeoutSet                         // assigned something else, copied, or unknown
)

// checkFunc reports the clients fn builds without a Timeout and the calls it
// makes to another module's functions that return such clients.
func (c *checker) checkFunc(fn *ssa.Function) {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch instr := instr.(type) {
			case *ssa.Alloc:
				c.checkAlloc(fn, instr)
			case *ssa.Call:
				c.checkHelperCall(instr)
			}
		}
	}
}

// checkAlloc reports alloc if it is a client, or a struct literal embedding
// one, whose Timeout fn never sets.
func (c *checker) checkAlloc(fn *ssa.Function, alloc *ssa.Alloc) {
	elem := types.Unalias(alloc.Type().Underlying().(*types.Pointer).Elem())
	var addrs []ssa.Value
	embedded := false
	switch {
	case isClient(elem):
		addrs = []ssa.Value{alloc}
	case alloc.Comment == "complit":
		idx := embeddedClientIndex(elem)
		if idx < 0 {
			return // no client inside
		}
		if wholeStore(alloc) {
			return // the struct was copied from another value
		}
		addrs = fieldAddrs(alloc, idx)
		embedded = true
	default:
		return // not a client
	}
	state, zeroAt := c.timeoutOf(fn, addrs)
	if state == timeoutSet {
		return // Timeout assigned, copied from another client, or handed to unknown code
	}
	if !embedded && !isUsed(alloc) {
		return // an unused zero value cannot send a request
	}
	c.reportAlloc(alloc, elem, embedded, state == timeoutZero, zeroAt)
	if returnsValue(fn, alloc) {
		c.exportHelperFact(fn, elem)
	}
}

// timeoutOf classifies the assignments fn makes to the Timeout field of the
// clients at addrs. For a zero assignment it also returns its position.
func (c *checker) timeoutOf(fn *ssa.Function, addrs []ssa.Value) (timeoutState, token.Pos) {
	state, zeroAt := timeoutMissing, token.NoPos
	for _, addr := range addrs {
		for _, ref := range *addr.Referrers() {
			switch ref := ref.(type) {
			case *ssa.FieldAddr:
				if ref.X != addr || !isTimeoutField(addr, ref.Field) {
					continue // another field
				}
				for _, st := range storesTo(ref) {
					if !isZeroConst(st.Val) {
						return timeoutSet, token.NoPos
					}
					state, zeroAt = timeoutZero, st.Pos()
				}
			case *ssa.Store:
				if ref.Addr == addr && !isZeroConst(ref.Val) {
					return timeoutSet, token.NoPos // a copy of another client
				}
			case ssa.CallInstruction:
				if c.callMaySetTimeout(ref.Common(), addr) {
					return timeoutSet, token.NoPos
				}
			}
		}
	}
	return state, zeroAt
}

// callMaySetTimeout reports whether the call may assign the Timeout of the
// client at addr: an unknown callee given the client may, and so may a
// function of this package that assigns its parameter's Timeout.
func (c *checker) callMaySetTimeout(call *ssa.CallCommon, addr ssa.Value) bool {
	callee := call.StaticCallee()
	for i, arg := range call.Args {
		if arg != addr {
			continue
		}
		if callee == nil {
			return true // a dynamic call may configure the client: unknown means silent
		}
		if isClientMethod(callee) {
			continue // Get, Do, Post...: using the client, not configuring it
		}
		if callee.Pkg != nil && callee.Pkg.Pkg == c.pass.Pkg && i < len(callee.Params) {
			if setsParamTimeout(callee.Params[i]) {
				return true
			}
		}
	}
	return false
}

// setsParamTimeout reports whether p, a *http.Client parameter, gets a
// Timeout assigned in its function.
func setsParamTimeout(p *ssa.Parameter) bool {
	for _, ref := range *p.Referrers() {
		if fa, ok := ref.(*ssa.FieldAddr); ok && isTimeoutField(p, fa.Field) && len(storesTo(fa)) > 0 {
			return true
		}
	}
	return false
}

// checkHelperCall reports a call of another module's function that returns a
// client without a Timeout. Within a module the client is reported where it
// is built instead, so each defect is reported once.
func (c *checker) checkHelperCall(call *ssa.Call) {
	callee := call.Call.StaticCallee()
	if callee == nil || callee.Pkg == nil || callee.Pkg.Pkg == c.pass.Pkg {
		return // dynamic, synthetic, or built in this package: reported at the literal
	}
	obj, ok := callee.Object().(*types.Func)
	if !ok {
		return // a closure or wrapper has no fact
	}
	var fact returnsBareClient
	if !c.pass.ImportObjectFact(obj.Origin(), &fact) || fact.Module == c.module {
		return // no fact, or the user can fix the helper in this module
	}
	rng := c.syntax.callRange(call.Pos())
	if rng == nil {
		return // no call syntax: an implicit call
	}
	c.reportf(rng, categoryHelper, nil, "%s returns %s with no Timeout: %s",
		qualifiedFuncName(c.pass.Pkg, obj), fact.What, consequence)
}

// checkZeroGlobals reports package-level http.Client variables declared
// without a value, used, and never given a Timeout.
func (c *checker) checkZeroGlobals(funcs []*ssa.Function) {
	for _, g := range c.syntax.zeroGlobals {
		if !c.syntax.isUsed(g.obj) || c.globalGetsTimeout(funcs, g.obj) {
			continue // unused, or configured elsewhere in the package
		}
		c.reportf(g.ident, categoryLiteral, nil, "http.Client variable %s has no Timeout: %s", g.obj.Name(), consequence)
	}
}

// globalGetsTimeout reports whether some function assigns the Timeout of the
// package-level client v, or assigns the whole variable.
func (c *checker) globalGetsTimeout(funcs []*ssa.Function, v *types.Var) bool {
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch instr := instr.(type) {
				case *ssa.FieldAddr:
					if g, ok := instr.X.(*ssa.Global); ok && g.Object() == v && isTimeoutField(g, instr.Field) {
						return true
					}
				case *ssa.Store:
					if g, ok := instr.Addr.(*ssa.Global); ok && g.Object() == v {
						return true
					}
				}
			}
		}
	}
	return false
}

// reportAlloc reports a client allocation at the syntax the user wrote.
func (c *checker) reportAlloc(alloc *ssa.Alloc, elem types.Type, embedded, zero bool, zeroAt token.Pos) {
	lit := c.syntax.literalAt(alloc.Pos())
	if embedded {
		if lit == nil {
			return // no literal to point at
		}
		c.reportf(lit.Type, categoryLiteral, nil, "%s embeds an http.Client with no Timeout: %s",
			types.TypeString(elem, types.RelativeTo(c.pass.Pkg)), consequence)
		return
	}
	switch {
	case lit != nil:
		fix := c.timeoutFix(lit, zeroAt)
		if zero {
			c.reportf(lit.Type, categoryLiteral, fix, "http.Client Timeout is zero, which means none: %s", consequence)
		} else {
			c.reportf(lit.Type, categoryLiteral, fix, "http.Client has no Timeout: %s", consequence)
		}
	case alloc.Comment == "new":
		if call := c.syntax.callRange(alloc.Pos()); call != nil {
			c.reportf(call, categoryLiteral, nil, "new(http.Client) has no Timeout: %s", consequence)
		}
	case alloc.Comment != "complit":
		if id := c.syntax.identAt(alloc.Pos()); id != nil {
			c.reportf(id, categoryLiteral, nil, "http.Client variable %s has no Timeout: %s", id.Name, consequence)
		}
	}
}

// exportHelperFact records that fn returns a client without a Timeout, so
// that callers in other modules can be told.
func (c *checker) exportHelperFact(fn *ssa.Function, elem types.Type) {
	obj, ok := fn.Object().(*types.Func)
	if !ok || !obj.Exported() || obj.Pkg() != c.pass.Pkg {
		return // callers elsewhere can only reach exported functions of this package
	}
	what := "an http.Client"
	if !isClient(elem) {
		what = "a " + types.TypeString(elem, (*types.Package).Name) + " embedding an http.Client"
	}
	c.pass.ExportObjectFact(obj.Origin(), &returnsBareClient{Module: c.module, What: what})
}

// isClient reports whether t is net/http.Client, through aliases.
func isClient(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	return n.Obj().Pkg().Path() == "net/http" && n.Obj().Name() == "Client"
}

// isClientMethod reports whether fn is a method of net/http.Client.
func isClientMethod(fn *ssa.Function) bool {
	recv := fn.Signature.Recv()
	if recv == nil {
		return false
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	return isClient(t)
}

// embeddedClientIndex returns the index of an embedded http.Client field of
// the struct t, or -1.
func embeddedClientIndex(t types.Type) int {
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return -1
	}
	for i := range st.NumFields() {
		if f := st.Field(i); f.Embedded() && isClient(f.Type()) {
			return i
		}
	}
	return -1
}

// isTimeoutField reports whether field index i of the struct *addr points
// to is Timeout.
func isTimeoutField(addr ssa.Value, i int) bool {
	p, ok := addr.Type().Underlying().(*types.Pointer)
	if !ok {
		return false
	}
	st, ok := p.Elem().Underlying().(*types.Struct)
	return ok && i < st.NumFields() && st.Field(i).Name() == "Timeout"
}

// fieldAddrs returns the addresses of field idx of the struct at alloc.
func fieldAddrs(alloc *ssa.Alloc, idx int) []ssa.Value {
	var out []ssa.Value
	for _, ref := range *alloc.Referrers() {
		if fa, ok := ref.(*ssa.FieldAddr); ok && fa.X == alloc && fa.Field == idx {
			out = append(out, fa)
		}
	}
	return out
}

// storesTo returns the stores whose address is addr.
func storesTo(addr ssa.Value) []*ssa.Store {
	var out []*ssa.Store
	for _, ref := range *addr.Referrers() {
		if st, ok := ref.(*ssa.Store); ok && st.Addr == addr {
			out = append(out, st)
		}
	}
	return out
}

// wholeStore reports whether alloc is assigned a whole non-zero value.
func wholeStore(alloc *ssa.Alloc) bool {
	for _, st := range storesTo(alloc) {
		if !isZeroConst(st.Val) {
			return true
		}
	}
	return false
}

// isUsed reports whether alloc has a use other than its zero initialisation.
func isUsed(alloc *ssa.Alloc) bool {
	for _, ref := range *alloc.Referrers() {
		switch ref := ref.(type) {
		case *ssa.DebugRef:
			continue
		case *ssa.Store:
			if ref.Addr == alloc && isZeroConst(ref.Val) {
				continue
			}
		}
		return true
	}
	return false
}

// isZeroConst reports whether v is a constant zero value.
func isZeroConst(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	if !ok {
		return false
	}
	if k.Value == nil {
		return true // the zero value of a struct, pointer or interface
	}
	return k.Value.Kind() == constant.Int && constant.Sign(k.Value) == 0
}

// returnsValue reports whether fn returns alloc, or the value it points to.
func returnsValue(fn *ssa.Function, alloc *ssa.Alloc) bool {
	for _, b := range fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		for _, r := range ret.Results {
			if r == alloc {
				return true
			}
			if load, ok := r.(*ssa.UnOp); ok && load.Op == token.MUL && load.X == alloc {
				return true
			}
		}
	}
	return false
}

// qualifiedFuncName names obj as the user would write it from pkg.
func qualifiedFuncName(pkg *types.Package, obj *types.Func) string {
	qual := types.RelativeTo(pkg)
	if sig, ok := obj.Type().(*types.Signature); ok && sig.Recv() != nil {
		return "(" + types.TypeString(sig.Recv().Type(), qual) + ")." + obj.Name()
	}
	if q := qual(obj.Pkg()); q != "" {
		return obj.Pkg().Name() + "." + obj.Name()
	}
	return obj.Name()
}

// rangeOf is an analysis.Range over [pos, end).
type rangeOf struct{ pos, end token.Pos }

func (r rangeOf) Pos() token.Pos { return r.pos }
func (r rangeOf) End() token.Pos { return r.end }

var _ analysis.Range = rangeOf{}
