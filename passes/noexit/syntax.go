package noexit

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
)

// syntaxIndex maps SSA positions back to the syntax the user wrote.
type syntaxIndex struct {
	chans map[token.Pos]ast.Expr      // received or sent channel by arrow, ranged channel by "for"
	loops []ast.Node                  // for and range statements, in source order
	calls map[token.Pos]*ast.CallExpr // calls by Lparen, for group spawns
	files []*ast.File
}

// indexSyntax indexes the package's receives, loops and calls.
func indexSyntax(pass *analysis.Pass, insp *inspector.Inspector) *syntaxIndex {
	x := &syntaxIndex{
		chans: map[token.Pos]ast.Expr{},
		calls: map[token.Pos]*ast.CallExpr{},
		files: pass.Files,
	}
	filter := []ast.Node{(*ast.UnaryExpr)(nil), (*ast.SendStmt)(nil), (*ast.RangeStmt)(nil), (*ast.ForStmt)(nil), (*ast.CallExpr)(nil)}
	for cur := range insp.Root().Preorder(filter...) {
		switch n := cur.Node().(type) {
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				x.chans[n.OpPos] = n.X
			}
		case *ast.SendStmt:
			x.chans[n.Arrow] = n.Chan
		case *ast.RangeStmt:
			x.chans[n.For] = n.X
			x.loops = append(x.loops, n)
		case *ast.ForStmt:
			x.loops = append(x.loops, n)
		case *ast.CallExpr:
			x.calls[n.Lparen] = n
		}
	}
	return x
}

// chanName renders the channel received from at pos as written, or
// returns fallback.
func (x *syntaxIndex) chanName(pos token.Pos, fallback string) string {
	if e, ok := x.chans[pos]; ok {
		return types.ExprString(e)
	}
	return fallback
}

// loopAt returns the "for" keyword of the innermost loop around pos, or
// pos itself when no loop encloses it.
func (x *syntaxIndex) loopAt(pos token.Pos) token.Pos {
	best := token.NoPos
	for _, l := range x.loops {
		if l.Pos() <= pos && pos < l.End() {
			best = l.Pos() // later loops in source order are nested deeper
		}
	}
	if best.IsValid() {
		return best
	}
	return pos
}

// spawnRange returns the short range to report a spawn at: the go
// keyword, or the called Go method of a group.
func (x *syntaxIndex) spawnRange(sp chanmodel.Spawn) (token.Pos, token.Pos) {
	if sp.Group {
		if call, ok := x.calls[sp.Pos]; ok {
			return call.Fun.Pos(), call.Fun.End()
		}
		return sp.Pos, token.NoPos
	}
	return sp.Pos, sp.Pos + token.Pos(len("go"))
}

// inPackage reports whether pos lies in one of the package's files.
func (x *syntaxIndex) inPackage(pos token.Pos) bool {
	for _, f := range x.files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return true
		}
	}
	return false
}
