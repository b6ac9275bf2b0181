package clienttimeout

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"
)

// maxNonNilDepth bounds how far isNonNil follows values and calls.
const maxNonNilDepth = 6

// isUnreachableFallback reports whether e, http.DefaultClient or a client
// built without a Timeout, is assigned only inside `if x.f == nil { ... }`
// where f is an unexported field of a struct of this package that can never
// be nil: every literal of the struct sets it, every assignment to it
// stores a value that cannot be nil, and the package never makes a zero
// value of the struct. The fallback never runs.
func (c *checker) isUnreachableFallback(e ast.Node) bool {
	cur, ok := c.syntax.insp.Root().FindNode(e)
	if !ok {
		return false
	}
	parent := cur.Parent()
	for {
		if _, ok := parent.Node().(*ast.ParenExpr); ok {
			parent = parent.Parent()
			continue
		}
		if u, ok := parent.Node().(*ast.UnaryExpr); ok && u.Op == token.AND {
			parent = parent.Parent()
			continue
		}
		break
	}
	assign, ok := parent.Node().(*ast.AssignStmt)
	if !ok || assign.Tok != token.ASSIGN || len(assign.Rhs) != 1 {
		return false // not `x = e`
	}
	body, ok := parent.Parent().Node().(*ast.BlockStmt)
	if !ok {
		return false
	}
	ifStmt, ok := parent.Parent().Parent().Node().(*ast.IfStmt)
	if !ok || ifStmt.Body != body {
		return false // not inside an if's body
	}
	named, field, ok := c.nilFieldTest(copiedField(c.pass.TypesInfo, parent.Parent().Parent(), ifStmt.Cond))
	if !ok {
		return false // not `x.f == nil` on an unexported field of this package
	}
	return c.literalsSetField(named, field) && c.storesNonNil(named, field, ifStmt)
}

// copiedField rewrites cond, `v == nil` where the statement just before the
// if (at ifCur) is `v := x.f`, into `x.f == nil`: the local is the field's
// value, read a moment before (`hc := s.hc; if hc == nil { hc = ... }`).
// Any other condition is returned as it is.
func copiedField(info *types.Info, ifCur inspector.Cursor, cond ast.Expr) ast.Expr {
	bin, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || bin.Op != token.EQL {
		return cond
	}
	id, ok := ast.Unparen(bin.X).(*ast.Ident)
	other := bin.Y
	if !ok {
		if id, ok = ast.Unparen(bin.Y).(*ast.Ident); !ok {
			return cond
		}
		other = bin.X
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok {
		return cond // nil itself, or not a variable
	}
	block, ok := ifCur.Parent().Node().(*ast.BlockStmt)
	if !ok {
		return cond
	}
	for i, stmt := range block.List {
		if stmt != ifCur.Node() || i == 0 {
			continue
		}
		def, ok := block.List[i-1].(*ast.AssignStmt)
		if !ok || def.Tok != token.DEFINE || len(def.Lhs) != 1 || len(def.Rhs) != 1 {
			return cond // not `v := x.f` just before
		}
		lhs, ok := def.Lhs[0].(*ast.Ident)
		if !ok || info.Defs[lhs] != v {
			return cond // defines another variable
		}
		sel, ok := ast.Unparen(def.Rhs[0]).(*ast.SelectorExpr)
		if !ok {
			return cond
		}
		return &ast.BinaryExpr{X: sel, OpPos: bin.OpPos, Op: token.EQL, Y: other}
	}
	return cond
}

// nilFieldTest returns, for a condition `x.f == nil` or `nil == x.f`, the
// struct type of this package that declares f, and f's index. f must be
// unexported and declared directly in a non-generic named struct.
func (c *checker) nilFieldTest(cond ast.Expr) (*types.Named, int, bool) {
	bin, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || bin.Op != token.EQL {
		return nil, 0, false
	}
	isNil := func(e ast.Expr) bool {
		tv, ok := c.pass.TypesInfo.Types[e]
		return ok && tv.IsNil()
	}
	x := bin.X
	if isNil(x) {
		x = bin.Y
	} else if !isNil(bin.Y) {
		return nil, 0, false
	}
	sel, ok := ast.Unparen(x).(*ast.SelectorExpr)
	if !ok {
		return nil, 0, false
	}
	s, ok := c.pass.TypesInfo.Selections[sel]
	if !ok || s.Kind() != types.FieldVal || len(s.Index()) != 1 || s.Obj().Exported() {
		return nil, 0, false // a method, a promoted field, or one other packages can set
	}
	recv := s.Recv()
	if p, ok := recv.Underlying().(*types.Pointer); ok {
		recv = p.Elem()
	}
	named, ok := types.Unalias(recv).(*types.Named)
	if !ok || named.Obj().Pkg() != c.pass.Pkg || named.TypeParams().Len() > 0 || named.TypeArgs().Len() > 0 {
		return nil, 0, false // another package's, or generic
	}
	if _, ok := named.Underlying().(*types.Struct); !ok {
		return nil, 0, false
	}
	return named, s.Index()[0], true
}

// literalsSetField reports whether every composite literal of named in the
// package sets field idx by key, and the package names the type only as a
// pointer, a literal's type, or a receiver: a `var x T`, new(T), []T or a
// struct embedding T would make a zero value with a nil field.
func (c *checker) literalsSetField(named *types.Named, idx int) bool {
	name := named.Underlying().(*types.Struct).Field(idx).Name()
	for cur := range c.syntax.insp.Root().Preorder((*ast.CompositeLit)(nil), (*ast.Ident)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.CompositeLit:
			if t := c.pass.TypesInfo.TypeOf(n); t != nil && types.Identical(t, named) && !hasKey(n, name) {
				return false // a literal without the field
			}
		case *ast.Ident:
			if tn, ok := c.pass.TypesInfo.Uses[n].(*types.TypeName); !ok || tn != named.Obj() {
				continue // another name
			}
			switch p := cur.Parent().Node().(type) {
			case *ast.StarExpr:
				continue // a pointer: nil or made elsewhere
			case *ast.CompositeLit:
				if p.Type == n {
					continue // judged as a literal
				}
			}
			return false // a use that may make a zero value
		}
	}
	return true
}

