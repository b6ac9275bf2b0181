package chanmodel

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// An evKind classifies one use of a tracked channel.
type evKind uint8

const (
	evSend        evKind = iota // a blocking send with no select escape, here
	evCallSend                  // a called function's blocking sends
	evSpawnSend                 // blocking sends by a goroutine started here
	evRecv                      // a receive here
	evCaseRecv                  // a receive as a select case (state)
	evRecvOk                    // a comma-ok receive: its !ok branch means closed
	evDrain                     // a called or deferred function receives from it
	evGoRecv                    // a goroutine started here receives from it
	evClose                     // closed here or by a called function
	evGoClose                   // closed by a goroutine started here
	evEscape                    // a use the model cannot follow
	evGuardedSend               // a send in a select that has another way out
)

// An event is one use of a tracked channel in a function.
type event struct {
	kind  evKind
	instr ssa.Instruction
	n     int    // sends, for evCallSend and evSpawnSend
	sites []Site // where those sends are
	state int    // select state index, for evCaseRecv
	spawn bool   // evSpawnSend started by errgroup.Group.Go or sync.WaitGroup.Go
	// slot is, for the events of running a function (evSpawnSend in
	// particular), the function and its parameter or free variable that
	// holds the channel; zero when unknown.
	slot slotRef
	alt  int // the alternative channel's index, for the search's evAlt* events
}

// A slotRef names one slot of a function: a parameter (receiver first) or,
// after them, a free variable.
type slotRef struct {
	fn  *ssa.Function
	idx int
}

// tracker collects the events of one channel in one function: the channel
// value, its copies (direction conversions, loads of the variable holding it)
// and the closures that capture it.
type tracker struct {
	m    *model
	fn   *ssa.Function
	seen map[ssa.Value]bool
	evs  []event
}

// uses returns the events of the channel root in fn. root is a channel value
// (make, parameter) or, when cell is set, a pointer to a variable holding
// the channel (a captured variable's free variable).
func (m *model) uses(fn *ssa.Function, root ssa.Value, cell bool) []event {
	t := &tracker{m: m, fn: fn, seen: map[ssa.Value]bool{}}
	if cell {
		t.visitCell(root)
	} else {
		t.visitVal(root)
	}
	return t.evs
}

func (t *tracker) add(e event) { t.evs = append(t.evs, e) }

func (t *tracker) escape(instr ssa.Instruction) { t.add(event{kind: evEscape, instr: instr}) }

// visitVal records the uses of a channel value.
func (t *tracker) visitVal(v ssa.Value) {
	if t.seen[v] {
		return // already followed
	}
	t.seen[v] = true
	refs := v.Referrers()
	if refs == nil {
		return // a value with no referrers list (constant, function) is not ours
	}
	for _, instr := range *refs {
		t.classify(v, instr)
	}
}

// visitCell records the uses of a variable holding the channel: loads are
// copies, the one store is the initialisation, anything else escapes.
func (t *tracker) visitCell(c ssa.Value) {
	if t.seen[c] {
		return // already followed
	}
	t.seen[c] = true
	refs := c.Referrers()
	if refs == nil {
		return // nothing refers to it
	}
	for _, instr := range *refs {
		switch i := instr.(type) {
		case *ssa.UnOp:
			if i.Op == token.MUL {
				t.visitVal(i)
				continue
			}
			t.escape(instr)
		case *ssa.Store:
			if i.Addr == c && t.seen[i.Val] {
				continue // the initialisation with our channel
			}
			t.escape(instr) // reassigned, or its address stored elsewhere
		case *ssa.MakeClosure:
			t.closure(i, c, true)
		case *ssa.DebugRef:
			// no effect
		default:
			t.escape(instr) // the variable's address goes somewhere
		}
	}
}

// classify records what instr does with the channel value v.
func (t *tracker) classify(v ssa.Value, instr ssa.Instruction) {
	switch i := instr.(type) {
	case *ssa.Send:
		if i.Chan != v {
			t.escape(instr) // the channel itself is sent: it escapes
			return
		}
		t.add(event{kind: evSend, instr: instr, n: 1, sites: []Site{{Pos: i.Pos()}}})
	case *ssa.UnOp:
		switch {
		case i.Op != token.ARROW:
			t.escape(instr)
		case i.CommaOk:
			t.add(event{kind: evRecvOk, instr: instr})
		default:
			t.add(event{kind: evRecv, instr: instr})
		}
	case *ssa.Select:
		t.selectUse(v, i)
	case *ssa.Store:
		if a, ok := i.Addr.(*ssa.Alloc); ok && i.Val == v {
			t.visitCell(a) // a local variable, captured or address-taken
			return
		}
		t.escape(instr) // stored in a field, global, slice or map
	case *ssa.ChangeType:
		t.visitVal(i) // a direction conversion is the same channel
	case *ssa.DebugRef:
		// no effect
	case *ssa.MakeClosure:
		t.closure(i, v, false)
	case ssa.CallInstruction:
		t.call(v, i)
	default:
		t.escape(instr) // phi, interface conversion, return, ...
	}
}

// selectUse records the select states on v: a receive case, or a send that
// is guarded unless it is the select's only state.
func (t *tracker) selectUse(v ssa.Value, sel *ssa.Select) {
	for idx, st := range sel.States {
		if st.Send == v {
			t.escape(sel) // the channel itself is sent
			return
		}
		if st.Chan != v {
			continue // another channel's state
		}
		if st.Dir == types.RecvOnly {
			t.add(event{kind: evCaseRecv, instr: sel, state: idx})
			continue
		}
		if sel.Blocking && len(sel.States) == 1 {
			t.add(event{kind: evSend, instr: sel, n: 1, sites: []Site{{Pos: st.Pos}}})
			continue
		}
		t.add(event{kind: evGuardedSend, instr: sel, state: idx})
		// Otherwise a default, a receive case or another send can be taken
		// instead: a guarded send.
	}
}

