package profile

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// maxSteps bounds the expressions one query follows back to where a value
// was made.
const maxSteps = 400

// startedBy reports whether the goroutine whose mapped stack is frames was
// started by the go statement at goPosn: its bottom frame (below a go
// statement's argument wrapper) runs the function the statement starts,
// named or literal.
func (c *Code) startedBy(goPosn token.Position, frames []mappedFrame) bool {
	if len(frames) == 0 {
		return false
	}
	bottom := frames[len(frames)-1]
	if isGoWrapper(bottom.Func) && len(frames) > 1 {
		bottom = frames[len(frames)-2] // "go f(x)" runs f from a wrapper holding x
	}
	if bottom.pos == nil {
		return false // started by code outside the analysed source
	}
	file := c.files[goPosn.Filename]
	if file == nil {
		return false
	}
	var stmt *ast.GoStmt
	ast.Inspect(file.syntax, func(n ast.Node) bool {
		if g, ok := n.(*ast.GoStmt); ok && c.Fset.Position(g.Pos()).Offset == goPosn.Offset {
			stmt = g
		}
		return stmt == nil
	})
	if stmt == nil {
		return false
	}
	switch fun := ast.Unparen(stmt.Call.Fun).(type) {
	case *ast.FuncLit:
		return bottom.pos.File == file.name && strings.Contains(bottom.Func, ".func") &&
			c.innermostLit(file, bottom.Line) == fun
	default:
		fn, ok := calleeObject(file.info, fun).(*types.Func)
		if !ok {
			return false // a function value: unknown
		}
		name := runtimeName(fn, file)
		return bottom.Func == name || strings.HasPrefix(bottom.Func, name+"[")
	}
}

// isGoWrapper reports whether fn is the wrapper the compiler makes for a
// go statement whose call has arguments ("p.f.gowrap1").
func isGoWrapper(fn string) bool {
	i := strings.LastIndex(fn, ".")
	return i >= 0 && strings.HasPrefix(fn[i+1:], "gowrap")
}

// innermostLit returns the innermost function literal of file whose lines
// hold line, or nil.
func (c *Code) innermostLit(file *codeFile, line int) *ast.FuncLit {
	var lit *ast.FuncLit
	ast.Inspect(file.syntax, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		if c.Fset.Position(n.Pos()).Line > line || c.Fset.Position(n.End()).Line < line {
			return false // does not hold the line
		}
		if l, ok := n.(*ast.FuncLit); ok {
			lit = l
		}
		return true
	})
	return lit
}

// runtimeName returns the name the runtime gives fn, declared in file:
// "p.f", "p.T.m", "p.(*T).m".
func runtimeName(fn *types.Func, file *codeFile) string {
	prefix := file.runtimePkg() + "."
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return prefix + fn.Name()
	}
	t := sig.Recv().Type()
	ptr := false
	if p, ok := t.(*types.Pointer); ok {
		t, ptr = p.Elem(), true
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return prefix + fn.Name()
	}
	if ptr {
		return prefix + "(*" + named.Obj().Name() + ")." + fn.Name()
	}
	return prefix + named.Obj().Name() + "." + fn.Name()
}

// calleeObject returns the object an expression in call position names,
// or nil.
func calleeObject(info *types.Info, fun ast.Expr) types.Object {
	switch fun := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return info.Uses[fun]
	case *ast.SelectorExpr:
		return info.Uses[fun.Sel]
	case *ast.IndexExpr: // an instantiated generic function
		return calleeObject(info, fun.X)
	case *ast.IndexListExpr:
		return calleeObject(info, fun.X)
	}
	return nil
}

// callsThroughClient reports whether the innermost analysed frame of
// frames waits in a call into net/http that goes through the client
// reported at posn: a call whose text holds posn (http.Get,
// http.DefaultClient.Do), or a method call whose receiver comes from the
// expression at posn, through variables, fields, parameters (from the
// caller's frame) and results of analysed functions.
func (c *Code) callsThroughClient(posn token.Position, frames []mappedFrame) bool {
	i := innermost(frames)
	if i <= 0 || !isNetHTTP(frames[i-1].Func) {
		return false // not waiting in net/http
	}
	r := &resolver{code: c, target: posn, frames: frames, seen: make(map[types.Object]bool)}
	for _, call := range c.callsAt(frames[i], isNetHTTPFunc) {
		if r.reaches(call.file, call.expr, i) {
			return true
		}
		if sel, ok := ast.Unparen(call.expr.Fun).(*ast.SelectorExpr); ok {
			if s := call.file.info.Selections[sel]; s != nil && s.Kind() == types.MethodVal && r.reaches(call.file, sel.X, i) {
				return true
			}
		}
	}
	return false
}

// A fileCall is a call expression and its file.
type fileCall struct {
	file *codeFile
	expr *ast.CallExpr
}