// storesNonNil reports whether every store to field idx of named in the
// package, other than those inside the fallback, stores a value that
// cannot be nil, and the field's address goes nowhere else.
func (c *checker) storesNonNil(named *types.Named, idx int, fallback *ast.IfStmt) bool {
	for _, fn := range c.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				fa, ok := instr.(*ssa.FieldAddr)
				if !ok || fa.Field != idx || !isPointerTo(fa.X.Type(), named) {
					continue // another field
				}
				for _, ref := range *fa.Referrers() {
					switch ref := ref.(type) {
					case *ssa.Store:
						if ref.Addr != fa {
							return false // the address itself is stored
						}
						if ref.Pos() >= fallback.Pos() && ref.Pos() < fallback.End() {
							continue // the fallback's own assignment
						}
						if !c.isNonNil(ref.Val, maxNonNilDepth) {
							return false
						}
					case *ssa.UnOp:
						if ref.Op != token.MUL {
							return false
						}
					case *ssa.DebugRef:
					default:
						return false // the field's address escapes: unknown
					}
				}
			}
		}
	}
	return true
}

// isNonNil reports whether v can never be nil: the address of a new value
// (&T{...}, new(T)), an interface holding one, or the result of a function
// of this package that returns such a value on every path.
func (c *checker) isNonNil(v ssa.Value, depth int) bool {
	if depth <= 0 {
		return false
	}
	switch v := v.(type) {
	case *ssa.Alloc:
		return true
	case *ssa.MakeInterface:
		return c.isNonNil(v.X, depth-1)
	case *ssa.ChangeInterface:
		return c.isNonNil(v.X, depth-1)
	case *ssa.Phi:
		for _, e := range v.Edges {
			if e != v && !c.isNonNil(e, depth-1) {
				return false
			}
		}
		return len(v.Edges) > 0
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok && v.Index == 0 {
			return c.returnsNonNil(&call.Call, depth-1)
		}
	case *ssa.Call:
		return c.returnsNonNil(&v.Call, depth-1)
	}
	return false
}

// returnsNonNil reports whether the call's static callee is a function of
// this package whose first result is non-nil on every return.
func (c *checker) returnsNonNil(call *ssa.CallCommon, depth int) bool {
	fn := call.StaticCallee()
	if fn == nil || fn.Pkg != c.ssaPkg || fn.Blocks == nil {
		return false // unknown
	}
	n := 0
	for _, b := range fn.Blocks {
		if len(b.Instrs) == 0 {
			continue // not built
		}
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok {
			continue // a panic
		}
		if len(ret.Results) == 0 || !c.isNonNil(ret.Results[0], depth) {
			return false
		}
		n++
	}
	return n > 0
}

// isPointerTo reports whether t is *named.
func isPointerTo(t types.Type, named *types.Named) bool {
	p, ok := t.Underlying().(*types.Pointer)
	return ok && types.Identical(p.Elem(), named)
}
