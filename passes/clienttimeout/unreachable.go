package clienttimeout

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"
)

// maxNonNilDepth bounds how far isNonNil follows values and calls.
const maxNonNilDepth = 6

// isUnreachableFallback reports whether e, http.DefaultClient or a client
// built without a Timeout, is assigned only inside `if x.f == nil { ... }`
// where f is an unexported field of a struct of this package that can never
// be nil: every literal of the struct sets it, or every allocation of one
// (new(T), &T{...}) sets it before the pointer goes anywhere, every
// assignment to it stores a value that cannot be nil, and the package never
// makes a zero value of the struct. The fallback never runs.
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
// package sets field idx by key, or is an allocation (&T{...}) that sets the
// field before the new value goes anywhere (setBeforeEscape), and the package
// names the type only as a pointer, a literal's type, a receiver or the
// argument of such an allocation, new(T): a `var x T`, []T or a struct
// embedding T would make a zero value with a nil field.
//
// Without -clienttimeout.tests, values built in _test.go files do not
// count: a test's object reaches the fallback only in that test, and a
// test's clients are not reported.
func (c *checker) literalsSetField(named *types.Named, idx int) bool {
	name := named.Underlying().(*types.Struct).Field(idx).Name()
	for cur := range c.syntax.insp.Root().Preorder((*ast.CompositeLit)(nil), (*ast.Ident)(nil)) {
		if !c.cfg.Tests && c.syntax.isTestFile(cur.Node().Pos()) {
			continue // a test's value
		}
		switch n := cur.Node().(type) {
		case *ast.CompositeLit:
			if t := c.pass.TypesInfo.TypeOf(n); t != nil && types.Identical(t, named) && !hasKey(n, name) {
				if !isAddressed(cur) || !c.setBeforeEscape(cur, n.Lbrace, named, idx) {
					return false // a literal without the field
				}
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
			case *ast.CallExpr:
				if c.isBuiltinNew(p) && len(p.Args) == 1 && ast.Unparen(p.Args[0]) == n && c.setBeforeEscape(cur.Parent(), p.Lparen, named, idx) {
					continue // new(T) whose field is set before it goes anywhere
				}
			}
			return false // a use that may make a zero value
		}
	}
	return true
}

// isAddressed reports whether the composite literal at cur is the operand
// of &, through parentheses: &T{...} allocates a new variable.
func isAddressed(cur inspector.Cursor) bool {
	for p := cur.Parent(); ; p = p.Parent() {
		switch n := p.Node().(type) {
		case *ast.ParenExpr:
			continue
		case *ast.UnaryExpr:
			return n.Op == token.AND
		}
		return false
	}
}

// isBuiltinNew reports whether call calls the builtin new.
func (c *checker) isBuiltinNew(call *ast.CallExpr) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := c.pass.TypesInfo.Uses[id].(*types.Builtin)
	return ok && b.Name() == "new"
}

// setBeforeEscape reports whether the allocation of named at cur (new(T) or
// &T{...}, whose SSA Alloc is at pos) has field idx set, by a store of a
// value that cannot be nil, before the new pointer goes anywhere: every use
// of the pointer other than the address of another field (a call, a
// return, a store, a copy of the struct, a conversion, a closure, a phi)
// and every read of the field are dominated by such a store in the function
// that allocates it. A constructor that does `c := new(T)`, fills in the
// fields and returns c never lets a T with a nil field out. Anything not
// understood here (no Alloc found, the field's address taken) is false,
// so the literal counts as one that leaves the field nil.
func (c *checker) setBeforeEscape(cur inspector.Cursor, pos token.Pos, named *types.Named, idx int) bool {
	fn := c.enclosingFunc(cur)
	if fn == nil {
		return false
	}
	var alloc *ssa.Alloc
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if a, ok := instr.(*ssa.Alloc); ok && a.Pos() == pos && isPointerTo(a.Type(), named) {
				alloc = a
			}
		}
	}
	if alloc == nil {
		return false
	}
	var sets []*ssa.Store // stores of a non-nil value into the field
	var uses []ssa.Instruction
	for _, ref := range *alloc.Referrers() {
		switch ref := ref.(type) {
		case *ssa.DebugRef:
		case *ssa.FieldAddr:
			if ref.Field != idx {
				continue // another field's address reaches no other field
			}
			for _, fref := range *ref.Referrers() {
				switch fref := fref.(type) {
				case *ssa.DebugRef:
				case *ssa.Store:
					if fref.Addr == ref && c.isNonNil(fref.Val, maxNonNilDepth) {
						sets = append(sets, fref)
						continue
					}
					uses = append(uses, fref)
				default:
					uses = append(uses, fref) // a read of the field, or its address going somewhere
				}
			}
		default:
			uses = append(uses, ref)
		}
	}
	for _, use := range uses {
		if !setOnEveryPath(alloc, sets, use) {
			return false
		}
	}
	return true
}

// setOnEveryPath reports whether every path from alloc to use passes one of
// the stores sets first. It walks back from use: a block with a store ends
// a path (the store runs after the allocation, which it uses); reaching the
// allocation first, or the function's entry, is a path without one. A phi
// uses its value at the end of each predecessor it takes it from.
func setOnEveryPath(alloc *ssa.Alloc, sets []*ssa.Store, use ssa.Instruction) bool {
	hasSet := make(map[*ssa.BasicBlock]bool, len(sets))
	for _, set := range sets {
		hasSet[set.Block()] = true
	}
	var starts []*ssa.BasicBlock // blocks whose every instruction runs before the use
	if phi, ok := use.(*ssa.Phi); ok {
		for i, e := range phi.Edges {
			if e != alloc {
				continue
			}
			if i >= len(phi.Block().Preds) {
				return false
			}
			starts = append(starts, phi.Block().Preds[i])
		}
	} else {
		// Within the use's block, look back from the use.
		b := use.Block()
		idx := slices.Index(b.Instrs, use)
		if idx < 0 {
			return false
		}
		for i := idx - 1; i >= 0; i-- {
			switch instr := b.Instrs[i].(type) {
			case *ssa.Store:
				if slices.Contains(sets, instr) {
					return true
				}
			case *ssa.Alloc:
				if instr == alloc {
					return false // allocated and used with no store between
				}
			}
		}
		starts = b.Preds
	}
	seen := make(map[*ssa.BasicBlock]bool)
	work := slices.Clone(starts)
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[b] {
			continue
		}
		seen[b] = true
		switch {
		case hasSet[b]:
			continue // a store runs at the end of this path (after the allocation, if it is here too)
		case b == alloc.Block(), len(b.Preds) == 0:
			return false // back to the allocation, or the entry, without a store
		}
		work = append(work, b.Preds...)
	}
	return true
}

// storesNonNil reports whether every store to field idx of named in the
// package, other than those inside the fallback (and, without
// -clienttimeout.tests, those in _test.go files), stores a value that
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
						if !c.cfg.Tests && ref.Pos().IsValid() && c.syntax.isTestFile(ref.Pos()) {
							continue // a test's store, seen by that test alone (see literalsSetField)
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
