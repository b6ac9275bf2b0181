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
		f.Message = joinWhy(f.Wait, f.Why)
		if st.Go.IsValid() {
			x.related(&f, st.Op, "blocks here")
		} else {
			f.Message = funcName(st.Entry) + " may never return: " + f.Message
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
		return "lock", "it waits to lock " + x.recvName(st.Op, "a mutex"), x.whyLocked(st)
	case engine.RLock:
		return "lock", "it waits to read-lock " + x.recvName(st.Op, "a mutex"), x.whyLocked(st)
	case engine.WaitGroup:
		if x.allCalledDone(st) {
			return "waitgroup", "it waits on " + x.recvName(st.Op, "a WaitGroup"), "Add counts more than the Done calls its goroutines make"
		}
		return "waitgroup", "it waits on " + x.recvName(st.Op, "a WaitGroup"), x.why(st, "calling Done", "call Done")
	case engine.Cond:
		return "cond", "it waits on " + x.recvName(st.Op, "a Cond"), x.why(st, "signalling it after it waits", "signal it after it waits")
	}
	return "", "", ""
}

// joinWhy joins what a goroutine waits on and why nothing answers: a
// relative clause ("which it already holds") follows with a comma only.
func joinWhy(wait, why string) string {
	if strings.HasPrefix(why, "which ") {
		return wait + ", " + why
	}
	return wait + ", and " + why
}

// whyLocked says why nothing unlocks the lock st waits on: the holder, when
// the engine knows it, and what keeps it from unlocking.
func (x *Index) whyLocked(st *engine.Stuck) string {
	switch {
	case st.Self && st.Writer.IsValid():
		return "which it already read-locks: a writer waiting to lock it in between blocks both for good"
	case st.Self && st.ReadHeld:
		return "which it already read-locks"
	case st.Self && st.Locked == st.Op:
		return "which it took on a previous round of its loop and still holds"
	case st.Self:
		return "which it already holds"
	case st.Holder.What == engine.Blocked:
		holder := "the goroutine holding it"
		if !st.Holder.Go.IsValid() {
			holder = funcName(st.Scope) + ", which holds it,"
		}
		if doing := x.doing(st.HolderKind, st.Holder.Pos); doing != "" {
			return holder + " can block forever " + doing
		}
		return holder + " can block forever"
	case st.Holder.What == engine.Returned:
		if !st.Holder.Go.IsValid() {
			return funcName(st.Scope) + " can return without unlocking it"
		}
		return "the goroutine holding it can return without unlocking it"
	}
	// Who holds the lock is not known (readers, or a holder the engine
	// lost): say what is sure.
	return "no goroutine that can still run unlocks it"
}

// doing renders what a goroutine blocked at pos on a wait of kind k is
// doing ("sending on rows"), or "" when it cannot be said.
func (x *Index) doing(k engine.Kind, pos token.Pos) string {
	switch k {
	case engine.Send:
		return "sending on " + x.ChanName(pos, "a channel")
	case engine.Recv:
		return "receiving from " + x.ChanName(pos, "a channel")
	case engine.Range:
		return "ranging over " + x.ChanName(pos, "a channel")
	case engine.Select:
		return "in a select"
	case engine.Lock:
		return "locking " + x.recvName(pos, "a mutex")
	case engine.RLock:
		return "read-locking " + x.recvName(pos, "a mutex")
	case engine.WaitGroup, engine.Cond:
		return "waiting on " + x.recvName(pos, "it")
	}
	return ""
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
	if x.holderWitness(f, st) || x.private(st) {
		return // the holder, or nothing else, is why nothing answers
	}
	n := 0
	for _, e := range st.Witness {
		if n == maxWitness {
			break
		}
		msg := "returns here"
		switch {
		case e.What == engine.Blocked:
			msg = "blocks here too"
		case st.Kind == engine.WaitGroup:
			switch x.callsDone(e) {
			case doneCalled:
				continue // it called Done: not why the wait lasts
			case doneSkipped:
				msg = "returns here without calling Done"
			}
		}
		if x.related(f, e.Pos, msg) {
			n++
		}
	}
}

