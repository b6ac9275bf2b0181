package clienttimeout

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/lint"
)

// timeoutState says what a function does to a client's Timeout.
type timeoutState int

const (
	timeoutMissing timeoutState = iota // never assigned
	timeoutZero                        // assigned only constant zeros
	timeoutSet                         // assigned something else, copied, or unknown
)

// ssaFuncs returns the package's source functions plus the package
// initialiser and its closures, where package-level clients are built.
func ssaFuncs(info *buildssa.SSA) []*ssa.Function {
	funcs := slices.Clone(info.SrcFuncs)
	var addInit func(fn *ssa.Function)
	addInit = func(fn *ssa.Function) {
		funcs = append(funcs, fn)
		for _, anon := range fn.AnonFuncs {
			addInit(anon)
		}
	}
	if init := info.Pkg.Func("init"); init != nil {
		addInit(init)
	}
	return funcs
}

// indexFunc records fn's allocations of clients and client-embedding structs
// by position, and reports its calls of helpers from other modules.
func (c *checker) indexFunc(fn *ssa.Function) {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch instr := instr.(type) {
			case *ssa.Alloc:
				if isClient(allocElem(instr)) || embeddedClientIndex(allocElem(instr)) >= 0 {
					c.allocs[instr.Pos()] = allocSite{alloc: instr, fn: fn}
				}
			case *ssa.Call:
				c.checkHelperCall(instr)
			}
		}
	}
}

// checkLiteral reports a composite literal of type http.Client, or of a
// struct embedding one, that ends up without a Timeout.
func (c *checker) checkLiteral(lit *ast.CompositeLit) {
	typ := c.pass.TypesInfo.TypeOf(lit)
	if typ == nil || lit.Type == nil {
		return // untyped, or the type is elided inside an outer literal
	}
	if isClient(typ) {
		state, zeroAt := c.literalTimeout(lit)
		if state == timeoutSet {
			return // Timeout assigned, copied over, or handed to unknown code
		}
		if c.hasInProcessTransport(lit) {
			return // its transport answers in-process: no server to wait for
		}
		if c.hasHeaderTimeoutTransport(lit) {
			return // the caller's transport, or a package default with a ResponseHeaderTimeout
		}
		if c.isBoundFallback(lit) {
			return // a nil fallback where every request carries the caller's context
		}
		if c.isUnreachableFallback(lit) {
			return // a nil fallback for a field that is never nil
		}
		fix := c.timeoutFix(lit, zeroAt)
		if state == timeoutZero {
			c.reportf(lit.Type, categoryLiteral, fix, "http.Client Timeout is zero, which means none: %s", consequence)
		} else {
			c.reportf(lit.Type, categoryLiteral, fix, "http.Client has no Timeout: %s", consequence)
		}
		c.exportIfReturned(lit.Lbrace, typ)
		return
	}
	idx := embeddedClientIndex(typ)
	if idx < 0 || hasKey(lit, clientFieldName(typ, idx)) {
		return // no embedded client, or its value is written out and judged on its own
	}
	site, ok := c.allocs[lit.Lbrace]
	if !ok || wholeStore(site.alloc) {
		return // no allocation to follow, or the struct was overwritten by a copy
	}
	if state, _ := c.timeoutOf(fieldAddrs(site.alloc, idx)); state == timeoutSet {
		return // Timeout assigned through the embedding
	}
	c.reportf(lit.Type, categoryLiteral, nil, "%s embeds an http.Client with no Timeout: %s",
		types.TypeString(typ, types.RelativeTo(c.pass.Pkg)), consequence)
	c.exportIfReturned(lit.Lbrace, typ)
}

// literalTimeout decides what happens to the Timeout of a client literal:
// its own fields first, then the assignments SSA shows to its allocation and
// to the variable it initialises. Without either allocation the literal is
// a value that nothing modifies.
func (c *checker) literalTimeout(lit *ast.CompositeLit) (timeoutState, token.Pos) {
	state, zeroAt := literalFields(c.pass.TypesInfo, lit)
	if state == timeoutSet {
		return state, zeroAt
	}
	var addrs []ssa.Value
	for _, pos := range []token.Pos{lit.Lbrace, c.syntax.initialised[lit]} {
		if site, ok := c.allocs[pos]; ok && pos.IsValid() {
			addrs = append(addrs, site.alloc)
		}
	}
	if len(addrs) == 0 {
		return state, zeroAt
	}
	if later, _ := c.timeoutOf(addrs); later == timeoutSet {
		return later, token.NoPos
	}
	return state, zeroAt
}