// mode says how a function value is run.
type mode uint8

const (
	modeCall  mode = iota // called synchronously
	modeDefer             // deferred
	modeSpawn             // started as a goroutine
)

// call records a call, go or defer instruction that uses v.
func (t *tracker) call(v ssa.Value, instr ssa.CallInstruction) {
	common := instr.Common()
	if b, ok := common.Value.(*ssa.Builtin); ok {
		switch b.Name() {
		case "close":
			t.add(event{kind: evClose, instr: instr})
		case "len", "cap":
			// no effect
		default:
			t.escape(instr)
		}
		return
	}
	if common.Value == v || common.IsInvoke() {
		t.escape(instr) // a method call on an interface holding it, or odd code
		return
	}
	callee := common.StaticCallee()
	if callee == nil {
		t.escape(instr) // dynamic call: unknown
		return
	}
	md := modeCall
	switch instr.(type) {
	case *ssa.Go:
		md = modeSpawn
	case *ssa.Defer:
		md = modeDefer
	}
	sum, ext := t.m.summaryOf(callee)
	for j, a := range common.Args {
		if a != v {
			continue // another argument
		}
		var su *SlotUse
		if sum != nil && j < len(sum.Slots) {
			su = &sum.Slots[j]
		}
		t.apply(instr, su, md, ext, false, slotRef{callee, j})
	}
}

// closure records the uses of the closure mc, which captures the channel
// (the variable holding it when cell is set) as a free variable.
func (t *tracker) closure(mc *ssa.MakeClosure, v ssa.Value, cell bool) {
	fn, ok := mc.Fn.(*ssa.Function)
	if !ok {
		t.escape(mc)
		return
	}
	sum, _ := t.m.summaryOf(fn)
	for j, b := range mc.Bindings {
		if b != v {
			continue // another captured variable
		}
		var su *SlotUse
		if slot := len(fn.Params) + j; sum != nil && slot < len(sum.Slots) {
			su = &sum.Slots[slot]
		}
		if su != nil && !cell && len(fn.FreeVars) > j && isChanCell(fn.FreeVars[j].Type()) {
			su = nil // kinds disagree: should not happen
		}
		refs := mc.Referrers()
		if refs == nil {
			continue // unused closure
		}
		for _, instr := range *refs {
			t.closureUse(mc, instr, su, slotRef{fn, len(fn.Params) + j})
		}
	}
}

// closureUse records one use of a closure capturing the channel.
func (t *tracker) closureUse(mc *ssa.MakeClosure, instr ssa.Instruction, su *SlotUse, slot slotRef) {
	if _, ok := instr.(*ssa.DebugRef); ok {
		return // no effect
	}
	ci, ok := instr.(ssa.CallInstruction)
	if !ok {
		t.escape(instr) // stored or converted: run who knows where
		return
	}
	common := ci.Common()
	if common.Value == mc {
		switch ci.(type) {
		case *ssa.Go:
			t.apply(ci, su, modeSpawn, "", false, slot)
		case *ssa.Defer:
			t.apply(ci, su, modeDefer, "", false, slot)
		default:
			t.apply(ci, su, modeCall, "", false, slot)
		}
		return
	}
	if isGroupGo(common) && len(common.Args) == 2 && common.Args[1] == mc {
		t.apply(ci, su, modeSpawn, "", true, slot)
		return
	}
	if isAfterFunc(common) && len(common.Args) == 2 && common.Args[1] == mc {
		if timerKept(ci) {
			// The timer may be stopped before it fires, and the callback
			// never run: unknown (fixture unguardedsend/afterfunc).
			t.escape(instr)
			return
		}
		t.apply(ci, su, modeSpawn, "", false, slot)
		return
	}
	t.escape(instr) // passed to a function that may run it anywhere
}

// apply records the events of running, in mode md, a function whose use of
// the channel is su (nil if unknown). ext names the function when it lies
// in another package: its sends are then located at instr. slot is the
// function's slot that holds the channel.
func (t *tracker) apply(instr ssa.CallInstruction, su *SlotUse, md mode, ext string, group bool, slot slotRef) {
	if su == nil || su.Escapes {
		t.escape(instr)
		return
	}
	sites := su.Sites
	if ext != "" {
		sites = []Site{{Pos: instr.Pos(), Callee: ext}}
	}
	if md == modeSpawn {
		sites = withGo(sites, instr.Pos())
		if su.Recv {
			t.add(event{kind: evGoRecv, instr: instr})
		}
		if su.Close {
			t.add(event{kind: evGoClose, instr: instr})
		}
		if n := add(su.Sends, su.SpawnSends); n > 0 {
			t.add(event{kind: evSpawnSend, instr: instr, n: n, sites: sites, spawn: group, slot: slot})
		}
		return
	}
	if su.Recv {
		// n is the fewest receives the function makes on a path that
		// returns: one that can return without receiving drains nothing.
		t.add(event{kind: evDrain, instr: instr, n: su.RecvMin})
	}
	if su.Close {
		t.add(event{kind: evClose, instr: instr})
	}
	if su.Sends > 0 {
		t.add(event{kind: evCallSend, instr: instr, n: su.Sends, sites: sites})
	}
	if su.SpawnSends > 0 {
		t.add(event{kind: evSpawnSend, instr: instr, n: su.SpawnSends, sites: sites})
	}
}

// withGo returns sites with Go set to pos where it is not yet known.
func withGo(sites []Site, pos token.Pos) []Site {
	out := make([]Site, len(sites))
	for i, s := range sites {
		if !s.Go.IsValid() {
			s.Go = pos
		}
		out[i] = s
	}
	return out
}
