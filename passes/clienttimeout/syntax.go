package clienttimeout

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// syntaxIndex maps SSA positions back to the syntax the user wrote.
type syntaxIndex struct {
	pass        *analysis.Pass
	lits        map[token.Pos]*ast.CompositeLit // by Lbrace, and by the variable a literal initialises
	calls       map[token.Pos]*ast.CallExpr     // by Lparen
	defs        map[token.Pos]*ast.Ident        // defining identifiers by position
	used        map[types.Object]bool
	zeroGlobals []zeroGlobal
}

// zeroGlobal is a package-level `var c http.Client` without a value.
type zeroGlobal struct {
	ident *ast.Ident
	obj   *types.Var
}

// indexSyntax builds the index in one walk over the package.
func indexSyntax(pass *analysis.Pass, insp *inspector.Inspector) *syntaxIndex {
	x := &syntaxIndex{
		pass:  pass,
		lits:  make(map[token.Pos]*ast.CompositeLit),
		calls: make(map[token.Pos]*ast.CallExpr),
		defs:  make(map[token.Pos]*ast.Ident),
		used:  make(map[types.Object]bool),
	}
	for id, obj := range pass.TypesInfo.Defs {
		if obj != nil {
			x.defs[id.Pos()] = id
		}
	}
	for _, obj := range pass.TypesInfo.Uses {
		x.used[obj] = true
	}
	filter := []ast.Node{(*ast.CompositeLit)(nil), (*ast.CallExpr)(nil), (*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil)}
	for cur := range insp.Root().Preorder(filter...) {
		switch n := cur.Node().(type) {
		case *ast.CompositeLit:
			x.lits[n.Lbrace] = n
		case *ast.CallExpr:
			x.calls[n.Lparen] = n
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i, lhs := range n.Lhs {
					x.indexInit(lhs, n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			_, global := cur.Parent().Parent().Node().(*ast.File)
			x.indexValueSpec(n, global)
		}
	}
	return x
}

// indexValueSpec records literal initialisers and zero package-level clients.
func (x *syntaxIndex) indexValueSpec(spec *ast.ValueSpec, global bool) {
	if len(spec.Values) == len(spec.Names) {
		for i, name := range spec.Names {
			x.indexInit(name, spec.Values[i])
		}
	}
	if !global || len(spec.Values) > 0 {
		return // only a package-level declaration without a value is a zero global
	}
	for _, name := range spec.Names {
		if v, ok := x.pass.TypesInfo.Defs[name].(*types.Var); ok && isClient(v.Type()) {
			x.zeroGlobals = append(x.zeroGlobals, zeroGlobal{ident: name, obj: v})
		}
	}
}

// indexInit records that the variable lhs is initialised by a literal.
func (x *syntaxIndex) indexInit(lhs, rhs ast.Expr) {
	id, ok := ast.Unparen(lhs).(*ast.Ident)
	if !ok {
		return
	}
	rhs = ast.Unparen(rhs)
	if u, ok := rhs.(*ast.UnaryExpr); ok && u.Op == token.AND {
		rhs = ast.Unparen(u.X)
	}
	if lit, ok := rhs.(*ast.CompositeLit); ok {
		x.lits[id.Pos()] = lit
	}
}

// literalAt returns the composite literal an allocation at pos comes from.
func (x *syntaxIndex) literalAt(pos token.Pos) *ast.CompositeLit {
	lit := x.lits[pos]
	if lit == nil || lit.Type == nil {
		return nil // no literal, or an elided type inside another literal
	}
	return lit
}

// callRange returns the call whose Lparen is pos, as a range.
func (x *syntaxIndex) callRange(pos token.Pos) analysis.Range {
	call := x.calls[pos]
	if call == nil {
		return nil
	}
	return call
}

// identAt returns the defining identifier at pos.
func (x *syntaxIndex) identAt(pos token.Pos) *ast.Ident { return x.defs[pos] }

// isUsed reports whether obj is referred to anywhere in the package.
func (x *syntaxIndex) isUsed(obj types.Object) bool { return x.used[obj] }

// isTestFile reports whether pos lies in a _test.go file.
func (x *syntaxIndex) isTestFile(pos token.Pos) bool {
	return strings.HasSuffix(x.pass.Fset.PositionFor(pos, false).Filename, "_test.go")
}

// fileOf returns the syntax tree of the file that contains pos.
func (x *syntaxIndex) fileOf(pos token.Pos) *ast.File {
	for _, f := range x.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// importsHTTP reports whether pkg depends on net/http, directly or not. A
// package that does not cannot name http.Client, so it has nothing to report
// or export.
func importsHTTP(pkg *types.Package) bool {
	seen := make(map[*types.Package]bool)
	var visit func(p *types.Package) bool
	visit = func(p *types.Package) bool {
		if p.Path() == "net/http" {
			return true
		}
		if seen[p] {
			return false
		}
		seen[p] = true
		for _, imp := range p.Imports() {
			if visit(imp) {
				return true
			}
		}
		return false
	}
	return visit(pkg)
}
