package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// testFile is the runtime test that lists the leak cases, relative to
// $GOROOT/src.
const testFile = "runtime/goroutineleakprofile_test.go"

// testFunc is the test function whose body lists the cases.
const testFunc = "TestGoroutineLeakProfile"

// programRoot is the test program's directory relative to
// $GOROOT/src/runtime/testdata; runTests names it and its goker
// subdirectory, each a package main of its own.
const programRoot = "testgoroutineleakprofile"

// A testCase is one case of the runtime test: a registered function of one
// of the two programs, run some times, with the leaks it is known to have.
type testCase struct {
	Name   string // the name the program is run with
	Pkg    string // the program's directory relative to the copy: "." or "goker"
	Simple bool   // run with GOMAXPROCS=1, as the runtime test does for makeTest cases
	Reps   int    // repetitions the runtime test makes (not in -short mode)
	Leaks  []*leak
}

// A leak is one listed regexp: the unit the benchmark scores.
type leak struct {
	Case   *testCase
	Source string         // the regexp as written in the test
	Re     *regexp.Regexp // matches "<entry function>(...) [<wait reason>]"
	Func   *regexp.Regexp // the part before the wait reason, matched against "<entry function>(...)"
	Flaky  bool           // listed as flaky: it need not show on every run
	// Reasons are the wait reasons the regexp accepts, among waitReasons.
	Reasons []string
}

// waitReasons are the wait reasons the runtime prints for goroutines
// blocked on channels and sync primitives, the benchmark's categories, in
// the order the table lists them.
var waitReasons = []string{
	"chan send", "chan send (nil chan)",
	"chan receive", "chan receive (nil chan)",
	"select", "select (no cases)",
	"sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock",
	"sync.WaitGroup.Wait", "sync.Cond.Wait",
}

// Category is the category the regexp is counted in: its wait reason, or
// the first one when it accepts several (sync\.(RW)?Mutex\.Lock).
func (l *leak) Category() string { return l.Reasons[0] }

// parseCases reads the runtime test's source and returns its cases. It
// follows the test's own construction: slices of testCase literals built
// from the makeTest, makeFlakyTest and makeAnyTest helpers, joined with
// append, and handed to runTests with the program's directory. The
// helpers' meaning (simple, flaky, repetitions) is the one their bodies
// have in Go 1.26; a shape this parser does not know is an error, not a
// silent omission.
func parseCases(src []byte) ([]*testCase, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, testFile, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var body *ast.BlockStmt
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == testFunc && fd.Body != nil {
			body = fd.Body
		}
	}
	if body == nil {
		return nil, fmt.Errorf("%s: no func %s", testFile, testFunc)
	}
	p := &caseParser{fset: fset, lists: map[string][]*testCase{}}
	ast.Inspect(body, func(n ast.Node) bool {
		if p.err != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			p.assign(n)
		case *ast.CallExpr:
			p.runTests(n)
		}
		return true
	})
	if p.err != nil {
		return nil, p.err
	}
	if len(p.out) == 0 {
		return nil, fmt.Errorf("%s: no runTests call with a list of cases", testFile)
	}
	return p.out, nil
}

// caseParser holds the lists of cases seen so far, by variable name.
type caseParser struct {
	fset  *token.FileSet
	lists map[string][]*testCase
	out   []*testCase
	err   error
}

// fail records the first error, at n's position.
func (p *caseParser) fail(n ast.Node, format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("%s: %s", p.fset.Position(n.Pos()), fmt.Sprintf(format, args...))
	}
}

// assign records `x := []testCase{...}` and `x := append(y, z...)`.
func (p *caseParser) assign(as *ast.AssignStmt) {
	if len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return // not a list of cases
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok {
		return // not a list of cases
	}
	switch rhs := as.Rhs[0].(type) {
	case *ast.CompositeLit:
		at, ok := rhs.Type.(*ast.ArrayType)
		if !ok || !isIdent(at.Elt, "testCase") {
			return // another literal
		}
		var list []*testCase
		for _, e := range rhs.Elts {
			tc := p.makeCase(e)
			if tc == nil {
				return // p.err is set
			}
			list = append(list, tc)
		}
		p.lists[id.Name] = list
	case *ast.CallExpr:
		if !isIdent(rhs.Fun, "append") || len(rhs.Args) != 2 || !rhs.Ellipsis.IsValid() {
			return // not a join of lists
		}
		a, aok := p.listArg(rhs.Args[0])
		b, bok := p.listArg(rhs.Args[1])
		if aok && bok {
			p.lists[id.Name] = append(append([]*testCase(nil), a...), b...)
		}
	}
}

