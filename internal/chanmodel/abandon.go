package chanmodel

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// An Abandon is a channel made in a function, sent to by goroutines the
// function starts, that the function can return without receiving enough
// from: a goroutine then blocks on its send forever.
type Abandon struct {
	Make token.Pos // the make call (its Lparen)
	Cap  int       // the channel's constant capacity
	// Sends is the number of sends the goroutines may make on one path,
	// Many when unbounded.
	Sends int
	// Senders are the sends of the goroutines that may still be sending
	// when the function returns: in the package, or calls into another
	// package that send; each with Go, the goroutine's start. Goroutines
	// whose sends the spawner received in full are not among them.
	Senders []Site
	// Blocking picks, per goroutine start of Senders, the send that blocks
	// once the buffer is full, as far as the order of the sites tells.
	Blocking []Site
	// Return is the return that abandons the channel (NoPos if implicit).
	Return token.Pos
	// Reason says why nothing receives, for the message.
	Reason string
}

// The search state counts sends and receives up to manyState.
const manyState = 8

// Tags say which select case a path left by.
const (
	tagNone    = iota
	tagCtxDone // <-ctx.Done()
	tagTimeout // <-time.After(d), a timer or ticker
	tagOther   // any other case, or default
	tagPartial // a called function that can return without receiving
	numTags
)

// abandonsIn returns the abandoned channels made in fn.
func (m *model) abandonsIn(fn *ssa.Function) []Abandon {
	if len(fn.Blocks) == 0 || len(fn.Blocks) > maxBlocks {
		return nil // no body, or too big to analyse within budget
	}
	var out []Abandon
	waits := -1 // whether fn waits for a group, computed on demand
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			mc, ok := instr.(*ssa.MakeChan)
			if !ok {
				continue // not a make(chan)
			}
			k, ok := constInt(mc.Size)
			if !ok {
				continue // non-constant capacity: unknown, so silent
			}
			if k < 0 || k >= manyState {
				continue // a large buffer: assume it was sized for the sends
			}
			if waits < 0 {
				waits = 0
				if callsGroupWait(fn) {
					waits = 1
				}
			}
			if waits == 1 {
				continue // the spawner waits for its goroutines: a deadlock, not a leak, if anything
			}
			if a, ok := m.abandoned(fn, mc, int(k)); ok {
				out = append(out, a)
			}
		}
	}
	return out
}

// chanPath is the per-channel input of the path search.
type chanPath struct {
	m       *model
	fn      *ssa.Function
	g       *cfg
	k       int
	atBlock [][]event // events by block, in instruction order
	// Select cases are edges, from the block that tests the chosen index
	// to the case's body (the block after the select when the body is
	// empty): caseRecv counts the receives taking an edge makes, tag is
	// the tag of the case it leaves by, and drainEdge marks the edges
	// that mean every sender is done (a case on a channel the senders
	// answer on, or the closed branch of a comma-ok receive).
	caseRecv  map[[2]int]int
	tag       map[[2]int]int
	drainEdge map[[2]int]bool
	loopRecv  map[int]bool // loop headers whose loop receives
	loopSpawn map[int]bool // loop headers whose loop starts senders
	// loopBits has, per loop header, the spawnBits of the starts inside.
	loopBits map[int]uint16
	ends     []bool // the block ends the process, the goroutine or the test
	alts     alternatives
	// spawnBits gives the evSpawnSend events' starts their bit in
	// pathState.pending; nil when there are too many to follow.
	spawnBits map[ssa.Instruction]uint16
}

// maxSpawnBits bounds the goroutine starts the search tells apart.
const maxSpawnBits = 16

