package chanmodel

import (
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// exitFuncs lists the standard functions that end the process or the
// calling goroutine instead of returning. The standard library has no
// facts (see lint.IsStd), so this table is the model's only knowledge of
// them. Functions that merely return an error, such as
// http.ListenAndServe, return normally.
var exitFuncs = newFuncSet(
	"os.Exit",
	"syscall.Exit",
	"runtime.Goexit", // ends the goroutine after its deferred calls
	"log.Fatal",
	"log.Fatalf",
	"log.Fatalln",
	"log.Panic",
	"log.Panicf",
	"log.Panicln",
	"(*log.Logger).Fatal",
	"(*log.Logger).Fatalf",
	"(*log.Logger).Fatalln",
	"(*log.Logger).Panic",
	"(*log.Logger).Panicf",
	"(*log.Logger).Panicln",
	"(*testing.common).FailNow", // calls runtime.Goexit
	"(*testing.common).Fatal",
	"(*testing.common).Fatalf",
	"(*testing.common).SkipNow",
	"(*testing.common).Skip",
	"(*testing.common).Skipf",
)

// sleepFunc is time.Sleep.
var sleepFunc = newFuncSet("time.Sleep")

// tbExits lists the methods of the testing.TB interface that end the
// test's goroutine, each with whether it takes a format string first: a
// helper taking a testing.TB calls them dynamically.
var tbExits = map[string]tbExit{
	"FailNow": {}, "SkipNow": {},
	"Fatal": {args: true}, "Skip": {args: true},
	"Fatalf": {args: true, format: true}, "Skipf": {args: true, format: true},
}

// tbExit is the signature of a method of tbExits: no result, and with args
// a final ...any, preceded by a format string when format is set.
type tbExit struct{ args, format bool }

// isExitCall reports whether c statically calls a function of exitFuncs,
// or calls one of tbExits through an interface: testing.TB, an interface
// that embeds it (or a type parameter it constrains), or an interface of
// the test's shape declared elsewhere (an assertion library's TestingT
// with FailNow()), whose dynamic value is a *testing.T in practice. Such a
// call counts as the end of the path, which silences reports, never adds one.
func isExitCall(c *ssa.CallCommon) bool {
	if c.IsInvoke() {
		want, ok := tbExits[c.Method.Name()]
		if !ok {
			return false // not one of the methods that end a test
		}
		sig, ok := c.Method.Type().(*types.Signature)
		if !ok {
			return false
		}
		if recv := sig.Recv(); recv != nil && isNamedType(recv.Type(), "testing", "TB") {
			return true // testing.TB's own method, however it was reached
		}
		return hasTBShape(sig, want)
	}
	return calleeIn(c, exitFuncs)
}

// hasTBShape reports whether sig is the signature of the testing.TB method
// described by want.
func hasTBShape(sig *types.Signature, want tbExit) bool {
	if sig.Results().Len() != 0 {
		return false
	}
	params := sig.Params()
	if !want.args {
		return params.Len() == 0
	}
	n := params.Len()
	if !sig.Variadic() || (want.format && n != 2) || (!want.format && n != 1) {
		return false
	}
	if want.format {
		b, ok := params.At(0).Type().Underlying().(*types.Basic)
		if !ok || b.Kind() != types.String {
			return false // not a format string
		}
	}
	s, ok := params.At(n - 1).Type().(*types.Slice)
	if !ok {
		return false
	}
	iface, ok := s.Elem().Underlying().(*types.Interface)
	return ok && iface.Empty()
}

// isNamedType reports whether t is the named type path.name.
func isNamedType(t types.Type, path, name string) bool {
	named, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := named.Obj()
	return obj.Pkg() != nil && obj.Pkg().Path() == path && obj.Name() == name
}

// A Fate is what the model knows about a channel that a goroutine receives
// from, decided in the function that starts the goroutine.
type Fate uint8

const (
	// FateUnknown: anything may happen to the channel.
	FateUnknown Fate = iota
	// FateOpen: nothing closes the channel (on some path), so a receive's
	// ok is always true and a range over it never ends.
	FateOpen
	// FateSilent: nothing closes the channel or sends on it (on some
	// path), so a receive from it blocks forever.
	FateSilent
)

// exitScan records how control can leave a function.
type exitScan struct {
	returns bool // a return is reachable
	panics  bool // a panic is reachable
	exits   bool // a call that may end the process or the goroutine is reachable
	reached []bool
	// stops are the instructions reached that end a path for good: a call
	// of a function that never returns, a receive that blocks forever, an
	// empty select.
	stops []ssa.Instruction
	// fated are the instructions whose outcome a channel's fate decided:
	// receives whose "closed" branch was dropped, blocking receives and
	// selects with a case on a silent channel; fatedPos are the receives'
	// positions (the select case's, for a select).
	fated    []ssa.Instruction
	fatedPos []token.Pos
}

// fix records that fate decided the outcome of instr, a receive at pos.
func (sc *exitScan) fix(instr ssa.Instruction, pos token.Pos) {
	sc.fated = append(sc.fated, instr)
	sc.fatedPos = append(sc.fatedPos, pos)
}

// scanExits walks fn's blocks from its entry and records the ways out that
// it reaches. fate, if not nil, decides what receives on some channels can
// do: a range over an open channel never ends, a receive from a silent one
// never completes.
func (m *model) scanExits(fn *ssa.Function, fate func(ssa.Value) Fate) exitScan {
	// The builder gives every function with a defer statement a recover
	// block, so counting it as a way out would let any deferred call
	// (wg.Done, resp.Body.Close) hide a loop with no exit. It counts only
	// when a deferred function recovers and a function of the package
	// called on the way panics: a parser that unwinds by panicking.
	sc := exitScan{reached: make([]bool, len(fn.Blocks))}
	given := fate
	fate = func(v ssa.Value) Fate {
		if given != nil {
			if f := given(v); f != FateUnknown {
				return f
			}
		}
		if isTimerChan(v) {
			return FateOpen // the time package never closes them
		}
		return FateUnknown
	}
	work := []*ssa.BasicBlock{fn.Blocks[0]}
	sc.reached[0] = true
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if m.stopsIn(b, fate, &sc) {
			continue // the path ends in this block for good
		}
		for i, s := range b.Succs {
			if m.pruned(b, i, fate, &sc) {
				continue // an edge the channel's fate rules out
			}
			if !sc.reached[s.Index] {
				sc.reached[s.Index] = true
				work = append(work, s)
			}
		}
	}
	if fn.Recover != nil && !sc.returns && m.recoversPanic(fn, sc.reached) {
		sc.returns = true // a recovered panic returns
	}
	return sc
}