// listArg resolves an identifier naming a list of cases.
func (p *caseParser) listArg(e ast.Expr) ([]*testCase, bool) {
	id, ok := e.(*ast.Ident)
	if !ok {
		return nil, false
	}
	l, ok := p.lists[id.Name]
	return l, ok
}

// runTests records `runTests("testgoroutineleakprofile[/goker]", list)`.
func (p *caseParser) runTests(call *ast.CallExpr) {
	if !isIdent(call.Fun, "runTests") || len(call.Args) != 2 {
		return // another call
	}
	dir, ok := stringLit(call.Args[0])
	if !ok {
		p.fail(call, "runTests: the program is not a string literal")
		return
	}
	rel, ok := strings.CutPrefix(dir, programRoot)
	if !ok {
		p.fail(call, "runTests: program %q is not under %s", dir, programRoot)
		return
	}
	pkg := path.Clean("./" + strings.TrimPrefix(rel, "/"))
	list, ok := p.listArg(call.Args[1])
	if !ok {
		p.fail(call, "runTests: unknown list of cases")
		return
	}
	for _, tc := range list {
		tc.Pkg = pkg
		p.out = append(p.out, tc)
	}
}

// makeCase decodes one element of a []testCase literal.
func (p *caseParser) makeCase(e ast.Expr) *testCase {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		p.fail(e, "a case that is not built by a helper")
		return nil
	}
	fn, _ := call.Fun.(*ast.Ident)
	var leakArgs []ast.Expr
	tc := &testCase{}
	var flaky bool
	switch {
	case fn == nil:
		p.fail(call, "a case built by an unknown helper")
		return nil
	case fn.Name == "makeTest" && len(call.Args) >= 1:
		// makeAnyTest(name, false, 2, ...) with simple set.
		tc.Simple, tc.Reps, leakArgs = true, 2|1, call.Args[1:]
	case fn.Name == "makeFlakyTest" && len(call.Args) >= 1:
		// makeAnyTest(name, true, 10, ...) outside -short.
		flaky, tc.Reps, leakArgs = true, 10|1, call.Args[1:]
	case fn.Name == "makeAnyTest" && len(call.Args) >= 3:
		b, ok := call.Args[1].(*ast.Ident)
		if !ok || (b.Name != "true" && b.Name != "false") {
			p.fail(call, "makeAnyTest: flaky is not a constant")
			return nil
		}
		reps, ok := intLit(call.Args[2])
		if !ok {
			p.fail(call, "makeAnyTest: repetitions is not a constant")
			return nil
		}
		flaky, tc.Reps, leakArgs = b.Name == "true", reps|1, call.Args[3:]
	default:
		p.fail(call, "a case built by an unknown helper %s", fn.Name)
		return nil
	}
	name, ok := stringLit(call.Args[0])
	if !ok {
		p.fail(call, "a case whose name is not a string literal")
		return nil
	}
	tc.Name = name
	for _, a := range leakArgs {
		src, ok := stringLit(a)
		if !ok {
			p.fail(a, "a leak that is not a string literal")
			return nil
		}
		l, err := newLeak(tc, src, flaky)
		if err != nil {
			p.fail(a, "%v", err)
			return nil
		}
		tc.Leaks = append(tc.Leaks, l)
	}
	return tc
}

// newLeak compiles a listed regexp and splits it into the entry-function
// part and the wait reason, so that a regexp no run observed can still be
// matched against a finding's function.
func newLeak(tc *testCase, src string, flaky bool) (*leak, error) {
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, err
	}
	l := &leak{Case: tc, Source: src, Re: re, Flaky: flaky}
	i := strings.LastIndex(src, ` \[`)
	if i < 0 {
		return nil, fmt.Errorf("leak %q names no wait reason", src)
	}
	if l.Func, err = regexp.Compile(src[:i]); err != nil {
		return nil, err
	}
	reason, err := regexp.Compile(`^(?:` + src[i+1:] + `)$`)
	if err != nil {
		return nil, err
	}
	for _, r := range waitReasons {
		if reason.MatchString("[" + r + "]") {
			l.Reasons = append(l.Reasons, r)
		}
	}
	if len(l.Reasons) == 0 {
		return nil, fmt.Errorf("leak %q: unknown wait reason", src)
	}
	return l, nil
}

// isIdent reports whether e is the identifier name.
func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// stringLit returns the value of a string literal.
func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// intLit returns the value of an integer literal.
func intLit(e ast.Expr) (int, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.INT {
		return 0, false
	}
	n, err := strconv.Atoi(lit.Value)
	return n, err == nil
}