// abandoned decides whether the channel mc (capacity k) made in fn is
// abandoned on some path from a spawn to a return.
func (m *model) abandoned(fn *ssa.Function, mc *ssa.MakeChan, k int) (Abandon, bool) {
	evs := m.uses(fn, mc, false)
	var spawns []event
	total := 0
	g := m.cfgOf(fn)
	for _, e := range evs {
		switch e.kind {
		case evEscape, evClose, evGoRecv, evSend, evCallSend:
			// It escapes, someone else receives, or the spawner itself
			// sends or closes: beyond this model.
			return Abandon{}, false
		case evSpawnSend:
			spawns = append(spawns, e)
			n := e.n
			if g.cyclic[e.instr.Block().Index] {
				n = Many
			}
			total = add(total, n)
		}
	}
	if len(spawns) == 0 {
		return Abandon{}, false // no goroutine sends on it
	}
	p := &chanPath{
		g: g, k: k,
		atBlock:   make([][]event, len(fn.Blocks)),
		caseRecv:  map[[2]int]int{},
		tag:       map[[2]int]int{},
		drainEdge: map[[2]int]bool{},
		loopRecv:  map[int]bool{},
		loopSpawn: map[int]bool{},
		loopBits:  map[int]uint16{},
		ends:      make([]bool, len(fn.Blocks)),
		spawnBits: spawnBits(spawns),
	}
	p.fn, p.m = fn, m
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if m.endsPath(instr) {
				// t.Fatal, log.Fatal, os.Exit and the like: a failing
				// test or an ending process, not a return (fixture
				// unguardedsend/negative, failing tests).
				p.ends[b.Index] = true
				break
			}
		}
	}
	evs = append(evs, p.findAlternatives(mc, evs)...)
	if !p.index(evs) {
		return Abandon{}, false // a select we cannot decode
	}
	ret, st, ok := p.search()
	if !ok {
		return Abandon{}, false
	}
	a := Abandon{Make: mc.Pos(), Cap: k, Sends: total, Reason: p.reason(st, total)}
	a.Senders, a.Blocking = p.pendingSenders(spawns, st)
	if ret != nil {
		a.Return = returnPos(ret)
	}
	return a, true
}

// spawnBits numbers the goroutine starts of spawns for the search, or
// returns nil when there are more than maxSpawnBits.
func spawnBits(spawns []event) map[ssa.Instruction]uint16 {
	bits := map[ssa.Instruction]uint16{}
	for _, e := range spawns {
		if _, ok := bits[e.instr]; ok {
			continue // one start holding the channel twice: one goroutine
		}
		if len(bits) == maxSpawnBits {
			return nil // too many to tell apart: every one may be pending
		}
		bits[e.instr] = 1 << len(bits)
	}
	return bits
}

// pendingSenders returns the sites of the goroutines that may still be
// sending in the leaking state st, and per goroutine start the send that
// blocks. Sends that follow each other fill the buffer and meet the
// receives in order, so a goroutine's send at index i (counting from 0)
// can be the one left blocked only if the buffer and the receives took
// its first i sends, i <= k+r, and the other pending goroutines' sends
// cannot take the rest, i >= k+r - (their sends). The latest such send is
// reported; a goroutine with none is left out (fixture
// unguardedsend/sequential, twoStages). Where a goroutine's sites
// do not list its sends one for one (loops, truncated lists), its send
// past the buffer is reported.
func (p *chanPath) pendingSenders(spawns []event, st pathState) (senders, blocking []Site) {
	var order []ssa.Instruction
	sites := map[ssa.Instruction][]Site{}
	sends := map[ssa.Instruction]int{}
	for _, e := range spawns {
		if p.spawnBits != nil && st.pending&p.spawnBits[e.instr] == 0 {
			continue // its sends were all received before the return
		}
		if _, ok := sites[e.instr]; !ok {
			order = append(order, e.instr)
		}
		n := e.n
		if p.g.cyclic[e.instr.Block().Index] {
			n = Many // started in a loop: many goroutines
		}
		sends[e.instr] = add(sends[e.instr], n)
		for _, s := range e.sites {
			senders = addSite(senders, s)
			if !slices.Contains(sites[e.instr], s) {
				sites[e.instr] = append(sites[e.instr], s)
			}
		}
	}
	total := 0
	for _, g := range order {
		total = add(total, sends[g])
	}
	taken := p.k + st.r // sends completed when the spawner returns
	// The latest goroutine first: when two block at one send (one
	// function started twice), it is the likelier to be left over, and
	// the report's "goroutine started here" names it.
	slices.Reverse(order)
	for _, g := range order {
		list := sites[g]
		if len(list) == 0 {
			continue // no site to report
		}
		if sends[g] != len(list) || total >= Many {
			// Sends on different paths, or in loops: each send with as
			// many blocking sends before it as the buffer holds is the
			// first to block on its path.
			n := len(blocking)
			for _, s := range list {
				if s.Before == p.k {
					blocking = append(blocking, s)
				}
			}
			if len(blocking) == n {
				blocking = append(blocking, list[min(p.k, len(list)-1)])
			}
			continue
		}
		hi := min(taken, len(list)-1)
		lo := taken - (total - sends[g])
		if hi < lo {
			continue // the others cannot take enough: its sends all complete
		}
		blocking = append(blocking, list[hi])
	}
	return senders, blocking
}