// recoversPanic reports whether fn defers a function that calls recover
// and, in a reached block, calls a function of the package that contains
// a panic (itself or in a function it calls).
func (m *model) recoversPanic(fn *ssa.Function, reached []bool) bool {
	recovers, panics := false, false
	for _, b := range fn.Blocks {
		if !reached[b.Index] {
			continue // not on a path the scan took
		}
		for _, instr := range b.Instrs {
			switch i := instr.(type) {
			case *ssa.Defer:
				callee := i.Call.StaticCallee()
				recovers = recovers || callee == nil || callsRecover(callee)
			case *ssa.Call:
				if callee := i.Call.StaticCallee(); callee != nil && callee.Pkg == m.pkg {
					panics = panics || hasPanic(callee, 2)
				}
			}
		}
	}
	return recovers && panics
}

// callsRecover reports whether fn calls the builtin recover.
func callsRecover(fn *ssa.Function) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if c, ok := instr.(*ssa.Call); ok {
				if bi, ok := c.Call.Value.(*ssa.Builtin); ok && bi.Name() == "recover" {
					return true
				}
			}
		}
	}
	return false
}

// hasPanic reports whether fn, or a function of its package it calls
// (depth levels down), contains a panic.
func hasPanic(fn *ssa.Function, depth int) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch i := instr.(type) {
			case *ssa.Panic:
				return true
			case *ssa.Call:
				if callee := i.Call.StaticCallee(); depth > 0 && callee != nil && callee.Pkg == fn.Pkg && callee != fn && hasPanic(callee, depth-1) {
					return true
				}
			}
		}
	}
	return false
}

