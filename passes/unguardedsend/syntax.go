package unguardedsend

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// syntaxIndex maps SSA positions back to the syntax the user wrote.
type syntaxIndex struct {
	sends map[token.Pos]*ast.SendStmt // by arrow position
	makes map[token.Pos]*ast.CallExpr // make(chan ...) calls by Lparen
	names map[token.Pos]string        // variable a make(chan ...) is assigned to, by Lparen
}

// indexSyntax indexes the package's sends and channel makes.
func indexSyntax(pass *analysis.Pass, insp *inspector.Inspector) *syntaxIndex {
	x := &syntaxIndex{
		sends: map[token.Pos]*ast.SendStmt{},
		makes: map[token.Pos]*ast.CallExpr{},
		names: map[token.Pos]string{},
	}
	for cur := range insp.Root().Preorder((*ast.SendStmt)(nil), (*ast.CallExpr)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.SendStmt:
			x.sends[n.Arrow] = n
		case *ast.CallExpr:
			if !isMakeChan(pass.TypesInfo, n) {
				continue // another call
			}
			x.makes[n.Lparen] = n
			if name := assignedName(cur.Parent().Node(), n); name != "" {
				x.names[n.Lparen] = name
			}
		}
	}
	return x
}

// isMakeChan reports whether call is make(chan T[, n]).
func isMakeChan(info *types.Info, call *ast.CallExpr) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok || len(call.Args) == 0 {
		return false
	}
	if _, ok := info.Uses[id].(*types.Builtin); !ok || id.Name != "make" {
		return false // a function called make, or another builtin
	}
	tv, ok := info.Types[call.Args[0]]
	if !ok || tv.Type == nil {
		return false // untyped: not ours
	}
	_, ok = tv.Type.Underlying().(*types.Chan)
	return ok
}

// assignedName returns the variable that parent assigns call to, or "".
func assignedName(parent ast.Node, call *ast.CallExpr) string {
	switch p := parent.(type) {
	case *ast.AssignStmt:
		for i, rhs := range p.Rhs {
			if rhs == call && i < len(p.Lhs) && len(p.Lhs) == len(p.Rhs) {
				return types.ExprString(p.Lhs[i])
			}
		}
	case *ast.ValueSpec:
		for i, v := range p.Values {
			if v == call && i < len(p.Names) && len(p.Names) == len(p.Values) {
				return p.Names[i].Name
			}
		}
	}
	return ""
}

// chanName renders the channel of the send at arrow as written, or
// returns fallback.
func (x *syntaxIndex) chanName(arrow token.Pos, fallback string) string {
	if s, ok := x.sends[arrow]; ok {
		return types.ExprString(s.Chan)
	}
	return fallback
}

// makeName returns the variable a make(chan) at lparen is assigned to.
func (x *syntaxIndex) makeName(lparen token.Pos) string {
	if name, ok := x.names[lparen]; ok {
		return name
	}
	return "the channel"
}