// index sorts the events into blocks and decodes select cases; it reports
// false when a select's cases cannot be recovered.
func (p *chanPath) index(evs []event) bool {
	instrIndex := func(e event) int {
		return slices.Index(e.instr.Block().Instrs, e.instr)
	}
	slices.SortStableFunc(evs, func(a, b event) int { return instrIndex(a) - instrIndex(b) })
	for _, e := range evs {
		b := e.instr.Block().Index
		switch e.kind {
		case evAltCase:
			sel := e.instr.(*ssa.Select)
			cases, _, ok := selectCases(sel)
			if !ok {
				return false
			}
			c := cases[e.state]
			p.alts.atCase[c] = append(p.alts.atCase[c], e.alt)
			continue
		case evCaseRecv:
			sel := e.instr.(*ssa.Select)
			cases, def, ok := selectCases(sel)
			if !ok {
				return false
			}
			p.caseRecv[cases[e.state]]++
			if succ := selectClosedSucc(sel, cases[e.state]); succ != nil {
				p.drainEdge[[2]int{succ[0], succ[1]}] = true
			}
			for i, st := range sel.States {
				switch {
				case i == e.state || cases[i] == noEdge:
					// the receive itself, or a send case without a body
				case st.Dir == types.RecvOnly && p.fromSenders(st.Chan):
					// The senders signal on this channel too (an error
					// channel, a done channel they close): taking the
					// case means they got their answer.
					p.drainEdge[cases[i]] = true
				case st.Dir == types.RecvOnly:
					p.tag[cases[i]] = chanTag(st.Chan)
				default:
					p.tag[cases[i]] = tagOther
				}
			}
			if def != noEdge {
				p.tag[def] = tagOther
			}
			p.markLoops(b, false)
			continue
		case evRecvOk:
			if succ := closedSucc(e.instr.(*ssa.UnOp)); succ != nil {
				p.drainEdge[[2]int{succ[0], succ[1]}] = true
			}
			p.markLoops(b, false)
		case evRecv, evDrain:
			p.markLoops(b, false)
		case evSpawnSend:
			p.markLoops(b, true)
			for h, in := range p.g.loops {
				if in[b] {
					p.loopBits[h] |= p.spawnBits[e.instr]
				}
			}
		}
		p.atBlock[b] = append(p.atBlock[b], e)
	}
	return true
}

// markLoops records that the loops containing block b receive (or start
// senders, when spawn is set).
func (p *chanPath) markLoops(b int, spawn bool) {
	for h, in := range p.g.loops {
		if in[b] {
			if spawn {
				p.loopSpawn[h] = true
			} else {
				p.loopRecv[h] = true
			}
		}
	}
}