// stopsIn scans b's instructions in order and reports whether the path
// ends in b: by a return, a panic, an exit call, or a stop.
func (m *model) stopsIn(b *ssa.BasicBlock, fate func(ssa.Value) Fate, sc *exitScan) bool {
	for _, instr := range b.Instrs {
		switch i := instr.(type) {
		case *ssa.Return:
			sc.returns = true
			return true
		case *ssa.Panic:
			sc.panics = true
			return true
		case *ssa.Call:
			if isExitCall(&i.Call) {
				sc.exits = true
				return true
			}
			if i.Call.IsInvoke() {
				continue // another interface method: assumed to return
			}
			callee := i.Call.StaticCallee()
			if callee == nil {
				continue // dynamic: assumed to return
			}
			cs, _ := m.summaryOf(callee)
			if cs == nil {
				continue // unknown: assumed to return
			}
			if cs.Exits {
				sc.exits = true
			}
			if cs.NeverReturns {
				sc.stops = append(sc.stops, instr)
				return true
			}
		case *ssa.UnOp:
			if i.Op == token.ARROW && fate(i.X) == FateSilent {
				sc.stops = append(sc.stops, instr)
				sc.fix(instr, i.Pos())
				return true
			}
			if i.Op == token.ARROW && m.neverCompletes(i.X, false) {
				sc.stops = append(sc.stops, instr)
				return true // what follows is unreachable
			}
		case *ssa.Send:
			if m.neverCompletes(i.Chan, true) {
				sc.stops = append(sc.stops, instr)
				return true // what follows is unreachable
			}
		case *ssa.Select:
			if stuckSelect(i, fate) {
				sc.stops = append(sc.stops, instr)
				if len(i.States) > 0 {
					sc.fix(instr, i.States[0].Pos)
				}
				return true
			}
		}
	}
	return false
}

// neverCompletes reports whether a receive from (or, if send is set, a
// send on) ch blocks forever whatever other goroutines do: ch is nil (a
// nil constant, or an unexported field that nothing assigns), or a channel
// made in this function that no other goroutine can reach, on which this
// goroutine has nothing to meet it.
func (m *model) neverCompletes(ch ssa.Value, send bool) bool {
	switch c := stripChange(ch).(type) {
	case *ssa.Const:
		return c.IsNil()
	case *ssa.UnOp:
		if fa, ok := c.X.(*ssa.FieldAddr); ok && c.Op == token.MUL {
			return m.nilField(fa.X.Type(), fa.Field)
		}
	case *ssa.Field:
		return m.nilField(c.X.Type(), c.Field)
	case *ssa.MakeChan:
		return m.privateDeadlock(c, send)
	}
	return false
}

// nilField reports whether field i of struct type t is an unexported
// channel field that no code of the package assigns: always nil.
func (m *model) nilField(t types.Type, i int) bool {
	fld := structField(t, i)
	if fld == nil || m.srcFuncs == nil {
		return false // not a field we can name, or a package not scanned
	}
	return m.fieldInfoOf(fld).isNil
}

// privateDeadlock reports whether an operation on mc, made in its
// function, can never complete: the channel stays private to this
// goroutine (never passed to a call, stored, captured or converted), and
// nothing closes it. A send then blocks when the channel is unbuffered; a
// receive when it is unbuffered or the function never sends on it.
func (m *model) privateDeadlock(mc *ssa.MakeChan, send bool) bool {
	size, ok := mc.Size.(*ssa.Const)
	if !ok || size.Value == nil || size.Value.Kind() != constant.Int {
		return false // a capacity we cannot read
	}
	unbuffered := constant.Sign(size.Value) == 0
	if send && !unbuffered {
		return false // a buffered send completes until the buffer is full: beyond this check
	}
	sends := false
	for _, e := range m.uses(mc.Parent(), mc, false) {
		switch e.kind {
		case evSend, evGuardedSend:
			sends = true
		case evRecv, evRecvOk, evCaseRecv:
		default:
			return false // closed, shared with a call or goroutine, or escapes
		}
	}
	return unbuffered || !sends
}

// stuckSelect reports whether sel blocks forever: it has no case, or only
// receives from silent channels, and no default.
func stuckSelect(sel *ssa.Select, fate func(ssa.Value) Fate) bool {
	if !sel.Blocking {
		return false // a default case
	}
	for _, st := range sel.States {
		if st.Dir != types.RecvOnly || fate(st.Chan) != FateSilent {
			return false
		}
	}
	return true
}

