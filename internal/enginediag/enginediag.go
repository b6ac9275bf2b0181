// Package enginediag turns the goroutines the interaction engine
// (internal/engine) finds stuck into diagnostics, for the two checks that
// report them: unguardedsend reports a stuck send at the send, noexit every
// other wait at the go statement that started the goroutine (at the wait
// itself when the stuck goroutine is a function the search started from).
// The positions, categories, messages and related locations are decided
// here once, so that the checks agree.
package enginediag

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/engine"
)

// maxWitness bounds the related locations that tell where the other
// goroutines went: golangci-lint prints each on a line of its own.
const maxWitness = 3

// A Finding is one stuck goroutine, ready for a check to report.
type Finding struct {
	Stuck *engine.Stuck // the first stuck operation of the goroutine
	// Spawner is the function whose go statement started the goroutine;
	// nil when the goroutine is a search's own function.
	Spawner *ssa.Function
	// Group is set when the goroutine was started by a Go method (of a
	// WaitGroup or an errgroup.Group), not a go statement.
	Group    bool
	Pos, End token.Pos
	Category string
	// Wait says what the goroutine waits on ("it waits to receive from
	// done"), Why why nothing can answer ("Run can return without sending
	// on or closing it"); Message joins them for the report.
	Wait, Why, Message string
	Related            []analysis.RelatedInformation
}

// Index maps the engine's positions back to the syntax the user wrote.
type Index struct {
	pass    *analysis.Pass
	chans   map[token.Pos]ast.Expr      // channel sent on or received from, by arrow; ranged channel by "for"
	calls   map[token.Pos]*ast.CallExpr // calls by Lparen: Lock, Wait, Go methods
	gos     map[token.Pos]bool          // go keywords
	spawner map[token.Pos]*ssa.Function // the function holding each go statement or call
	funcs   []*ssa.Function             // the package's functions with syntax
}

// NewIndex indexes the package's channel operations, calls and go
// statements, and the SSA functions that hold them.
func NewIndex(pass *analysis.Pass, insp *inspector.Inspector, funcs []*ssa.Function) *Index {
	x := &Index{
		pass:    pass,
		chans:   map[token.Pos]ast.Expr{},
		calls:   map[token.Pos]*ast.CallExpr{},
		gos:     map[token.Pos]bool{},
		spawner: map[token.Pos]*ssa.Function{},
	}
	filter := []ast.Node{(*ast.UnaryExpr)(nil), (*ast.SendStmt)(nil), (*ast.RangeStmt)(nil), (*ast.CallExpr)(nil), (*ast.GoStmt)(nil)}
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
		case *ast.CallExpr:
			x.calls[n.Lparen] = n
		case *ast.GoStmt:
			x.gos[n.Go] = true
		}
	}
	for _, fn := range funcs {
		if fn.Syntax() != nil {
			x.funcs = append(x.funcs, fn)
		}
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch instr.(type) {
				case *ssa.Go, *ssa.Call:
					if p := instr.Pos(); p.IsValid() {
						x.spawner[p] = fn
					}
				}
			}
		}
	}
	return x
}

// isSend reports whether k is a wait on a send, which unguardedsend
// reports.
func isSend(k engine.Kind) bool { return k == engine.Send || k == engine.NilSend }

// Sends returns the stuck sends, one finding per send statement, at the
// send's arrow.
func (x *Index) Sends(res *engine.Result) []Finding {
	var out []Finding
	seen := map[token.Pos]bool{}
	for _, st := range res.Stuck {
		if !isSend(st.Kind) || !st.Op.IsValid() || seen[st.Op] || x.testSetup(st, st.Op) {
			continue // another check's, synthetic, already found, or a test's doing
		}
		seen[st.Op] = true
		f := x.finding(st, st.Op, token.NoPos)
		name := x.ChanName(st.Op, "a channel")
		f.Category = "stranded"
		if st.Kind == engine.NilSend {
			f.Wait = "send on " + name + " blocks forever"
			f.Why = name + " is nil here"
		} else {
			f.Wait = "send on " + name + " may block forever"
			f.Why = x.why(st, "receiving from it", "receive from it")
		}
		f.Message = f.Wait + ": " + f.Why
		if st.Go.IsValid() {
			x.related(&f, st.Go, "goroutine started here")
		}
		x.witness(&f, st)
		out = append(out, f)
	}
	return out
}

// SendGos returns the go statements (and Go calls) of the goroutines found
// stuck on a send in some execution: unguardedsend reports those at the
// send, so noexit leaves them alone, whatever else they may wait on.
func SendGos(res *engine.Result) map[token.Pos]bool {
	out := map[token.Pos]bool{}
	for _, st := range res.Stuck {
		if isSend(st.Kind) && st.Go.IsValid() && st.Op.IsValid() {
			out[st.Go] = true
		}
	}
	return out
}

