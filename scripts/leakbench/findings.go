package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// A finding is one diagnostic of goroutinelint on the copy, with positions
// relative to the copy's root.
type finding struct {
	Check    string   `json:"check"`
	Category string   `json:"category"`
	Pos      string   `json:"pos"` // file:line:col
	Message  string   `json:"message"`
	Related  []string `json:"related,omitempty"` // file:line:col of each related location
	// Names are the runtime names of the functions the finding is about:
	// the function enclosing it and the entry of every goroutine started
	// by a go statement at it or at a related location.
	Names []string `json:"names,omitempty"`
}

// key identifies a finding in the triage table.
func (f finding) key() string { return f.Pos + "\t" + f.Check + "\t" + f.Message }

// line returns file:line of a file:line:col position.
func line(pos string) string {
	if i := strings.LastIndex(pos, ":"); i >= 0 && strings.Count(pos, ":") >= 2 {
		return pos[:i]
	}
	return pos
}

// kernel names the file a position is in: goker/cockroach1055.go:1:2 is
// in kernel cockroach1055.
func kernel(pos string) string {
	file, _, _ := strings.Cut(pos, ":")
	return strings.TrimSuffix(filepath.Base(file), ".go")
}

// lint runs goroutinelint with default flags and -json on the copy's
// packages and returns its findings.
func lint(bin, dir string) ([]finding, error) {
	cmd := exec.Command(bin, "-json", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(goEnv, "GOFLAGS=")...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		return nil, fmt.Errorf("%s -json ./...: %v\n%s", bin, err, stderr.Bytes())
	}
	if strings.Contains(stderr.String(), "internal error") {
		return nil, fmt.Errorf("%s -json ./... reported an internal error:\n%s", bin, stderr.Bytes())
	}
	type diag struct {
		Category string `json:"category"`
		Posn     string `json:"posn"`
		Message  string `json:"message"`
		Related  []struct {
			Posn string `json:"posn"`
		} `json:"related"`
	}
	var tree map[string]map[string][]diag
	if err := json.Unmarshal(stdout.Bytes(), &tree); err != nil {
		return nil, fmt.Errorf("decoding goroutinelint -json: %v", err)
	}
	var out []finding
	for _, checks := range tree {
		for check, diags := range checks {
			for _, d := range diags {
				f := finding{Check: check, Category: d.Category, Pos: relPos(dir, d.Posn), Message: d.Message}
				for _, r := range d.Related {
					f.Related = append(f.Related, relPos(dir, r.Posn))
				}
				out = append(out, f)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out, nil
}

// relPos makes a file:line:col position relative to dir, with slashes.
func relPos(dir, posn string) string {
	if rel, ok := strings.CutPrefix(posn, dir+string(filepath.Separator)); ok {
		return filepath.ToSlash(rel)
	}
	return posn
}

// nameFindings sets each finding's Names from the copy's syntax and types.
// The names are spelled as the runtime spells them in tracebacks (without
// "main."): F, (*T).M, T.M, F.func1 for the first closure in F, F.func1.2
// for the second closure in that one. The compiler numbers closures in
// source order, per enclosing function, which is the order counted here.
func nameFindings(dir string, fs []finding) (*nameIndex, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		Dir:  dir,
		Fset: token.NewFileSet(),
		Env:  append(os.Environ(), append(goEnv, "GOFLAGS=")...),
	}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		return nil, err
	}
	idx := &nameIndex{fset: cfg.Fset, funcs: map[string][]namedFunc{}, gos: map[string][]string{}}
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			return nil, fmt.Errorf("loading %s: %v", p.PkgPath, p.Errors[0])
		}
		for _, f := range p.Syntax {
			idx.addFile(dir, p.TypesInfo, f)
		}
	}
	for i := range fs {
		f := &fs[i]
		names := map[string]bool{}
		if n := idx.enclosing(f.Pos); n != "" {
			names[n] = true
		}
		for _, pos := range append([]string{f.Pos}, f.Related...) {
			for _, n := range idx.gos[line(pos)] {
				names[n] = true
			}
		}
		for n := range names {
			f.Names = append(f.Names, n)
		}
		sort.Strings(f.Names)
	}
	return idx, nil
}