// pruned reports whether the edge from b to its i'th successor is ruled
// out: by a channel's fate (the "closed" branch of a receive from an open
// channel, or the case of a select on a silent one), or because a blocking
// select always takes one of its cases.
func (m *model) pruned(b *ssa.BasicBlock, i int, fate func(ssa.Value) Fate, sc *exitScan) bool {
	iff, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	if !ok {
		return false // not a branch
	}
	switch c := iff.Cond.(type) {
	case *ssa.Extract:
		if i != 1 || c.Index != 1 {
			return false // not the !ok edge
		}
		switch t := c.Tuple.(type) {
		case *ssa.UnOp:
			if t.Op == token.ARROW && t.CommaOk && fate(t.X) >= FateOpen {
				sc.fix(t, t.Pos())
				return true
			}
		case *ssa.Select:
			for _, st := range t.States {
				if st.Dir != types.RecvOnly || fate(st.Chan) < FateOpen {
					return false // some case may report closed
				}
			}
			if len(t.States) > 0 {
				sc.fix(t, t.States[0].Pos)
				return true
			}
		}
	case *ssa.BinOp:
		if c.Op != token.EQL {
			return false // not a select dispatch
		}
		ex, ok1 := c.X.(*ssa.Extract)
		k, ok2 := c.Y.(*ssa.Const)
		if !ok1 || !ok2 || ex.Index != 0 || k.Value == nil || k.Value.Kind() != constant.Int {
			return false // not a select dispatch
		}
		sel, ok := ex.Tuple.(*ssa.Select)
		n, exact := constant.Int64Val(k.Value)
		if !ok || !exact || n < 0 || int(n) >= len(sel.States) {
			return false // not a select dispatch
		}
		if i == 1 {
			// The edge past the last case of a blocking select leads to the
			// builder's "matched no case" panic, which cannot happen.
			return sel.Blocking && int(n) == len(sel.States)-1
		}
		st := sel.States[n]
		if st.Dir == types.RecvOnly && fate(st.Chan) == FateSilent {
			sc.fix(sel, st.Pos)
			return true
		}
	}
	return false
}

// A StuckKind says how a goroutine gets stuck.
type StuckKind uint8

const (
	StuckLoop   StuckKind = iota // a loop with no way out
	StuckRecv                    // a receive that never completes
	StuckSelect                  // a select with no case that can fire
	StuckCall                    // a call of a function that never returns
	StuckSend                    // a send that never completes
)

// A WaitKind says what a loop with no way out waits for, which decides
// whether a goroutine started once per process is a leak or a daemon.
type WaitKind uint8

const (
	WaitOther WaitKind = iota // anything else: calls, a receive nothing answers
	WaitTimer                 // only sleeps or receives from timers: a janitor
	WaitQueue                 // receives from a channel that may deliver: a consumer
)

// A Stuck explains why a function can never finish.
type Stuck struct {
	Kind StuckKind
	// Wait says what a loop (StuckLoop) waits for; WaitOther for the other
	// kinds.
	Wait WaitKind
	// Pos is the blocking operation, or the first receive (else the first
	// call) in the loop; for a range over a channel, its "for" keyword.
	Pos token.Pos
	// Recvs are the receives in the loop, in block order, at most two.
	Recvs []token.Pos
	// Ranges is set when the loop ranges over a channel that is never
	// closed; Pos is then the range statement.
	Ranges bool
	// Sleeps is set when the loop calls time.Sleep.
	Sleeps bool
	// Callee is the function that never returns, for StuckCall.
	Callee *ssa.Function
	// Fated are the positions of the receives a channel's fate decided.
	Fated []token.Pos
	// call is the first call in the loop, the position of a loop with no
	// receive.
	call token.Pos
}

// Stuck returns why fn, a function of this package, can never finish, or
// nil if it may: it returns, panics, or may end the process or the
// goroutine on some path, or it is unknown.
func (r *Result) Stuck(fn *ssa.Function) *Stuck {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m.stuck(fn, nil)
}

// stuck computes Stuck with an optional channel fate.
func (m *model) stuck(fn *ssa.Function, fate func(ssa.Value) Fate) *Stuck {
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if fn.Pkg != m.pkg || fn.Synthetic != "" || len(fn.Blocks) == 0 || len(fn.Blocks) > maxBlocks {
		return nil // not ours, no body, or too big: unknown
	}
	sc := m.scanExits(fn, fate)
	if sc.returns || sc.panics || sc.exits {
		return nil // there is a way out
	}
	st := &Stuck{}
	st.Fated = sc.fatedPos
	g := m.cfgOf(fn)
	loop := false
	var w loopWaits
	for _, b := range fn.Blocks {
		if sc.reached[b.Index] && g.cyclic[b.Index] {
			loop = true
			st.addLoop(b, sc.fated)
			w.add(b, fate)
		}
	}
	if loop || len(sc.stops) == 0 {
		st.Wait = w.kind(st.Sleeps)
		return st // a loop
	}
	stop := sc.stops[0]
	st.Pos = instrPos(stop)
	switch i := stop.(type) {
	case *ssa.Call:
		st.Kind = StuckCall
		st.Callee = i.Call.StaticCallee()
	case *ssa.Select:
		st.Kind = StuckSelect
	case *ssa.Send:
		st.Kind = StuckSend
	default:
		st.Kind = StuckRecv
	}
	return st
}