// WaitGos returns the go statements (and Go calls) of the goroutines found
// stuck on something other than a send, and never on a send: noexit
// reports those at the go statement, so unguardedsend drops a channel
// model finding on a send of theirs (the goroutine waits before it).
func WaitGos(res *engine.Result) map[token.Pos]bool {
	sends := SendGos(res)
	out := map[token.Pos]bool{}
	for _, st := range res.Stuck {
		if !isSend(st.Kind) && st.Kind != engine.Other && st.Go.IsValid() && st.Op.IsValid() && !sends[st.Go] {
			out[st.Go] = true
		}
	}
	return out
}

// Waits returns the goroutines stuck on anything but a send: one finding
// per go statement, at its go keyword, with the wait as the first related
// location; a search's own function that never returns is reported at the
// wait.
func (x *Index) Waits(res *engine.Result) []Finding {
	var out []Finding
	seen := map[token.Pos]bool{}
	for _, st := range res.Stuck {
		if isSend(st.Kind) || st.Kind == engine.Other || !st.Op.IsValid() {
			continue // unguardedsend's, or a wait we cannot name: silent
		}
		at := st.Go
		if !at.IsValid() {
			at = st.Op
		}
		if seen[at] || x.testSetup(st, at) {
			continue // one finding per goroutine (the first wait in position order); or a test's doing
		}
		seen[at] = true
		var f Finding
		if st.Go.IsValid() {
			f = x.finding(st, st.Go, token.NoPos)
			if x.gos[st.Go] {
				f.End = st.Go + token.Pos(len("go"))
			} else if call, ok := x.calls[st.Go]; ok {
				f.Pos, f.End, f.Group = call.Fun.Pos(), call.Fun.End(), true
			}
		} else {
			f = x.finding(st, st.Op, token.NoPos)
		}
		f.Category, f.Wait, f.Why = x.describe(st)
		if st.Go.IsValid() {
			f.Message = f.Wait + ", and " + f.Why
			x.related(&f, st.Op, "blocks here")
		} else {
			f.Message = funcName(st.Entry) + " may never return: " + f.Wait + ", and " + f.Why
		}
		x.witness(&f, st)
		out = append(out, f)
	}
	return out
}

// testSetup reports whether st was found in the scope of a test but would
// be reported at pos in the package's other files: the test's setup (a
// struct built without the receiver production code starts, a listener it
// has closed) strands the goroutine, and a finding there would blame code
// that its real callers use correctly. Stuck goroutines of a test are
// reported only in test files, and only when no goroutine blocked in the
// package's other code is why.
func (x *Index) testSetup(st *engine.Stuck, pos token.Pos) bool {
	if st.Scope == nil || !st.Scope.Pos().IsValid() || !pos.IsValid() {
		return false
	}
	isTest := func(p token.Pos) bool {
		return strings.HasSuffix(x.pass.Fset.Position(p).Filename, "_test.go")
	}
	if !isTest(st.Scope.Pos()) {
		return false
	}
	if !isTest(pos) {
		return true
	}
	// A wait in the test that only a goroutine blocked in the package's
	// other code could answer rests on the same setup.
	for _, ev := range st.Witness {
		if ev.What == engine.Blocked && ev.Pos.IsValid() && !isTest(ev.Pos) {
			return true
		}
	}
	return false
}

// finding starts the finding on st at pos.
func (x *Index) finding(st *engine.Stuck, pos, end token.Pos) Finding {
	f := Finding{Stuck: st, Pos: pos, End: end}
	if st.Go.IsValid() {
		f.Spawner = x.spawner[st.Go]
	}
	return f
}

// describe returns the category of a wait that is not a send, what the
// goroutine waits on, and why nothing can answer.
func (x *Index) describe(st *engine.Stuck) (category, wait, why string) {
	name := x.ChanName(st.Op, "a channel")
	switch st.Kind {
	case engine.Recv:
		return "blocked", "it waits to receive from " + name, x.why(st, "sending on or closing it", "send on or close it")
	case engine.Range:
		return "unclosed", "it ranges over " + name, x.why(st, "closing it", "close it")
	case engine.Select:
		return "blocked", "it waits in a select", x.why(st, "completing one of its cases", "complete one of its cases")
	case engine.NilChan:
		return "forever", "it receives from " + name, name + " is nil here"
	case engine.NoCases:
		return "forever", "it blocks in an empty select", "nothing can wake it"
	case engine.Lock:
		// Who holds the lock is not in the witness: say what is sure.
		return "lock", "it waits to lock " + x.recvName(st.Op, "a mutex"), "no goroutine that can still run unlocks it"
	case engine.RLock:
		return "lock", "it waits to read-lock " + x.recvName(st.Op, "a mutex"), "no goroutine that can still run unlocks it"
	case engine.WaitGroup:
		return "waitgroup", "it waits on " + x.recvName(st.Op, "a WaitGroup"), x.why(st, "calling Done", "call Done")
	case engine.Cond:
		return "cond", "it waits on " + x.recvName(st.Op, "a Cond"), x.why(st, "signalling it", "signal it")
	}
	return "", "", ""
}

