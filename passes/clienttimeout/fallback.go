package clienttimeout

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"
)

// maxBindDepth bounds how far boundRequest and boundContext follow values.
const maxBindDepth = 8

// isBoundFallback reports whether e, http.DefaultClient or a client built
// without a Timeout, is only a nil fallback, `if c == nil { c = e }` with c
// a local variable or parameter, in a function whose every request carries
// a context that comes from its caller. The caller chose that context, and
// its deadline, and could have passed a client: the missing Timeout is the
// caller's choice, not this function's defect.
func (c *checker) isBoundFallback(e ast.Node) bool {
	cur, ok := c.syntax.insp.Root().FindNode(e)
	if !ok {
		return false
	}
	parent := cur.Parent()
	for {
		switch n := parent.Node().(type) {
		case *ast.ParenExpr:
			parent = parent.Parent()
			continue
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				parent = parent.Parent()
				continue
			}
		}
		break
	}
	assign, ok := parent.Node().(*ast.AssignStmt)
	if !ok || assign.Tok != token.ASSIGN || len(assign.Lhs) != 1 || len(assign.Rhs) != 1 {
		return false // not `c = e`
	}
	v := c.localVar(assign.Lhs[0])
	if v == nil {
		return false // a field or global keeps the client for other code
	}
	body, ok := parent.Parent().Node().(*ast.BlockStmt)
	if !ok {
		return false
	}
	ifStmt, ok := parent.Parent().Parent().Node().(*ast.IfStmt)
	if !ok || ifStmt.Body != body || !c.isNilTest(ifStmt.Cond, v) {
		return false // not inside `if c == nil { ... }`
	}
	fn := c.enclosingFunc(parent)
	return fn != nil && requestsBound(fn)
}

// localVar returns the local variable or parameter e names, or nil.
func (c *checker) localVar(e ast.Expr) *types.Var {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || v.IsField() || v.Parent() == nil || v.Parent() == c.pass.Pkg.Scope() {
		return nil
	}
	return v
}

// isNilTest reports whether cond is `v == nil` or `nil == v`.
func (c *checker) isNilTest(cond ast.Expr, v *types.Var) bool {
	bin, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || bin.Op != token.EQL {
		return false
	}
	isNil := func(e ast.Expr) bool {
		tv, ok := c.pass.TypesInfo.Types[e]
		return ok && tv.IsNil()
	}
	return (c.localVar(bin.X) == v && isNil(bin.Y)) || (c.localVar(bin.Y) == v && isNil(bin.X))
}

// enclosingFunc returns the SSA function of the innermost function around
// cur, or nil.
func (c *checker) enclosingFunc(cur inspector.Cursor) *ssa.Function {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if c.bySyntax == nil {
			c.bySyntax = make(map[ast.Node]*ssa.Function)
			for _, fn := range c.funcs {
				if syn := fn.Syntax(); syn != nil {
					c.bySyntax[syn] = fn
				}
			}
		}
		return c.bySyntax[enc.Node()]
	}
	return nil
}

// requestsBound reports whether fn, with its closures, sends at least one
// request and every request it sends carries a context from its caller.
// Client.Get, Head, Post and PostForm and the http package's helpers carry
// none.
func requestsBound(fn *ssa.Function) bool {
	n := 0
	var visit func(fn *ssa.Function) bool
	visit = func(fn *ssa.Function) bool {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				call, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				switch req, kind := requestOf(call.Common()); kind {
				case sendsBound:
					if !boundRequest(req, maxBindDepth) {
						return false
					}
					n++
				case sendsUnbound:
					return false
				}
			}
		}
		for _, anon := range fn.AnonFuncs {
			if !visit(anon) {
				return false
			}
		}
		return true
	}
	return visit(fn) && n > 0
}

// sendKind says whether a call sends an HTTP request, and how.
type sendKind int

const (
	sendsNothing sendKind = iota
	sendsBound            // Do(req): bound if req is
	sendsUnbound          // Get, Head, Post, PostForm: no context at all
)

// requestOf classifies a call: a Do method given an *http.Request (an
// http.Client's, or an interface's such as a Doer) sends that request;
// http.Client's Get, Head, Post and PostForm and the package functions of
// the same names send one without a context.
func requestOf(call *ssa.CallCommon) (ssa.Value, sendKind) {
	var name string
	var args []ssa.Value
	switch {
	case call.IsInvoke():
		name, args = call.Method.Name(), call.Args
	case call.StaticCallee() != nil:
		callee := call.StaticCallee()
		name, args = callee.Name(), call.Args
		if callee.Signature.Recv() != nil && len(args) > 0 {
			args = args[1:]
		} else if callee.Pkg == nil || callee.Pkg.Pkg.Path() != "net/http" {
			return nil, sendsNothing // a plain function of any other package
		}
		if callee.Signature.Recv() != nil && !isClientMethod(callee) && name != "Do" {
			return nil, sendsNothing
		}
	default:
		return nil, sendsNothing // a function value: unknown, judged by nothing here
	}
	switch name {
	case "Do":
		if len(args) == 1 && isRequestPtr(args[0].Type()) {
			return args[0], sendsBound
		}
	case "Get", "Head", "Post", "PostForm":
		if !call.IsInvoke() || returnsResponse(call.Signature()) {
			return nil, sendsUnbound // an interface's too, if it answers with an *http.Response
		}
	}
	return nil, sendsNothing
}

