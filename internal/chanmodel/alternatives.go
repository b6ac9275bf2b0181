package chanmodel

import (
	"math/bits"

	"golang.org/x/tools/go/ssa"
)

// Events the abandonment search adds for the alternatives of the channel it
// follows; the tracker never records them.
const (
	evAltStart evKind = 100 + iota // a goroutine that sends on an alternative starts
	evAltRecv                      // a receive from an alternative
	evAltCase                      // a receive from an alternative as a select case
)

// maxAltBits bounds the goroutines the alternatives follow: one bit each
// in the search state.
const maxAltBits = 8

// maxAltMakes bounds the channels made in a function that are considered
// as alternatives.
const maxAltMakes = 16

// alternatives describes the other channels of the spawner that some
// goroutine sending on the followed channel sends on instead: a goroutine
// that sends at most once in total on the followed channel and an
// alternative (a result or an error, a value or a done signal) has made
// its one send when the spawner receives from the alternative and that
// goroutine is the alternative's only sender started so far. Its send on
// the followed channel then never happens (fixture
// unguardedsend/negative, oneOfTwo).
type alternatives struct {
	// bits gives the followed goroutines' start instructions their bit.
	bits map[ssa.Instruction]uint8
	// senders is, per alternative, the bits of all goroutines sending on
	// it; cancels the bits of those whose receive there cancels their send
	// on the followed channel.
	senders, cancels []uint8
	// atCase lists, per select case edge, the alternatives it receives from.
	atCase map[[2]int][]int
}

// recv applies a receive from alternative a to st: if exactly one of its
// senders has started and that one's send there cancels its send on the
// followed channel, the followed channel has one send fewer to wait for.
func (al *alternatives) recv(st pathState, a int) pathState {
	pending := st.started & al.senders[a]
	if bits.OnesCount8(pending) == 1 && pending&al.cancels[a] != 0 {
		st.r = addState(st.r, 1)
	}
	return st
}

// findAlternatives fills p.alts for the channel mc, whose events are evs,
// and returns the events to add to the search: the starts of the
// alternatives' other senders and the receives from them.
func (p *chanPath) findAlternatives(mc *ssa.MakeChan, evs []event) []event {
	p.alts = alternatives{bits: map[ssa.Instruction]uint8{}, atCase: map[[2]int][]int{}}
	own := map[ssa.Instruction]slotRef{}
	twice := map[ssa.Instruction]bool{}
	for _, e := range evs {
		if e.kind != evSpawnSend || !p.followable(e) {
			continue // not a goroutine sending on mc that one bit can follow
		}
		if _, dup := own[e.instr]; dup {
			twice[e.instr] = true // it holds mc in two slots: beyond the model
		}
		own[e.instr] = e.slot
	}
	for g := range twice {
		delete(own, g)
	}
	if len(own) == 0 {
		return nil // no goroutine that sends on mc can be followed
	}
	var out []event
	makes := 0
	for _, b := range p.fn.Blocks {
		for _, instr := range b.Instrs {
			alt, ok := instr.(*ssa.MakeChan)
			if !ok || alt == mc {
				continue // not another channel made here
			}
			if makes++; makes > maxAltMakes {
				return out // enough: the rest is unknown
			}
			out = append(out, p.alternative(alt, own)...)
		}
	}
	return out
}