// literalFields decides a literal's Timeout from its fields alone.
func literalFields(info *types.Info, lit *ast.CompositeLit) (timeoutState, token.Pos) {
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return timeoutSet, token.NoPos // positional fields: not ours to judge
		}
		if key, ok := kv.Key.(*ast.Ident); ok && key.Name == "Timeout" {
			if tv, ok := info.Types[kv.Value]; ok && tv.Value != nil && constant.Sign(tv.Value) == 0 {
				return timeoutZero, kv.Pos()
			}
			return timeoutSet, token.NoPos
		}
	}
	return timeoutMissing, token.NoPos
}

// checkNew reports new(http.Client) whose Timeout is never assigned.
func (c *checker) checkNew(call *ast.CallExpr) {
	site, ok := c.allocs[call.Lparen]
	if !ok || !isClient(allocElem(site.alloc)) {
		return // not new(http.Client), or optimised away: unused
	}
	if state, _ := c.timeoutOf([]ssa.Value{site.alloc}); state == timeoutSet {
		return // Timeout assigned later
	}
	if c.isBoundFallback(call) {
		return // a nil fallback where every request carries the caller's context
	}
	if c.isUnreachableFallback(call) {
		return // a nil fallback for a field that is never nil
	}
	c.reportf(call, categoryLiteral, nil, "new(http.Client) has no Timeout: %s", consequence)
	c.exportIfReturned(call.Lparen, allocElem(site.alloc))
}

// checkZeroVar reports a local `var c http.Client` that is used and never
// given a Timeout.
func (c *checker) checkZeroVar(id *ast.Ident, obj *types.Var) {
	if site, ok := c.allocs[id.Pos()]; ok {
		if state, _ := c.timeoutOf([]ssa.Value{site.alloc}); state == timeoutSet || !isUsed(site.alloc) {
			return // assigned a Timeout or a whole client, or unused
		}
	} else if !c.syntax.isUsed(obj) {
		return // never used
	}
	c.reportf(id, categoryLiteral, nil, "http.Client variable %s has no Timeout: %s", id.Name, consequence)
}

// timeoutOf classifies the assignments fn makes to the Timeout field of the
// clients at addrs. For a zero assignment it also returns its position.
func (c *checker) timeoutOf(addrs []ssa.Value) (timeoutState, token.Pos) {
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
				if ref.Addr == addr && !isZeroConst(ref.Val) && !isLoadFrom(ref.Val, addrs) {
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

// exportIfReturned records, when the allocation at pos is returned by its
// exported function, that the function returns a client without a Timeout,
// so that callers in other modules can be told.
func (c *checker) exportIfReturned(pos token.Pos, elem types.Type) {
	obj := c.syntax.returnedBy[pos]
	if obj == nil || !obj.Exported() || obj.Pkg() != c.pass.Pkg {
		return // not returned, or unreachable from other packages
	}
	if !c.cfg.Tests && c.syntax.isTestFile(obj.Pos()) {
		return // reported only with -clienttimeout.tests; its callers are tests too
	}
	if lint.IsStd(c.pass) {
		return // no pass exports facts for the standard library (go vet skips it)
	}
	what := "an http.Client"
	if !isClient(elem) {
		what = "a " + types.TypeString(elem, (*types.Package).Name) + " embedding an http.Client"
	}
	c.pass.ExportObjectFact(obj.Origin(), &returnsBareClient{Module: c.module, What: what})
}

// allocSite is an allocation and the function it belongs to.
type allocSite struct {
	alloc *ssa.Alloc
	fn    *ssa.Function
}

// allocElem returns the type an allocation points to.
func allocElem(a *ssa.Alloc) types.Type {
	return types.Unalias(a.Type().Underlying().(*types.Pointer).Elem())
}

// hasKey reports whether the keyed literal sets the named field.
func hasKey(lit *ast.CompositeLit, name string) bool {
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if key, ok := kv.Key.(*ast.Ident); ok && key.Name == name {
				return true
			}
		}
	}
	return false
}

// clientFieldName returns the name of field idx of struct type t.
func clientFieldName(t types.Type, idx int) string {
	return t.Underlying().(*types.Struct).Field(idx).Name()
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

// isLoadFrom reports whether v is a load from one of addrs: the literal's
// value copied into the variable it initialises.
func isLoadFrom(v ssa.Value, addrs []ssa.Value) bool {
	load, ok := v.(*ssa.UnOp)
	return ok && load.Op == token.MUL && slices.Contains(addrs, load.X)
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

// qualifiedFuncName names obj as the user would write it from pkg.
func qualifiedFuncName(pkg *types.Package, obj *types.Func) string {
	qual := types.Qualifier(func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	})
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