// addLoop adds what block b of a loop does to st.
func (st *Stuck) addLoop(b *ssa.BasicBlock, fated []ssa.Instruction) {
	for _, instr := range b.Instrs {
		var pos token.Pos
		switch i := instr.(type) {
		case *ssa.UnOp:
			if i.Op != token.ARROW {
				continue // not a receive
			}
			pos = i.Pos()
			if i.CommaOk && containsInstr(fated, i) && !st.Ranges && isRangePos(i) {
				st.Ranges = true
				st.Pos = pos
			}
		case *ssa.Select:
			for _, s := range i.States {
				if s.Dir == types.RecvOnly && len(st.Recvs) < 2 && s.Pos.IsValid() {
					st.Recvs = append(st.Recvs, s.Pos)
				}
			}
			continue
		case *ssa.Call:
			if c := i.Call.StaticCallee(); c != nil && !i.Call.IsInvoke() {
				if obj, ok := c.Object().(*types.Func); ok && sleepFunc.has(obj) {
					st.Sleeps = true
				}
			}
			if !st.call.IsValid() {
				st.call = i.Pos()
			}
			continue
		default:
			continue
		}
		if pos.IsValid() && len(st.Recvs) < 2 {
			st.Recvs = append(st.Recvs, pos)
		}
	}
	if !st.Pos.IsValid() && len(st.Recvs) > 0 {
		st.Pos = st.Recvs[0]
	}
	if !st.Pos.IsValid() {
		st.Pos = st.call // no receive: the first call in the loop
	}
}

// loopWaits counts what the receives of a loop's blocks wait for.
type loopWaits struct {
	timers, queues int
}

// add counts the receives of block b: from a timer, or from a channel
// that may deliver. A channel whose fate is silent delivers nothing: a
// select on it and a ticker is a janitor whose stop never comes.
func (w *loopWaits) add(b *ssa.BasicBlock, fate func(ssa.Value) Fate) {
	count := func(ch ssa.Value) {
		switch {
		case isTimerChan(ch):
			w.timers++
		case fate == nil || fate(ch) != FateSilent:
			w.queues++
		}
	}
	for _, instr := range b.Instrs {
		switch i := instr.(type) {
		case *ssa.UnOp:
			if i.Op == token.ARROW {
				count(i.X)
			}
		case *ssa.Select:
			for _, st := range i.States {
				if st.Dir == types.RecvOnly {
					count(st.Chan)
				}
			}
		}
	}
}

// kind classifies the loop: a consumer if it receives from a channel that
// may deliver, a janitor if it only sleeps or ticks.
func (w *loopWaits) kind(sleeps bool) WaitKind {
	switch {
	case w.queues > 0:
		return WaitQueue
	case w.timers > 0 || sleeps:
		return WaitTimer
	}
	return WaitOther
}

// isRangePos reports whether the comma-ok receive is a range statement's:
// the builder gives it the position of the "for" keyword, not an arrow.
func isRangePos(recv *ssa.UnOp) bool {
	// The builder puts a range's receive in a block of its own, commented
	// "rangechan.loop"; a plain v, ok := <-ch lies in an ordinary block.
	return strings.HasPrefix(recv.Block().Comment, "rangechan")
}

// containsInstr reports whether list holds instr.
func containsInstr(list []ssa.Instruction, instr ssa.Instruction) bool {
	for _, x := range list {
		if x == instr {
			return true
		}
	}
	return false
}

// isTimerChan reports whether v is the C field of a time.Ticker or
// time.Timer, or the result of time.Tick: channels nothing ever closes.
func isTimerChan(v ssa.Value) bool {
	switch v := stripChange(v).(type) {
	case *ssa.UnOp:
		if fa, ok := v.X.(*ssa.FieldAddr); ok && v.Op == token.MUL {
			key := fieldKey(fa.X.Type(), fa.Field)
			return key == "time.Ticker.C" || key == "time.Timer.C"
		}
	case *ssa.Call:
		return calleeIn(&v.Call, timeTick)
	}
	return false
}

// timeTick lists the functions returning a channel that is never closed.
var timeTick = newFuncSet("time.Tick")

// instrPos returns the position of instr for a report: a select's first
// receive case when the select itself has none.
func instrPos(instr ssa.Instruction) token.Pos {
	if sel, ok := instr.(*ssa.Select); ok && !sel.Pos().IsValid() {
		for _, st := range sel.States {
			if st.Pos.IsValid() {
				return st.Pos
			}
		}
	}
	return instr.Pos()
}