// boundRequest reports whether the request v carries its caller's context:
// it is a parameter (the caller built it), or it was made by
// NewRequestWithContext or WithContext or Clone with a bound context.
func boundRequest(v ssa.Value, depth int) bool {
	if depth <= 0 {
		return false
	}
	switch v := v.(type) {
	case *ssa.Parameter:
		return true
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok && v.Index == 0 && isFunc(call.Call.StaticCallee(), "net/http", "", "NewRequestWithContext") {
			return boundContext(call.Call.Args[0], depth-1)
		}
	case *ssa.Call:
		callee := v.Call.StaticCallee()
		if (isFunc(callee, "net/http", "Request", "WithContext") || isFunc(callee, "net/http", "Request", "Clone")) && len(v.Call.Args) == 2 {
			return boundContext(v.Call.Args[1], depth-1)
		}
	case *ssa.Phi:
		return allEdges(v, depth, boundRequest)
	}
	return false
}

// boundContext reports whether the context v comes from the caller: a
// parameter, a field of one, its Context() method, a context derived from
// one, or a context with a deadline. context.Background and TODO are not.
func boundContext(v ssa.Value, depth int) bool {
	if depth <= 0 {
		return false
	}
	switch v := v.(type) {
	case *ssa.Parameter:
		return true
	case *ssa.FreeVar:
		return boundContext(binding(v), depth-1)
	case *ssa.ChangeInterface:
		return boundContext(v.X, depth-1)
	case *ssa.MakeInterface:
		return boundContext(v.X, depth-1)
	case *ssa.UnOp:
		// A field of a parameter: s.ctx, set by whoever built s.
		if fa, ok := v.X.(*ssa.FieldAddr); ok && v.Op == token.MUL {
			return isParamOrField(fa.X, depth-1)
		}
	case *ssa.Field:
		return isParamOrField(v.X, depth-1)
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok && v.Index == 0 {
			return derivedContext(&call.Call, depth-1)
		}
	case *ssa.Call:
		return derivedContext(&v.Call, depth-1)
	case *ssa.Phi:
		return allEdges(v, depth, boundContext)
	}
	return false
}

// derivedContext reports whether the call returns a bound context:
// context.WithTimeout or WithDeadline (a deadline of its own), WithCancel or
// WithValue of a bound parent, or a Context() method of a parameter, such
// as an *http.Request's.
func derivedContext(call *ssa.CallCommon, depth int) bool {
	callee := call.StaticCallee()
	if callee != nil && callee.Pkg != nil && callee.Pkg.Pkg.Path() == "context" && callee.Signature.Recv() == nil {
		switch callee.Name() {
		case "WithTimeout", "WithDeadline", "WithTimeoutCause", "WithDeadlineCause":
			return true
		case "WithCancel", "WithCancelCause", "WithValue":
			return len(call.Args) > 0 && boundContext(call.Args[0], depth)
		}
		return false // Background, TODO, WithoutCancel
	}
	var recv ssa.Value
	switch {
	case call.IsInvoke() && call.Method.Name() == "Context" && len(call.Args) == 0:
		recv = call.Value
	case callee != nil && callee.Name() == "Context" && callee.Signature.Recv() != nil && len(call.Args) == 1:
		recv = call.Args[0]
	default:
		return false
	}
	return isParamOrField(recv, depth)
}

// isParamOrField reports whether v is a parameter, a field of one, or a
// value loaded from one's field.
func isParamOrField(v ssa.Value, depth int) bool {
	if depth <= 0 {
		return false
	}
	switch v := v.(type) {
	case *ssa.Parameter:
		return true
	case *ssa.FreeVar:
		return isParamOrField(binding(v), depth-1)
	case *ssa.Field:
		return isParamOrField(v.X, depth-1)
	case *ssa.FieldAddr:
		return isParamOrField(v.X, depth-1)
	case *ssa.UnOp:
		return v.Op == token.MUL && isParamOrField(v.X, depth-1)
	}
	return false
}

// binding returns the value a closure's free variable is bound to where the
// closure is made, or nil when that is not a single known site.
func binding(fv *ssa.FreeVar) ssa.Value {
	fn := fv.Parent()
	idx := -1
	for i, f := range fn.FreeVars {
		if f == fv {
			idx = i
		}
	}
	if idx < 0 || fn.Parent() == nil {
		return nil
	}
	var found ssa.Value
	for _, b := range fn.Parent().Blocks {
		for _, instr := range b.Instrs {
			if mc, ok := instr.(*ssa.MakeClosure); ok && mc.Fn == fn && idx < len(mc.Bindings) {
				if found != nil {
					return nil
				}
				found = mc.Bindings[idx]
			}
		}
	}
	return found
}

// allEdges reports whether pred holds for every edge of the phi other than
// the phi itself.
func allEdges(phi *ssa.Phi, depth int, pred func(ssa.Value, int) bool) bool {
	for _, e := range phi.Edges {
		if e != phi && !pred(e, depth-1) {
			return false
		}
	}
	return len(phi.Edges) > 0
}

// isFunc reports whether fn is the function pkg.name, or with recv set,
// the method name of *pkg.recv or pkg.recv.
func isFunc(fn *ssa.Function, pkg, recv, name string) bool {
	if fn == nil || fn.Name() != name {
		return false
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok || obj.Pkg() == nil || obj.Pkg().Path() != pkg {
		return false
	}
	sig := fn.Signature
	if recv == "" {
		return sig.Recv() == nil
	}
	if sig.Recv() == nil {
		return false
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Name() == recv
}

// returnsResponse reports whether sig's first result is *http.Response.
func returnsResponse(sig *types.Signature) bool {
	if sig.Results().Len() == 0 {
		return false
	}
	p, ok := types.Unalias(sig.Results().At(0).Type()).(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "net/http" && n.Obj().Name() == "Response"
}

// isRequestPtr reports whether t is *http.Request.
func isRequestPtr(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "net/http" && n.Obj().Name() == "Request"
}