// why says why nothing answers st's wait, from its witness: answering is
// what a partner would do ("sending on or closing it"), answer the same as
// a verb.
func (x *Index) why(st *engine.Stuck, answering, answer string) string {
	var scopeReturned, othersReturned, blocked bool
	for _, e := range st.Witness {
		switch {
		case e.What == engine.Blocked:
			blocked = true
		case !e.Go.IsValid():
			scopeReturned = true
		default:
			othersReturned = true
		}
	}
	if x.private(st) {
		return "nothing else can " + answer
	}
	scope := funcName(st.Scope)
	switch {
	case blocked:
		return "every goroutine that could " + answer + " is blocked or has returned"
	case scopeReturned && othersReturned:
		return scope + " and the goroutines it starts can return without " + answering
	case scopeReturned:
		return scope + " can return without " + answering
	case othersReturned:
		return "the goroutines that could " + answer + " can return without doing so"
	}
	return "nothing else can " + answer
}

// private reports whether the channel or lock st waits on is the waiting
// function's own: made in the function that waits on it, which is not the
// search's root and starts no goroutine of the witness. Then where the
// other goroutines went is not why nothing answers.
func (x *Index) private(st *engine.Stuck) bool {
	fn := x.enclosing(st.Op)
	if fn == nil || fn == st.Scope || !st.Made.IsValid() || x.enclosing(st.Made) != fn {
		return false
	}
	for _, e := range st.Witness {
		if e.Go.IsValid() && x.enclosing(e.Go) == fn {
			return false // it shares the object with a goroutine it started
		}
	}
	return true
}

// enclosing returns the innermost function of the package whose syntax
// holds pos.
func (x *Index) enclosing(pos token.Pos) *ssa.Function {
	var best *ssa.Function
	for _, fn := range x.funcs {
		n := fn.Syntax()
		if n.Pos() <= pos && pos < n.End() && (best == nil || n.Pos() >= best.Syntax().Pos() && n.End() <= best.Syntax().End()) {
			best = fn
		}
	}
	return best
}

// witness adds where the channel or lock was made and where the other
// goroutines went (returned or blocked) to f's related locations.
func (x *Index) witness(f *Finding, st *engine.Stuck) {
	made := "made here"
	switch st.Kind {
	case engine.Send, engine.NilSend, engine.Recv, engine.Range, engine.Select, engine.NilChan:
		made = "channel made here"
	}
	x.related(f, st.Made, made)
	if x.private(st) {
		return // where the others went is not why nothing answers
	}
	n := 0
	for _, e := range st.Witness {
		if n == maxWitness {
			break
		}
		msg := "returns here"
		if e.What == engine.Blocked {
			msg = "blocks here too"
		}
		if x.related(f, e.Pos, msg) {
			n++
		}
	}
}

// related appends a related location unless it is unknown, the finding's
// own position, already there, or outside the package's files; it reports
// whether it did.
func (x *Index) related(f *Finding, pos token.Pos, msg string) bool {
	if !pos.IsValid() || pos == f.Pos || !x.InPackage(pos) {
		return false // nothing useful to add
	}
	if slices.ContainsFunc(f.Related, func(r analysis.RelatedInformation) bool { return r.Pos == pos }) {
		return false // already there
	}
	f.Related = append(f.Related, analysis.RelatedInformation{Pos: pos, Message: msg})
	return true
}

// InPackage reports whether pos lies in one of the package's files.
func (x *Index) InPackage(pos token.Pos) bool {
	for _, f := range x.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return true
		}
	}
	return false
}

// ChanName renders the channel of the operation at pos (a send's or
// receive's arrow, a range's "for") as written, or returns fallback.
func (x *Index) ChanName(pos token.Pos, fallback string) string {
	if e, ok := x.chans[pos]; ok {
		return types.ExprString(e)
	}
	return fallback
}

// CallAt returns the call whose left parenthesis is at pos, if the package
// has one.
func (x *Index) CallAt(pos token.Pos) (*ast.CallExpr, bool) {
	call, ok := x.calls[pos]
	return call, ok
}

// recvName renders the receiver of the method call at pos (mu in
// mu.Lock()), or returns fallback.
func (x *Index) recvName(pos token.Pos, fallback string) string {
	if call, ok := x.calls[pos]; ok {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			return types.ExprString(sel.X)
		}
	}
	return fallback
}

// funcName names a function as the user wrote it: "newCache",
// "Server.run", or "a function literal".
func funcName(fn *ssa.Function) string {
	if fn == nil {
		return "its spawner"
	}
	if fn.Parent() != nil {
		return "the function literal in " + funcName(topLevel(fn))
	}
	if recv := fn.Signature.Recv(); recv != nil {
		t := types.Unalias(recv.Type())
		if p, ok := t.(*types.Pointer); ok {
			t = types.Unalias(p.Elem())
		}
		if named, ok := t.(*types.Named); ok {
			return named.Obj().Name() + "." + fn.Name()
		}
	}
	return fn.Name()
}

// topLevel returns the declared function that encloses fn.
func topLevel(fn *ssa.Function) *ssa.Function {
	for fn.Parent() != nil {
		fn = fn.Parent()
	}
	return fn
}
