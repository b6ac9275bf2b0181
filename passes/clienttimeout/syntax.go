package clienttimeout

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// syntaxIndex holds the syntax the pass judges and maps SSA positions back
// to it.
type syntaxIndex struct {
	pass        *analysis.Pass
	lits        []*ast.CompositeLit // literals of clients and client-embedding structs, in source order
	newCalls    []*ast.CallExpr     // new(http.Client) calls, in source order
	insp        *inspector.Inspector
	initialised map[*ast.CompositeLit]token.Pos // client literal -> the variable it initialises
	inits       map[token.Pos]ast.Expr          // variable -> the client literal or new call initialising it
	returnedBy  map[token.Pos]*types.Func       // literal Lbrace or new Lparen -> function returning it
	used        map[types.Object]bool           // built on first use: most packages declare no zero client
	zeroLocals  []zeroVar
	zeroGlobals []zeroVar
}

// zeroVar is a `var c http.Client` declared without a value.
type zeroVar struct {
	ident *ast.Ident
	obj   *types.Var
}

// indexSyntax builds the index in one walk over the package.
func indexSyntax(pass *analysis.Pass, insp *inspector.Inspector) *syntaxIndex {
	x := &syntaxIndex{
		pass:        pass,
		insp:        insp,
		initialised: make(map[*ast.CompositeLit]token.Pos),
		inits:       make(map[token.Pos]ast.Expr),
		returnedBy:  make(map[token.Pos]*types.Func),
	}
	builders := make(map[*ast.FuncDecl]bool) // declarations that build a client
	filter := []ast.Node{(*ast.CompositeLit)(nil), (*ast.CallExpr)(nil), (*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil)}
	for cur := range insp.Root().Preorder(filter...) {
		switch n := cur.Node().(type) {
		case *ast.CompositeLit:
			if x.buildsClient(n) {
				x.lits = append(x.lits, n)
				markEnclosing(builders, cur)
			}
		case *ast.CallExpr:
			if x.buildsClient(n) {
				x.newCalls = append(x.newCalls, n)
				markEnclosing(builders, cur)
			}
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
	for decl := range builders {
		x.indexReturns(decl)
	}
	return x
}

// markEnclosing adds the function declaration around cur to decls: only a
// function that builds a client can return the client it built.
func markEnclosing(decls map[*ast.FuncDecl]bool, cur inspector.Cursor) {
	for fd := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		decls[fd.Node().(*ast.FuncDecl)] = true
		return
	}
}

// buildsClient reports whether e is a composite literal of an http.Client or
// of a struct embedding one, or new(http.Client): the expressions the pass
// judges. Indexing only these keeps the index small in packages that
// merely import net/http.
func (x *syntaxIndex) buildsClient(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.CompositeLit:
		t := x.pass.TypesInfo.TypeOf(e)
		return t != nil && (isClient(t) || embeddedClientIndex(t) >= 0)
	case *ast.CallExpr:
		if !isBuiltinNew(x.pass.TypesInfo, e) || len(e.Args) != 1 {
			return false
		}
		t := x.pass.TypesInfo.TypeOf(e.Args[0])
		return t != nil && isClient(t)
	}
	return false
}

// indexValueSpec records initialisers and clients declared without a value.
func (x *syntaxIndex) indexValueSpec(spec *ast.ValueSpec, global bool) {
	if len(spec.Values) == len(spec.Names) {
		for i, name := range spec.Names {
			x.indexInit(name, spec.Values[i])
		}
	}
	if len(spec.Values) > 0 {
		return // initialised: judged through its value
	}
	for _, name := range spec.Names {
		v, ok := x.pass.TypesInfo.Defs[name].(*types.Var)
		if !ok || !isClient(v.Type()) {
			continue
		}
		if global {
			x.zeroGlobals = append(x.zeroGlobals, zeroVar{ident: name, obj: v})
		} else {
			x.zeroLocals = append(x.zeroLocals, zeroVar{ident: name, obj: v})
		}
	}
}

// indexInit records that the variable lhs is initialised by rhs.
func (x *syntaxIndex) indexInit(lhs, rhs ast.Expr) {
	id, ok := ast.Unparen(lhs).(*ast.Ident)
	if !ok || id.Name == "_" {
		return
	}
	rhs = stripAddr(rhs)
	if !x.buildsClient(rhs) {
		return // only clients are followed from variable to return
	}
	x.inits[id.Pos()] = rhs
	if lit, ok := rhs.(*ast.CompositeLit); ok {
		x.initialised[lit] = id.Pos()
	}
}

// indexReturns records the literals and new calls that decl returns,
// directly or through a variable they initialise. Closures are skipped:
// their results are not the declared function's.
func (x *syntaxIndex) indexReturns(decl *ast.FuncDecl) {
	fn, ok := x.pass.TypesInfo.Defs[decl.Name].(*types.Func)
	if !ok || decl.Body == nil {
		return
	}
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			for _, res := range n.Results {
				x.markReturned(stripAddr(res), fn)
			}
		}
		return true
	})
}

// markReturned records that fn returns the value built by e.
func (x *syntaxIndex) markReturned(e ast.Expr, fn *types.Func) {
	if id, ok := e.(*ast.Ident); ok {
		if obj := x.pass.TypesInfo.Uses[id]; obj != nil {
			e = x.inits[obj.Pos()]
		}
	}
	switch e := e.(type) {
	case *ast.CompositeLit:
		x.returnedBy[e.Lbrace] = fn
	case *ast.CallExpr:
		x.returnedBy[e.Lparen] = fn
	}
}

// stripAddr removes parentheses and a leading &.
func stripAddr(e ast.Expr) ast.Expr {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	return e
}

// isBuiltinNew reports whether call calls the builtin new.
func isBuiltinNew(info *types.Info, call *ast.CallExpr) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := info.Uses[id].(*types.Builtin)
	return ok && b.Name() == "new"
}

// callRange returns the call whose Lparen is pos, as a range.
func (x *syntaxIndex) callRange(pos token.Pos) analysis.Range {
	// The parenthesis itself, not the empty range at pos, which belongs to
	// the callee expression ending there.
	cur, ok := x.insp.Root().FindByPos(pos, pos+1)
	if !ok {
		return nil
	}
	if call, ok := cur.Node().(*ast.CallExpr); ok && call.Lparen == pos {
		return call
	}
	return nil
}

// isUsed reports whether obj is referred to anywhere in the package.
func (x *syntaxIndex) isUsed(obj types.Object) bool {
	if x.used == nil {
		x.used = make(map[types.Object]bool)
		for _, obj := range x.pass.TypesInfo.Uses {
			x.used[obj] = true
		}
	}
	return x.used[obj]
}

// isTestFile reports whether pos lies in a _test.go file.
func (x *syntaxIndex) isTestFile(pos token.Pos) bool {
	return isTestFileName(x.pass.Fset.PositionFor(pos, false).Filename)
}

// isTestFileName reports whether the file name is a _test.go file's.
func isTestFileName(name string) bool { return strings.HasSuffix(name, "_test.go") }

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