// fromSenders reports whether ch is a channel made in the function that a
// goroutine it starts sends on or closes.
func (p *chanPath) fromSenders(ch ssa.Value) bool {
	mc := localMake(ch)
	if mc == nil {
		return false // ctx.Done(), a timer, a parameter, a global: not the senders'
	}
	for _, e := range p.m.uses(p.fn, mc, false) {
		if e.kind == evSpawnSend || e.kind == evGoClose {
			return true
		}
	}
	return false
}

// localMake returns the make(chan) that ch is, or is loaded from a local
// variable initialised with, or nil.
func localMake(ch ssa.Value) *ssa.MakeChan {
	switch c := ch.(type) {
	case *ssa.MakeChan:
		return c
	case *ssa.ChangeType:
		return localMake(c.X)
	case *ssa.UnOp:
		a, ok := c.X.(*ssa.Alloc)
		if !ok || c.Op != token.MUL || a.Referrers() == nil {
			return nil
		}
		var mc *ssa.MakeChan
		for _, r := range *a.Referrers() {
			if st, ok := r.(*ssa.Store); ok && st.Addr == a {
				m, ok := st.Val.(*ssa.MakeChan)
				if !ok || mc != nil {
					return nil // assigned twice, or not from make
				}
				mc = m
			}
		}
		return mc
	}
	return nil
}

// noEdge stands for a select case whose edge is unknown.
var noEdge = [2]int{-1, -1}

// selectCases returns the edge into the body of each state of sel (noEdge
// where not found) and the edge taken when no state is chosen (default, or
// the panic of an impossible blocking select). A case with an empty body
// has no block of its own: its edge leads past the select. ok is false
// when the state dispatch does not have the shape the SSA builder emits,
// or when a test's two edges lead to one block and cannot be told apart.
func selectCases(sel *ssa.Select) (cases [][2]int, other [2]int, ok bool) {
	cases = make([][2]int, len(sel.States))
	for i := range cases {
		cases[i] = noEdge
	}
	other = noEdge
	var idx *ssa.Extract
	for _, r := range *sel.Referrers() {
		if ex, isEx := r.(*ssa.Extract); isEx && ex.Index == 0 {
			idx = ex
		}
	}
	if idx == nil {
		return nil, noEdge, false // the index is unused: no dispatch to decode
	}
	for _, r := range *idx.Referrers() {
		cmp, isCmp := r.(*ssa.BinOp)
		if !isCmp || cmp.Op != token.EQL || cmp.X != idx {
			continue
		}
		c, isConst := cmp.Y.(*ssa.Const)
		if !isConst || c.Value == nil {
			continue
		}
		i, exact := constant.Int64Val(c.Value)
		if !exact || i < 0 || int(i) >= len(cases) {
			continue
		}
		for _, u := range *cmp.Referrers() {
			ifi, isIf := u.(*ssa.If)
			if !isIf {
				continue // not the dispatch
			}
			b := ifi.Block()
			if b.Succs[0] == b.Succs[1] {
				return nil, noEdge, false // both ways lead to one block
			}
			cases[i] = [2]int{b.Index, b.Succs[0].Index}
			if int(i) == len(cases)-1 {
				other = [2]int{b.Index, b.Succs[1].Index}
			}
		}
	}
	for i, st := range sel.States {
		if cases[i] == noEdge && st.Dir == types.RecvOnly {
			return nil, noEdge, false
		}
	}
	return cases, other, true
}

// closedSucc returns the block edge taken when the comma-ok receive recv
// finds the channel closed, or nil.
func closedSucc(recv *ssa.UnOp) []int {
	for _, r := range *recv.Referrers() {
		ex, ok := r.(*ssa.Extract)
		if !ok || ex.Index != 1 {
			continue // not the ok result
		}
		for _, u := range *ex.Referrers() {
			if ifi, isIf := u.(*ssa.If); isIf && ifi.Cond == ex {
				b := ifi.Block()
				return []int{b.Index, b.Succs[1].Index}
			}
		}
	}
	return nil
}

