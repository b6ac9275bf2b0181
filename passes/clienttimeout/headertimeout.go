package clienttimeout

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// maxHeaderDepth bounds how far defaultTransport follows values and the
// package's functions that build transports.
const maxHeaderDepth = 6

// hasHeaderTimeoutTransport reports whether the client literal's Transport
// is, on every path, either the caller's (a parameter or a field of one:
// the caller chose it) or an *http.Transport of this package with a
// non-zero ResponseHeaderTimeout, and is the latter on at least one path.
// A server that never answers then fails after the header timeout. A
// client that only ever gets the caller's transport stays reported: nothing
// here bounds it.
func (c *checker) hasHeaderTimeoutTransport(lit *ast.CompositeLit) bool {
	site, ok := c.allocs[lit.Lbrace]
	if !ok || !isClient(allocElem(site.alloc)) {
		return false // a value literal: no store to follow
	}
	var stored []ssa.Value
	for _, ref := range *site.alloc.Referrers() {
		if fa, ok := ref.(*ssa.FieldAddr); ok && fa.X == site.alloc && fieldName(site.alloc, fa.Field) == "Transport" {
			for _, st := range storesTo(fa) {
				stored = append(stored, st.Val)
			}
		}
	}
	if len(stored) != 1 {
		return false // no Transport, or assigned more than once
	}
	unknown, bounded := c.transportPaths(stored[0], maxHeaderDepth)
	return bounded && !unknown
}

// transportPaths follows v back through interface conversions, phis and the
// package's functions. It reports whether some path is neither the
// caller's nor a bounded transport, and whether some path is an
// *http.Transport with a ResponseHeaderTimeout.
func (c *checker) transportPaths(v ssa.Value, depth int) (unknown, bounded bool) {
	if depth <= 0 {
		return true, false
	}
	switch v := v.(type) {
	case *ssa.MakeInterface:
		return c.transportPaths(v.X, depth-1)
	case *ssa.ChangeInterface:
		return c.transportPaths(v.X, depth-1)
	case *ssa.Phi:
		for _, e := range v.Edges {
			if e == v {
				continue
			}
			u, b := c.transportPaths(e, depth-1)
			unknown, bounded = unknown || u, bounded || b
		}
		return unknown, bounded
	case *ssa.Alloc:
		return !hasHeaderTimeout(v), hasHeaderTimeout(v)
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok && v.Index == 0 {
			return c.builtTransport(&call.Call, depth-1)
		}
	case *ssa.Call:
		return c.builtTransport(&v.Call, depth-1)
	}
	if isParamOrField(v, depth) {
		return false, false // the caller's choice
	}
	return true, false
}

// builtTransport follows a call of a function of this package, called
// directly or through a package variable that only ever holds functions of
// the package, to the values its returns give. A nil return is an error
// path: no client gets that transport.
func (c *checker) builtTransport(call *ssa.CallCommon, depth int) (unknown, bounded bool) {
	fns := c.packageCallees(call)
	if len(fns) == 0 {
		return true, false
	}
	for _, fn := range fns {
		for _, b := range fn.Blocks {
			if len(b.Instrs) == 0 {
				continue // not built: nothing to read
			}
			ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
			if !ok || len(ret.Results) == 0 {
				continue // a panic or no result
			}
			if k, ok := ret.Results[0].(*ssa.Const); ok && k.IsNil() {
				continue // the error path
			}
			u, b := c.transportPaths(ret.Results[0], depth)
			unknown, bounded = unknown || u, bounded || b
		}
	}
	return unknown, bounded
}

// packageCallees returns the functions of this package the call may reach:
// its static callee, or every function stored in the package variable it
// loads. It returns nil when any may be something else.
func (c *checker) packageCallees(call *ssa.CallCommon) []*ssa.Function {
	if call.IsInvoke() {
		return nil
	}
	if fn := call.StaticCallee(); fn != nil {
		if fn.Pkg != c.ssaPkg || fn.Blocks == nil {
			return nil // another package's: unknown
		}
		return []*ssa.Function{fn}
	}
	load, ok := call.Value.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return nil
	}
	g, ok := load.X.(*ssa.Global)
	if !ok || g.Pkg != c.ssaPkg {
		return nil
	}
	var fns []*ssa.Function
	for _, fn := range c.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				st, ok := instr.(*ssa.Store)
				if !ok || st.Addr != g {
					continue
				}
				f, ok := st.Val.(*ssa.Function)
				if !ok || f.Pkg != c.ssaPkg || f.Blocks == nil {
					return nil // a closure or a value from elsewhere
				}
				fns = append(fns, f)
			}
		}
	}
	return fns
}

// hasHeaderTimeout reports whether alloc is an http.Transport given a
// non-zero ResponseHeaderTimeout and never overwritten as a whole.
func hasHeaderTimeout(alloc *ssa.Alloc) bool {
	if !isTransport(allocElem(alloc)) || wholeStore(alloc) {
		return false
	}
	set := false
	for _, ref := range *alloc.Referrers() {
		fa, ok := ref.(*ssa.FieldAddr)
		if !ok || fa.X != alloc || fieldName(alloc, fa.Field) != "ResponseHeaderTimeout" {
			continue
		}
		for _, st := range storesTo(fa) {
			if isZeroConst(st.Val) {
				return false // set to zero somewhere: none
			}
			set = true
		}
	}
	return set
}

// isTransport reports whether t is net/http.Transport, through aliases.
func isTransport(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "net/http" && n.Obj().Name() == "Transport"
}

// fieldName returns the name of field i of the struct addr points to, or "".
func fieldName(addr ssa.Value, i int) string {
	p, ok := addr.Type().Underlying().(*types.Pointer)
	if !ok {
		return ""
	}
	st, ok := p.Elem().Underlying().(*types.Struct)
	if !ok || i >= st.NumFields() {
		return ""
	}
	return st.Field(i).Name()
}
