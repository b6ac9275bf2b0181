package noexit

import (
	"go/ast"
	"go/token"

	"golang.org/x/tools/go/ast/inspector"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
	"github.com/goroutinelint/goroutinelint/internal/enginediag"
)

// syntaxIndex maps SSA positions back to the syntax the user wrote: the
// package's loops here, channels and calls through the engine's index,
// which walks the same syntax for its own findings.
type syntaxIndex struct {
	*enginediag.Index
	loops []ast.Node // for and range statements, in source order
}

// indexSyntax indexes the package's loops beside idx.
func indexSyntax(insp *inspector.Inspector, idx *enginediag.Index) *syntaxIndex {
	x := &syntaxIndex{Index: idx}
	for cur := range insp.Root().Preorder((*ast.RangeStmt)(nil), (*ast.ForStmt)(nil)) {
		x.loops = append(x.loops, cur.Node())
	}
	return x
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
		if call, ok := x.CallAt(sp.Pos); ok {
			return call.Fun.Pos(), call.Fun.End()
		}
		return sp.Pos, token.NoPos
	}
	return sp.Pos, sp.Pos + token.Pos(len("go"))
}