// alternative adds alt to p.alts if some goroutine in own sends at most
// once in total on the followed channel and alt, and every sender of alt
// can be followed; it returns alt's events for the search.
func (p *chanPath) alternative(alt *ssa.MakeChan, own map[ssa.Instruction]slotRef) []event {
	evs := p.m.uses(p.fn, alt, false)
	senders := map[ssa.Instruction]slotRef{}
	var order []ssa.Instruction // senders' starts in event order: deterministic bits
	for _, e := range evs {
		switch e.kind {
		case evRecv, evRecvOk, evCaseRecv, evDrain, evGoRecv:
			// receives: the spawner's are what the search looks at
		case evSpawnSend:
			if !p.followable(e) {
				return nil // a sender started in a loop or unknown
			}
			if _, dup := senders[e.instr]; dup {
				return nil // it holds alt in two slots: beyond the model
			}
			order = append(order, e.instr)
			senders[e.instr] = e.slot
		default:
			return nil // the spawner sends, closes or lets it escape: a receive proves nothing
		}
	}
	var cancels []ssa.Instruction
	for _, g := range order {
		if slot, ok := own[g]; ok && slot.fn == senders[g].fn && p.m.sendsOnce(slot.fn, slot.idx, senders[g].idx) {
			cancels = append(cancels, g)
		}
	}
	if len(cancels) == 0 {
		return nil // no goroutine chooses between the two
	}
	newBits := 0
	for _, g := range order {
		if _, ok := p.alts.bits[g]; !ok {
			newBits++
		}
	}
	if len(p.alts.bits)+newBits > maxAltBits {
		return nil // too many goroutines to follow
	}
	a := len(p.alts.senders)
	var sendersMask, cancelMask uint8
	var out []event
	for _, g := range order {
		bit, ok := p.alts.bits[g]
		if !ok {
			bit = 1 << len(p.alts.bits)
			p.alts.bits[g] = bit
		}
		sendersMask |= bit
		if _, isOwn := own[g]; !isOwn {
			out = append(out, event{kind: evAltStart, instr: g})
		}
	}
	for _, g := range cancels {
		cancelMask |= p.alts.bits[g]
	}
	p.alts.senders = append(p.alts.senders, sendersMask)
	p.alts.cancels = append(p.alts.cancels, cancelMask)
	for _, e := range evs {
		switch e.kind {
		case evDrain:
			if e.n > 0 {
				out = append(out, event{kind: evAltRecv, instr: e.instr, alt: a})
			}
			// Otherwise a helper that can return without receiving.
		case evRecv, evRecvOk:
			out = append(out, event{kind: evAltRecv, instr: e.instr, alt: a})
		case evCaseRecv:
			out = append(out, event{kind: evAltCase, instr: e.instr, state: e.state, alt: a})
		}
	}
	return out
}

// followable reports whether the goroutine of the evSpawnSend e can be
// followed by one bit: it is started directly, outside any loop, and runs
// a function of this package whose slot holding the channel is known.
func (p *chanPath) followable(e event) bool {
	if _, ok := spawnOf(e.instr); !ok {
		return false // a call of a function that starts it
	}
	if p.g.cyclic[e.instr.Block().Index] {
		return false // started in a loop: many of them
	}
	fn := e.slot.fn
	return fn != nil && fn.Pkg == p.m.pkg && len(fn.Blocks) > 0
}

// sendsOnce reports whether fn sends at most once in total, on every path,
// on the channels of its slots a and b, and does nothing else with them
// but receive.
func (m *model) sendsOnce(fn *ssa.Function, a, b int) bool {
	if len(fn.Blocks) > maxBlocks {
		return false // too big: unknown
	}
	weight := make([]int, len(fn.Blocks))
	counted := map[ssa.Instruction]bool{}
	for _, idx := range []int{a, b} {
		v, cell := slotValue(fn, idx)
		if v == nil {
			return false // not a channel slot
		}
		for _, e := range m.uses(fn, v, cell) {
			switch e.kind {
			case evSend, evGuardedSend:
				if counted[e.instr] {
					continue // one select sends once, whichever case
				}
				counted[e.instr] = true
				bi := e.instr.Block().Index
				weight[bi] = add(weight[bi], 1)
			case evRecv, evCaseRecv, evRecvOk, evDrain, evGoRecv:
				// receiving does not send
			default:
				return false // a callee or goroutine sends, it closes, or it escapes
			}
		}
	}
	return m.cfgOf(fn).longestPath(weight) <= 1
}

// slotValue returns the parameter or free variable of fn at slot idx, and
// whether it is a variable holding the channel rather than the channel.
func slotValue(fn *ssa.Function, idx int) (ssa.Value, bool) {
	if idx < len(fn.Params) {
		if p := fn.Params[idx]; isChan(p.Type()) {
			return p, false
		}
		return nil, false
	}
	j := idx - len(fn.Params)
	if j >= len(fn.FreeVars) {
		return nil, false
	}
	fv := fn.FreeVars[j]
	switch {
	case isChanCell(fv.Type()):
		return fv, true
	case isChan(fv.Type()):
		return fv, false
	}
	return nil, false
}