// checkNames compares the entry names the index gives the go statements
// with those the runs printed, the evidence that scoring by name matches
// what the runtime would have shown. It returns the number of go
// statements compared and the disagreements.
func (x *nameIndex) checkNames(runs []*caseRun) (int, []string) {
	seen := map[string]bool{}
	var bad []string
	for _, cr := range runs {
		for _, g := range cr.Goroutines {
			entry := g.Entry
			if i := strings.LastIndex(entry, "("); i > 0 {
				entry = entry[:i] // drop the arguments
			}
			names, ok := x.gos[g.Created]
			if !ok || seen[g.Created+" "+entry] {
				continue // not a go statement of the program, or compared
			}
			seen[g.Created+" "+entry] = true
			if !slices.Contains(names, entry) {
				bad = append(bad, fmt.Sprintf("%s: runtime %s, static %s", g.Created, entry, strings.Join(names, ",")))
			}
		}
	}
	sort.Strings(bad)
	return len(seen), bad
}

// A namedFunc is a function's extent in a file and its runtime name.
type namedFunc struct {
	from, to int // lines
	name     string
}

// nameIndex maps positions to the functions enclosing them and go
// statements to the functions they start.
type nameIndex struct {
	fset  *token.FileSet
	funcs map[string][]namedFunc // file -> functions, outer before inner
	gos   map[string][]string    // file:line of a go statement -> entry names
}

// addFile indexes the functions and go statements of one file.
func (x *nameIndex) addFile(dir string, info *types.Info, f *ast.File) {
	file := relPos(dir, x.fset.File(f.Pos()).Name())
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue // no body, no closures
		}
		x.addFunc(file, info, fd, fd.Body, declName(fd), true)
	}
}

// addFunc indexes fn (a FuncDecl or FuncLit with the given body and name)
// and the closures and go statements in it.
func (x *nameIndex) addFunc(file string, info *types.Info, fn ast.Node, body *ast.BlockStmt, name string, top bool) {
	x.funcs[file] = append(x.funcs[file], namedFunc{x.fset.Position(fn.Pos()).Line, x.fset.Position(fn.End()).Line, name})
	lits := map[*ast.FuncLit]string{}
	n := 0
	ast.Inspect(body, func(node ast.Node) bool {
		lit, ok := node.(*ast.FuncLit)
		if !ok {
			return true
		}
		n++
		if top {
			lits[lit] = fmt.Sprintf("%s.func%d", name, n)
		} else {
			lits[lit] = fmt.Sprintf("%s.%d", name, n)
		}
		x.addFunc(file, info, lit, lit.Body, lits[lit], false)
		return false // its closures are numbered within it
	})
	ast.Inspect(body, func(node ast.Node) bool {
		switch node := node.(type) {
		case *ast.FuncLit:
			return false // indexed on its own
		case *ast.GoStmt:
			if entry := x.goEntry(info, node.Call, lits); entry != "" {
				at := fmt.Sprintf("%s:%d", file, x.fset.Position(node.Pos()).Line)
				x.gos[at] = append(x.gos[at], entry)
			}
		}
		return true
	})
}

// goEntry names the function a go statement starts, as its goroutine's
// bottom frame: the closure, or the named function or method called.
func (x *nameIndex) goEntry(info *types.Info, call *ast.CallExpr, lits map[*ast.FuncLit]string) string {
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.FuncLit:
		return lits[fun]
	case *ast.Ident:
		if fn, ok := info.Uses[fun].(*types.Func); ok {
			return funcName(fn)
		}
	case *ast.SelectorExpr: // a method, or a function of another package (never leaked here)
		if fn, ok := info.Uses[fun.Sel].(*types.Func); ok {
			return funcName(fn)
		}
	}
	return ""
}

// enclosing returns the innermost function whose lines hold pos.
func (x *nameIndex) enclosing(pos string) string {
	file, rest, _ := strings.Cut(pos, ":")
	var ln int
	fmt.Sscanf(rest, "%d", &ln)
	best, span := "", -1
	for _, f := range x.funcs[file] {
		if f.from <= ln && ln <= f.to && (span < 0 || f.to-f.from <= span) {
			best, span = f.name, f.to-f.from
		}
	}
	return best
}

// declName is the runtime name of a declared function or method.
func declName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := false
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = true, s.X
	}
	switch g := t.(type) {
	case *ast.IndexExpr:
		t = g.X
	case *ast.IndexListExpr:
		t = g.X
	}
	recv := types.ExprString(t)
	if star {
		return "(*" + recv + ")." + fd.Name.Name
	}
	return recv + "." + fd.Name.Name
}

// funcName is the runtime name of a function of package main.
func funcName(fn *types.Func) string {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return fn.Name()
	}
	t := sig.Recv().Type()
	star := false
	if p, ok := t.(*types.Pointer); ok {
		star, t = true, p.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || types.IsInterface(named) {
		return "" // an interface method: the entry is the dynamic type's method
	}
	if star {
		return "(*" + named.Obj().Name() + ")." + fn.Name()
	}
	return named.Obj().Name() + "." + fn.Name()
}