// holderWitness adds the holder of the lock st waits on to f's related
// locations, where it took the lock and where it went, and reports whether
// the holder is known.
func (x *Index) holderWitness(f *Finding, st *engine.Stuck) bool {
	if !st.Self && st.Holder.What == "" {
		return false
	}
	name := x.recvName(st.Op, "the lock")
	if st.ReadHeld {
		x.related(f, st.Locked, name+" read-locked here")
	} else {
		x.related(f, st.Locked, name+" locked here")
	}
	for _, c := range st.Calls {
		x.related(f, c, "calls here, still holding it")
	}
	x.related(f, st.Writer, "a writer locks it here")
	switch st.Holder.What {
	case engine.Blocked:
		x.related(f, st.Holder.Pos, "the holder blocks here")
	case engine.Returned:
		x.related(f, st.Holder.Pos, "the holder returns here without unlocking "+name)
	}
	if st.Holder.Go.IsValid() && st.Holder.Go != st.Go {
		x.related(f, st.Holder.Go, "the holder is started here")
	}
	return true
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

// What a goroutine that returned did with the WaitGroup another waits on.
type doneUse uint8

const (
	doneUnknown doneUse = iota // cannot be told from its code
	doneCalled                 // a Done (or a deferred Done) precedes the return on every path
	doneSkipped                // no path to the return calls Done, directly or through the package's code
)

// callsDone tells whether the goroutine that returned at e called Done on
// the way, from the SSA of the function that returns there: the related
// location then names the path that skipped Done, and leaves out the
// goroutines that did call it.
func (x *Index) callsDone(e engine.Event) doneUse {
	if e.What != engine.Returned || e.Go.IsValid() && !x.gos[e.Go] {
		return doneUnknown // blocked, or started by a Go method, which calls Done itself
	}
	fn, b, at := x.returnAt(e.Pos)
	if fn == nil {
		return doneUnknown
	}
	// Done on every path: in the return's block before it, or in a block
	// that dominates it.
	if slices.ContainsFunc(b.Instrs[:at], isDone) {
		return doneCalled
	}
	for d := b.Idom(); d != nil; d = d.Idom() {
		if slices.ContainsFunc(d.Instrs, isDone) {
			return doneCalled
		}
	}
	// Done on no path: no block from which the return can be reached
	// calls Done or Add, or code of the package or a function value that
	// might.
	seen := map[*ssa.BasicBlock]bool{}
	var mayDone func(blk *ssa.BasicBlock, upTo int) bool
	mayDone = func(blk *ssa.BasicBlock, upTo int) bool {
		for _, instr := range blk.Instrs[:upTo] {
			if x.mayCallDone(fn, instr) {
				return true
			}
		}
		for _, p := range blk.Preds {
			if !seen[p] {
				seen[p] = true
				if mayDone(p, len(p.Instrs)) {
					return true
				}
			}
		}
		return false
	}
	if mayDone(b, at) {
		return doneUnknown
	}
	return doneSkipped
}

// allCalledDone reports whether every other goroutine of st's witness
// returned, and called Done on its way: then the WaitGroup's count was
// more than the goroutines that call Done.
func (x *Index) allCalledDone(st *engine.Stuck) bool {
	if len(st.Witness) == 0 {
		return false
	}
	for _, e := range st.Witness {
		if x.callsDone(e) != doneCalled {
			return false
		}
	}
	return true
}

// returnAt returns the function, block and index of the return
// instruction at pos (a function without a return statement returns at its
// closing brace), or nil.
func (x *Index) returnAt(pos token.Pos) (*ssa.Function, *ssa.BasicBlock, int) {
	if !pos.IsValid() {
		return nil, nil, 0
	}
	for _, fn := range x.funcs {
		n := fn.Syntax()
		if pos < n.Pos() || pos >= n.End() {
			continue
		}
		for _, b := range fn.Blocks {
			for i, instr := range b.Instrs {
				if _, ok := instr.(*ssa.Return); !ok {
					continue
				}
				if p := instr.Pos(); p == pos || !p.IsValid() && pos == n.End()-1 {
					return fn, b, i
				}
			}
		}
	}
	return nil, nil, 0
}

// isDone reports whether instr calls, or defers, WaitGroup.Done.
func isDone(instr ssa.Instruction) bool {
	call, ok := instr.(ssa.CallInstruction)
	if !ok {
		return false
	}
	if _, ok := instr.(*ssa.Go); ok {
		return false
	}
	c := call.Common().StaticCallee()
	return c != nil && engine.IsWaitGroupMethod(c, "Done")
}

// mayCallDone reports whether instr, in fn, may call WaitGroup.Done or
// Add: directly, through a function of the package that calls either, or
// through a function value.
func (x *Index) mayCallDone(fn *ssa.Function, instr ssa.Instruction) bool {
	call, ok := instr.(ssa.CallInstruction)
	if !ok {
		return false
	}
	if _, ok := instr.(*ssa.Go); ok {
		return false
	}
	cc := call.Common()
	if cc.IsInvoke() {
		return false // an interface's method: the WaitGroup would have escaped to it
	}
	c := cc.StaticCallee()
	switch {
	case c == nil:
		return true // a function value: unknown
	case engine.IsWaitGroupMethod(c, "Done") || engine.IsWaitGroupMethod(c, "Add"):
		return true
	case c.Pkg != nil && c.Pkg == fn.Pkg:
		for _, b := range c.Blocks {
			for _, in := range b.Instrs {
				if cl, ok := in.(ssa.CallInstruction); ok {
					if cc := cl.Common().StaticCallee(); cc == nil && !cl.Common().IsInvoke() || cc != nil && (cc.Pkg == c.Pkg || engine.IsWaitGroupMethod(cc, "Done") || engine.IsWaitGroupMethod(cc, "Add")) {
						return true // one level deep; deeper is unknown
					}
				}
			}
		}
	}
	return false
}