// selectClosedSucc returns the block edge taken when the comma-ok receive
// of the select case whose body starts at edge c finds the channel
// closed, or nil: once it is closed, no send on it can be pending (a send
// on a closed channel panics), so a return there strands no sender.
func selectClosedSucc(sel *ssa.Select, c [2]int) []int {
	if c == noEdge {
		return nil
	}
	body := sel.Block().Parent().Blocks[c[1]]
	for _, r := range *sel.Referrers() {
		ex, ok := r.(*ssa.Extract)
		if !ok || ex.Index != 1 {
			continue // not the ok result
		}
		for _, u := range *ex.Referrers() {
			if ifi, isIf := u.(*ssa.If); isIf && ifi.Cond == ex && body.Dominates(ifi.Block()) {
				b := ifi.Block()
				return []int{b.Index, b.Succs[1].Index}
			}
		}
	}
	return nil
}

// timerChanFuncs return a channel that delivers after a while.
var timerChanFuncs = newFuncSet("time.After", "time.Tick")

// chanTag classifies the channel of a competing select case.
func chanTag(ch ssa.Value) int {
	switch c := ch.(type) {
	case *ssa.Call:
		if c.Call.IsInvoke() {
			if c.Call.Method.Name() == "Done" && isContext(c.Call.Value.Type()) {
				return tagCtxDone
			}
			return tagOther
		}
		if fn := c.Call.StaticCallee(); fn != nil {
			if obj, ok := fn.Object().(*types.Func); ok {
				if timerChanFuncs.has(obj) {
					return tagTimeout
				}
				if obj.Name() == "Done" && obj.Pkg() != nil && obj.Pkg().Path() == "context" {
					return tagCtxDone
				}
			}
		}
	case *ssa.UnOp:
		if fa, ok := c.X.(*ssa.FieldAddr); ok && c.Op == token.MUL {
			if key := fieldKey(fa.X.Type(), fa.Field); key == "time.Timer.C" || key == "time.Ticker.C" {
				return tagTimeout
			}
		}
	}
	return tagOther
}

// isContext reports whether t is context.Context.
func isContext(t types.Type) bool {
	return isNamedType(t, "context", "Context")
}

// pathState is the search state on entry to a block: sends started and
// receives made (each capped at manyState), the tag of the case taken, and
// which of the goroutines the alternatives follow have started.
type pathState struct {
	block, s, r, tag int
	started          uint8
	// pending has the bits (chanPath.spawnBits) of the goroutines started
	// since the spawner last received every send started before.
	pending uint16
}

// maxStates bounds the states one search visits; a bigger search is
// unknown, so silent.
const maxStates = 1 << 16

// search walks every path from fn's entry and returns a return reached with
// more sends outstanding than the buffer holds, preferring one that left by
// a competing select case.
func (p *chanPath) search() (*ssa.Return, pathState, bool) {
	seen := map[pathState]bool{{}: true}
	var found *ssa.Return
	var foundSt pathState
	work := []pathState{{}}
	for len(work) > 0 {
		if len(seen) > maxStates {
			return nil, pathState{}, false // too many states: unknown
		}
		st := work[len(work)-1]
		work = work[:len(work)-1]
		b := p.g.fn.Blocks[st.block]
		st = p.enter(st)
		if p.ends[b.Index] {
			continue // the test fails or the process ends: no return
		}
		if ret, isRet := b.Instrs[len(b.Instrs)-1].(*ssa.Return); isRet {
			if p.leaks(st) && (found == nil || (foundSt.tag == tagNone && st.tag != tagNone)) {
				found, foundSt = ret, st
			}
			continue
		}
		for _, succ := range b.Succs {
			next := p.edge(st, b.Index, succ.Index)
			if !seen[next] {
				seen[next] = true
				work = append(work, next)
			}
		}
	}
	return found, foundSt, found != nil
}