// callsAt returns the calls on the line of the mapped frame fr whose
// callee satisfies want.
func (c *Code) callsAt(fr mappedFrame, want func(*types.Func) bool) []fileCall {
	file := c.files[fr.pos.File]
	if file == nil {
		return nil
	}
	var out []fileCall
	ast.Inspect(file.syntax, func(n ast.Node) bool {
		if n == nil || c.Fset.Position(n.Pos()).Line > fr.Line || c.Fset.Position(n.End()).Line < fr.Line {
			return false // does not hold the line
		}
		if call, ok := n.(*ast.CallExpr); ok {
			if fn, ok := calleeObject(file.info, call.Fun).(*types.Func); ok && want(fn) {
				out = append(out, fileCall{file, call})
			}
		}
		return true
	})
	return out
}

// isNetHTTPFunc reports whether fn is a function or method of net/http.
func isNetHTTPFunc(fn *types.Func) bool {
	return fn.Pkg() != nil && fn.Pkg().Path() == "net/http"
}

// A resolver follows expressions back to where their value was made,
// looking for the target position.
type resolver struct {
	code   *Code
	target token.Position
	frames []mappedFrame
	seen   map[types.Object]bool
	steps  int
}

// reaches reports whether the value of e, in file, may come from the
// expression at the target position. frame is the index of the stack
// frame e is evaluated in, so that a parameter is followed to the
// argument on its caller's frame; -1 when unknown (a package-level
// initializer, a field assigned anywhere).
func (r *resolver) reaches(file *codeFile, e ast.Expr, frame int) bool {
	if r.steps++; r.steps > maxSteps || e == nil {
		return false
	}
	if r.holds(e) {
		return true
	}
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		return r.reaches(file, e.X, frame)
	case *ast.StarExpr:
		return r.reaches(file, e.X, frame)
	case *ast.Ident:
		v, ok := file.info.Uses[e].(*types.Var)
		if !ok || r.seen[v] {
			return false
		}
		r.seen[v] = true
		if frame >= 0 && r.reachesParam(file, v, frame) {
			return true
		}
		return r.reachesAssigned(v)
	case *ast.SelectorExpr:
		var v *types.Var
		if s := file.info.Selections[e]; s != nil {
			if s.Kind() != types.FieldVal {
				return false // a method value
			}
			v, _ = s.Obj().(*types.Var)
		} else {
			v, _ = file.info.Uses[e.Sel].(*types.Var) // pkg.Var
		}
		if v == nil || r.seen[v] {
			return false
		}
		r.seen[v] = true
		return r.reachesAssigned(v)
	case *ast.CallExpr:
		fn, ok := calleeObject(file.info, e.Fun).(*types.Func)
		return ok && r.reachesResult(fn)
	}
	return false
}

// holds reports whether e's text holds the target position.
func (r *resolver) holds(e ast.Expr) bool {
	start, end := r.code.Fset.Position(e.Pos()), r.code.Fset.Position(e.End())
	return start.Filename == r.target.Filename && start.Offset <= r.target.Offset && r.target.Offset < end.Offset
}

// reachesAssigned reports whether a value assigned to v anywhere in the
// analysed source reaches the target.
func (r *resolver) reachesAssigned(v *types.Var) bool {
	for _, a := range r.code.assignments()[v] {
		if r.reaches(a.file, a.expr, -1) {
			return true
		}
	}
	return false
}

// reachesParam reports whether v is a parameter of the function running
// in frames[frame] whose argument, in the call on the caller's frame,
// reaches the target.
func (r *resolver) reachesParam(file *codeFile, v *types.Var, frame int) bool {
	if frame+1 >= len(r.frames) || r.frames[frame+1].pos == nil {
		return false // the caller is not analysed code
	}
	fn, idx := r.code.paramOf(file, v)
	if fn == nil {
		return false
	}
	for _, call := range r.code.callsAt(r.frames[frame+1], func(f *types.Func) bool { return f.Origin() == fn }) {
		if idx < len(call.expr.Args) && r.reaches(call.file, call.expr.Args[idx], frame+1) {
			return true
		}
	}
	return false
}

// paramOf returns the function declared in file of which v is a
// parameter, and v's index among the parameters; nil if v is not one.
func (c *Code) paramOf(file *codeFile, v *types.Var) (*types.Func, int) {
	for _, decl := range file.syntax.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Pos() > v.Pos() || v.Pos() > fd.End() {
			continue
		}
		fn, ok := file.info.Defs[fd.Name].(*types.Func)
		if !ok {
			return nil, 0
		}
		params := fn.Type().(*types.Signature).Params()
		for i := range params.Len() {
			if params.At(i) == v {
				return fn, i
			}
		}
	}
	return nil, 0
}

