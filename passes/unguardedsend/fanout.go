package unguardedsend

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
)

// fanOutFix returns a fix for a fan-out: one goroutine per iteration of a
// loop, each sending once on an unbuffered channel made before the loop,
// and a receiver that can return before receiving from them all. A buffer
// of the loop's length (len(items), or n for range n and i < n) lets every
// send complete. It returns nil unless all of that is plain in the code.
func (c *checker) fanOutFix(fn *ssa.Function, a chanmodel.Abandon, name string) *analysis.SuggestedFix {
	if a.Cap != 0 || len(a.Senders) == 0 {
		return nil // buffered already, or nothing to cover
	}
	start := a.Senders[0].Go
	for _, s := range a.Senders {
		if s.Go != start || s.Callee != "" {
			return nil // several spawn sites, or sends in another package
		}
	}
	call, ok := c.syntax.makes[a.Make]
	if !ok || len(call.Args) != 1 {
		return nil // not the plain make(chan T) we can edit
	}
	if !c.sendsOncePerGoroutine(fn, start, a.Make) {
		return nil // a goroutine may send more than once: the length is not enough
	}
	bound := c.loopBound(start, call)
	if bound == "" {
		return nil
	}
	return &analysis.SuggestedFix{
		Message: fmt.Sprintf("Give %s a buffer of %s, one per goroutine, so every send completes even if the receiver returns early", name, bound),
		TextEdits: []analysis.TextEdit{{
			Pos:     call.Rparen,
			End:     call.Rparen,
			NewText: []byte(", " + bound),
		}},
	}
}

// sendsOncePerGoroutine reports whether the goroutine started at pos in fn
// sends at most once, along any path, on the channel made at makePos: a
// closure capturing the channel, or a function given it as an argument.
func (c *checker) sendsOncePerGoroutine(fn *ssa.Function, pos, makePos token.Pos) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			g, ok := instr.(*ssa.Go)
			if !ok || g.Pos() != pos {
				continue
			}
			callee, slot := spawnedSlot(g, makePos)
			if callee == nil {
				return false
			}
			s := c.model.Summary(callee)
			return s != nil && slot < len(s.Slots) && s.Slots[slot].Sends == 1 && s.Slots[slot].SpawnSends == 0
		}
	}
	return false
}

// spawnedSlot returns the function g starts and the summary slot (parameter,
// then free variable) through which it sees the channel made at makePos.
func spawnedSlot(g *ssa.Go, makePos token.Pos) (*ssa.Function, int) {
	isChan := func(v ssa.Value) bool {
		mc, ok := v.(*ssa.MakeChan)
		return ok && mc.Pos() == makePos
	}
	if mc, ok := g.Call.Value.(*ssa.MakeClosure); ok {
		callee, ok := mc.Fn.(*ssa.Function)
		if !ok {
			return nil, 0
		}
		for i, v := range mc.Bindings {
			if isChan(v) {
				return callee, len(callee.Params) + i
			}
		}
		return nil, 0
	}
	if callee := g.Call.StaticCallee(); callee != nil {
		for i, v := range g.Call.Args {
			if isChan(v) {
				return callee, i
			}
		}
	}
	return nil, 0
}

// loopBound returns the length of the loop that directly encloses the go
// statement at pos, as an expression valid where the channel is made, or
// "" if there is none.
func (c *checker) loopBound(pos token.Pos, makeCall *ast.CallExpr) string {
	insp := c.pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	for cur := range insp.Root().Preorder((*ast.GoStmt)(nil)) {
		if cur.Node().Pos() != pos {
			continue
		}
		for enc := range cur.Enclosing((*ast.RangeStmt)(nil), (*ast.ForStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
			var bound ast.Expr
			length := false
			switch loop := enc.Node().(type) {
			case *ast.RangeStmt:
				bound, length = loop.X, !isInteger(c.pass.TypesInfo.TypeOf(loop.X))
			case *ast.ForStmt:
				bound = countedLimit(loop)
			}
			if bound == nil || enc.Node().Pos() < makeCall.End() || !c.visibleAt(bound, makeCall.Pos()) {
				return "" // no loop, a loop we cannot count, or one the make is inside
			}
			if length {
				return "len(" + types.ExprString(bound) + ")"
			}
			return types.ExprString(bound)
		}
	}
	return ""
}

// countedLimit returns n for `for i := ...; i < n; ...`, or nil.
func countedLimit(loop *ast.ForStmt) ast.Expr {
	init, ok := loop.Init.(*ast.AssignStmt)
	cond, ok2 := loop.Cond.(*ast.BinaryExpr)
	if !ok || !ok2 || init.Tok != token.DEFINE || len(init.Lhs) != 1 || cond.Op != token.LSS {
		return nil
	}
	i, ok := init.Lhs[0].(*ast.Ident)
	x, ok2 := cond.X.(*ast.Ident)
	if !ok || !ok2 || i.Name != x.Name {
		return nil
	}
	return cond.Y
}

// visibleAt reports whether e is made only of variables, constants and
// field selections that mean the same at pos, with no calls.
func (c *checker) visibleAt(e ast.Expr, pos token.Pos) bool {
	scope := c.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return false
	}
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if !c.isBuiltin(n.Fun, "len") {
				ok = false // a call may have side effects or differ each time
			}
			return ok
		case *ast.FuncLit, *ast.UnaryExpr:
			ok = false // values the loop computes
		case *ast.SelectorExpr:
			ast.Inspect(n.X, func(m ast.Node) bool {
				if id, isID := m.(*ast.Ident); isID {
					ok = ok && c.sameAt(scope, id, pos)
				}
				return ok
			})
			return false
		case *ast.Ident:
			if _, builtin := c.pass.TypesInfo.Uses[n].(*types.Builtin); !builtin {
				ok = ok && c.sameAt(scope, n, pos)
			}
		}
		return ok
	})
	return ok
}

// isBuiltin reports whether fun names the named builtin function.
func (c *checker) isBuiltin(fun ast.Expr, name string) bool {
	id, ok := ast.Unparen(fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := c.pass.TypesInfo.Uses[id].(*types.Builtin)
	return ok && b.Name() == name
}

// sameAt reports whether id names the same object at pos.
func (c *checker) sameAt(scope *types.Scope, id *ast.Ident, pos token.Pos) bool {
	obj := c.pass.TypesInfo.Uses[id]
	if obj == nil {
		return false
	}
	_, found := scope.LookupParent(id.Name, pos)
	return found == obj
}

// isInteger reports whether t is an integer type (range over int).
func isInteger(t types.Type) bool {
	b, ok := types.Unalias(t).Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}