// enter applies a block's effects to the state on entry.
func (p *chanPath) enter(st pathState) pathState {
	b := st.block
	for _, e := range p.atBlock[b] {
		switch e.kind {
		case evAltStart:
			st.started |= p.alts.bits[e.instr]
		case evAltRecv:
			st = p.alts.recv(st, e.alt)
		case evSpawnSend:
			st.started |= p.alts.bits[e.instr]
			st.pending |= p.spawnBits[e.instr]
			st.s = addState(st.s, min(e.n, manyState))
		case evRecv, evRecvOk:
			st.r = addState(st.r, 1)
		case evDrain:
			// A helper or deferred function receives: as often as it does
			// on every path that returns (all there is, for Many).
			st.r = addState(st.r, min(e.n, manyState))
			if e.n == 0 && st.s > st.r && st.tag == tagNone {
				st.tag = tagPartial
			}
		}
		st = settle(st)
	}
	return st
}

// settle forgets the sends the spawner has received in full: when the
// receives so far match every send started so far, those goroutines are
// done with the channel, and a send started later is compared with the
// buffer and the receives after it alone (fixture
// unguardedsend/sequential). Counts that saturated are kept.
func settle(st pathState) pathState {
	if st.s == 0 || st.s >= manyState || st.r >= manyState || st.r < st.s {
		return st // nothing started, unbounded, or some send not received yet
	}
	st.r -= st.s
	st.s, st.pending, st.tag = 0, 0, tagNone
	return st
}

// edge returns the state after the control-flow edge from -> to.
func (p *chanPath) edge(st pathState, from, to int) pathState {
	st.block = to
	e := [2]int{from, to}
	if n := p.caseRecv[e]; n > 0 {
		st.r = addState(st.r, n) // a select case receives
	}
	if p.drainEdge[e] {
		st.r = manyState // the senders answered elsewhere, or the channel was found closed
	}
	if t := p.tag[e]; t != tagNone && st.s > 0 && st.tag == tagNone {
		st.tag = t
	}
	for _, a := range p.alts.atCase[e] {
		st = p.alts.recv(st, a)
	}
	st = settle(st)
	if in, isHeader := p.g.loops[from]; isHeader && !in[to] {
		// Leaving a loop through its header: a counted loop ran to the
		// end. Assume it received (or started) as many times as needed
		// to match the other loop.
		if p.loopRecv[from] {
			st.r = manyState
		}
		if p.loopSpawn[from] {
			st.s = manyState
			st.pending |= p.loopBits[from]
		}
	}
	return st
}

// leaks reports whether a return in state st leaves a sender blocked.
func (p *chanPath) leaks(st pathState) bool {
	switch {
	case st.s == 0 || st.r == manyState:
		return false
	case st.s == manyState:
		return p.k == 0 // with a buffer, unbounded senders may still fit: silent
	}
	return st.s > p.k+st.r
}

// addState adds counts, saturating at manyState.
func addState(a, b int) int { return min(a+b, manyState) }

// reason says why the senders block, in the words of the message.
func (p *chanPath) reason(st pathState, total int) string {
	switch st.tag {
	case tagCtxDone:
		return "the receiver returns on ctx.Done without receiving"
	case tagTimeout:
		return "the receiver returns on a timeout without receiving"
	case tagOther:
		return "the receiver returns on another select case without receiving"
	case tagPartial:
		return "a function the receiver calls can return without receiving"
	}
	switch {
	case st.s == manyState:
		return "the receiver can return before receiving from every sender"
	case p.k > 0:
		return fmt.Sprintf("its buffer holds %d of %d sends and the receiver can return without receiving the rest", p.k, total)
	case st.r > 0:
		return "the receiver can return before receiving from every sender"
	}
	return "the receiver can return without receiving"
}