// reachesResult reports whether fn, declared in the analysed source,
// returns a value that reaches the target.
func (r *resolver) reachesResult(fn *types.Func) bool {
	fn = fn.Origin()
	if r.seen[fn] {
		return false
	}
	r.seen[fn] = true
	decl, file := r.code.funcDecl(fn)
	if decl == nil || decl.Body == nil {
		return false
	}
	found := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // its returns are its own
		case *ast.ReturnStmt:
			for _, res := range n.Results {
				if !found && r.reaches(file, res, -1) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// funcDecl returns the declaration of fn in the analysed source.
func (c *Code) funcDecl(fn *types.Func) (*ast.FuncDecl, *codeFile) {
	posn := c.Fset.Position(fn.Pos())
	file := c.files[posn.Filename]
	if file == nil {
		return nil, nil
	}
	for _, decl := range file.syntax.Decls {
		if fd, ok := decl.(*ast.FuncDecl); ok && file.info.Defs[fd.Name] == fn {
			return fd, file
		}
	}
	return nil, nil
}

// An assigned expression is a value given to a variable or field.
type assigned struct {
	file *codeFile
	expr ast.Expr
}

// assignments returns, for each variable and field, the values the
// analysed source gives it: in assignments, declarations and struct
// literals. It indexes the source on first use.
func (c *Code) assignments() map[types.Object][]assigned {
	if c.assigns != nil {
		return c.assigns
	}
	c.assigns = make(map[types.Object][]assigned)
	for _, file := range c.files {
		ast.Inspect(file.syntax, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if len(n.Lhs) == len(n.Rhs) {
					for i, lhs := range n.Lhs {
						c.addAssign(file, assignedObject(file.info, lhs), n.Rhs[i])
					}
				}
			case *ast.ValueSpec:
				if len(n.Names) == len(n.Values) {
					for i, name := range n.Names {
						c.addAssign(file, file.info.Defs[name], n.Values[i])
					}
				}
			case *ast.KeyValueExpr:
				if key, ok := n.Key.(*ast.Ident); ok {
					if v, ok := file.info.Uses[key].(*types.Var); ok && v.IsField() {
						c.addAssign(file, v, n.Value)
					}
				}
			}
			return true
		})
	}
	return c.assigns
}

// addAssign records that e is assigned to obj.
func (c *Code) addAssign(file *codeFile, obj types.Object, e ast.Expr) {
	if v, ok := obj.(*types.Var); ok {
		c.assigns[v] = append(c.assigns[v], assigned{file, e})
	}
}

// assignedObject returns the variable or field the left-hand side lhs
// assigns, or nil.
func assignedObject(info *types.Info, lhs ast.Expr) types.Object {
	switch lhs := ast.Unparen(lhs).(type) {
	case *ast.Ident:
		if obj := info.Defs[lhs]; obj != nil {
			return obj
		}
		return info.Uses[lhs]
	case *ast.SelectorExpr:
		if s := info.Selections[lhs]; s != nil && s.Kind() == types.FieldVal {
			return s.Obj()
		}
		return info.Uses[lhs.Sel]
	}
	return nil
}

// sameChannelSend reports whether the line blocked holds a send to the
// same channel variable as the send at posn, in the same function.
func (c *Code) sameChannelSend(posn token.Position, blocked Position) bool {
	file := c.files[posn.Filename]
	if file == nil || blocked.File != posn.Filename {
		return false
	}
	var reported *ast.SendStmt
	var others []*ast.SendStmt
	ast.Inspect(file.syntax, func(n ast.Node) bool {
		if s, ok := n.(*ast.SendStmt); ok {
			if c.Fset.Position(s.Arrow).Offset == posn.Offset || c.Fset.Position(s.Pos()).Offset == posn.Offset {
				reported = s
			}
			if c.Fset.Position(s.Pos()).Line == blocked.Line {
				others = append(others, s)
			}
		}
		return true
	})
	if reported == nil {
		return false
	}
	ch := channelVar(file.info, reported.Chan)
	if ch == nil {
		return false
	}
	for _, s := range others {
		if channelVar(file.info, s.Chan) == ch && c.enclosingFunc(file, s.Pos()) == c.enclosingFunc(file, reported.Pos()) {
			return true
		}
	}
	return false
}

// channelVar returns the variable a send's channel operand names, or nil.
func channelVar(info *types.Info, e ast.Expr) *types.Var {
	if id, ok := ast.Unparen(e).(*ast.Ident); ok {
		v, _ := info.Uses[id].(*types.Var)
		return v
	}
	return nil
}

// enclosingFunc returns the innermost function declaration or literal of
// file that holds pos.
func (c *Code) enclosingFunc(file *codeFile, pos token.Pos) ast.Node {
	var fn ast.Node
	ast.Inspect(file.syntax, func(n ast.Node) bool {
		if n == nil || n.Pos() > pos || pos >= n.End() {
			return false
		}
		switch n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			fn = n
		}
		return true
	})
	return fn
}
