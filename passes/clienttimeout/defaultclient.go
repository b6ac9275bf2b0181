package clienttimeout

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
)

// defaultClientFuncs are the net/http functions that use http.DefaultClient.
var defaultClientFuncs = map[string]bool{"Get": true, "Head": true, "Post": true, "PostForm": true}

// checkDefaultClientUses reports uses of http.DefaultClient and of the
// functions that use it, unless the package gives DefaultClient a Timeout.
func (c *checker) checkDefaultClientUses(insp *inspector.Inspector) {
	if setsDefaultClientTimeout(c.pass.TypesInfo, insp) {
		return // e.g. main does http.DefaultClient.Timeout = d before serving
	}
	for cur := range insp.Root().Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		name, ok := defaultClientUse(c.pass.TypesInfo.Uses[id])
		if !ok {
			continue // not DefaultClient or one of its helpers
		}
		var expr ast.Expr = id
		if sel, ok := cur.Parent().Node().(*ast.SelectorExpr); ok && sel.Sel == id {
			expr = sel
		}
		if name == "DefaultClient" && c.isBoundFallback(expr) {
			continue // `if hc == nil { hc = http.DefaultClient }` where every request carries the caller's context
		}
		if name == "DefaultClient" && c.isUnreachableFallback(expr) {
			continue // `if c.hc == nil { ... }` on a field that is never nil
		}
		if name == "DefaultClient" {
			c.reportf(expr, categoryDefault, nil, "%s has no Timeout: %s", types.ExprString(expr), consequence)
		} else {
			c.reportf(expr, categoryDefault, nil, "%s uses http.DefaultClient, which has no Timeout: %s", types.ExprString(expr), consequence)
		}
	}
}

// defaultClientUse reports whether obj is http.DefaultClient or one of the
// functions that use it, and returns its name.
func defaultClientUse(obj types.Object) (string, bool) {
	if obj == nil || obj.Pkg() == nil || obj.Pkg().Path() != "net/http" || obj.Parent() != obj.Pkg().Scope() {
		return "", false
	}
	switch obj := obj.(type) {
	case *types.Var:
		return obj.Name(), obj.Name() == "DefaultClient"
	case *types.Func:
		return obj.Name(), defaultClientFuncs[obj.Name()]
	}
	return "", false
}

// setsDefaultClientTimeout reports whether the package assigns
// http.DefaultClient.Timeout.
func setsDefaultClientTimeout(info *types.Info, insp *inspector.Inspector) bool {
	for cur := range insp.Root().Preorder((*ast.AssignStmt)(nil)) {
		for _, lhs := range cur.Node().(*ast.AssignStmt).Lhs {
			sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Timeout" {
				continue
			}
			if x, ok := ast.Unparen(sel.X).(*ast.SelectorExpr); ok {
				if name, ok := defaultClientUse(info.Uses[x.Sel]); ok && name == "DefaultClient" {
					return true
				}
			}
		}
	}
	return false
}
