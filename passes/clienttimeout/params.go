package clienttimeout

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/lint"
)

// maxParamDepth bounds how many calls of this package setsParamTimeout
// follows a client through.
const maxParamDepth = 4

// exportClientParams exports a clientParams fact for every exported
// function of the package that takes a *http.Client, so that a caller in
// another package knows whether the client it hands over gets a Timeout.
func (c *checker) exportClientParams(funcs []*ssa.Function) {
	if lint.IsStd(c.pass) {
		return // no pass exports facts for the standard library (go vet skips it)
	}
	for _, fn := range funcs {
		obj, ok := fn.Object().(*types.Func)
		if !ok || !obj.Exported() || obj.Pkg() != c.pass.Pkg || fn.Blocks == nil {
			continue // a closure, an unexported or external function: no caller elsewhere names it
		}
		if !c.cfg.Tests && c.syntax.isTestFile(obj.Pos()) {
			continue // only tests call it, and they are not reported
		}
		if !hasClientParam(fn) {
			continue // nothing to summarise
		}
		lint.Guard(Name, c.pass.Pkg.Path(), fn, func() {
			fact := new(clientParams)
			for i, p := range fn.Params {
				if isClientPtr(p.Type()) && c.setsParamTimeout(p, maxParamDepth) {
					fact.SetsTimeout = append(fact.SetsTimeout, i)
				}
			}
			c.pass.ExportObjectFact(obj.Origin(), fact)
		})
	}
}

// hasClientParam reports whether fn takes a *http.Client.
func hasClientParam(fn *ssa.Function) bool {
	for _, p := range fn.Params {
		if isClientPtr(p.Type()) {
			return true
		}
	}
	return false
}

// isClientPtr reports whether t is *http.Client, through aliases.
func isClientPtr(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	return ok && isClient(p.Elem())
}

// setsParamTimeout reports whether the function of p, a *http.Client
// parameter, may give the client a Timeout: it assigns p.Timeout, copies
// *p into a client whose Timeout it assigns (a copy it keeps), or hands p
// to code that may. depth bounds the calls followed.
func (c *checker) setsParamTimeout(p *ssa.Parameter, depth int) bool {
	for _, ref := range *p.Referrers() {
		switch ref := ref.(type) {
		case *ssa.FieldAddr:
			if isTimeoutField(p, ref.Field) && setsNonZero(ref) {
				return true
			}
		case *ssa.UnOp:
			if ref.Op == token.MUL && copyGetsTimeout(ref) {
				return true
			}
		case ssa.CallInstruction:
			if c.callMaySetTimeoutDepth(ref.Common(), p, depth-1) {
				return true
			}
		}
	}
	return false
}

// copyGetsTimeout reports whether the loaded client value is stored into a
// local client whose Timeout is then assigned: `cp := *c; cp.Timeout = d`.
func copyGetsTimeout(load *ssa.UnOp) bool {
	for _, ref := range *load.Referrers() {
		st, ok := ref.(*ssa.Store)
		if !ok || st.Val != load {
			continue
		}
		alloc, ok := st.Addr.(*ssa.Alloc)
		if !ok {
			continue // stored into a field or a global: not a local copy
		}
		for _, aref := range *alloc.Referrers() {
			if fa, ok := aref.(*ssa.FieldAddr); ok && fa.X == alloc && isTimeoutField(alloc, fa.Field) && setsNonZero(fa) {
				return true
			}
		}
	}
	return false
}

// setsNonZero reports whether some store to addr stores a value other than
// a constant zero.
func setsNonZero(addr ssa.Value) bool {
	for _, st := range storesTo(addr) {
		if !isZeroConst(st.Val) {
			return true
		}
	}
	return false
}

// callMaySetTimeout reports whether the call may assign the Timeout of the
// client at addr.
func (c *checker) callMaySetTimeout(call *ssa.CallCommon, addr ssa.Value) bool {
	return c.callMaySetTimeoutDepth(call, addr, maxParamDepth)
}

// callMaySetTimeoutDepth reports whether the call may assign the Timeout of
// the client at addr: an unknown callee given the client may; a function of
// this package may if it sets its parameter's Timeout; a function of
// another package may if its clientParams fact says so, or if it has none
// (it was not analysed: the standard library, a package for tests).
func (c *checker) callMaySetTimeoutDepth(call *ssa.CallCommon, addr ssa.Value, depth int) bool {
	callee := call.StaticCallee()
	for i, arg := range call.Args {
		if arg != addr {
			continue
		}
		switch {
		case callee == nil:
			return true // a dynamic call may configure the client: unknown means silent
		case isClientMethod(callee):
			continue // Get, Do, Post...: using the client, not configuring it
		case callee.Pkg != nil && callee.Pkg.Pkg == c.pass.Pkg:
			if depth <= 0 {
				return true // too deep to follow: unknown
			}
			if i < len(callee.Params) && callee.Blocks != nil && c.setsParamTimeout(callee.Params[i], depth) {
				return true
			}
		default:
			obj, ok := callee.Object().(*types.Func)
			if !ok {
				return true // a wrapper or closure of another package: unknown
			}
			var fact clientParams
			if !c.pass.ImportObjectFact(obj.Origin(), &fact) {
				return true // not analysed: unknown means silent
			}
			for _, n := range fact.SetsTimeout {
				if n == i {
					return true
				}
			}
		}
	}
	return false
}
