package chanmodel

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/lint"
)

// maxBlocks bounds the functions summarised: a bigger one is unknown.
const maxBlocks = 2000

// maxRounds bounds the fixpoint iteration over one strongly connected
// component of the call graph; components that do not settle are unknown.
const maxRounds = 12

// model holds one package's channel model.
type model struct {
	pass *analysis.Pass
	pkg  *ssa.Package
	// funcs maps each summarised function of the package (by origin) to its
	// summary; a nil value means unknown.
	funcs    map[*ssa.Function]*Summary
	imported map[*types.Func]importedFunc // decoded facts
	cfgs     map[*ssa.Function]*cfg
	abandons map[*ssa.Function][]Abandon
	// freeBases memoises freeVarBase, which scans the closure's parent.
	freeBases map[*ssa.FreeVar]baseKind
	// srcFuncs are the package's source functions; globals memoises the
	// fate of its package-level channels.
	srcFuncs []*ssa.Function
	globals  map[*ssa.Global]Fate
	// starts memoises Started; funcUseIndex, the package's uses of its
	// functions, is built on the first query.
	starts map[*ssa.Function]Start
	// fields memoises the fate of unexported channel fields.
	fields       map[*types.Var]fieldInfo
	funcUseIndex map[*ssa.Function][]funcUse
}

func newModel(pass *analysis.Pass, pkg *ssa.Package) *model {
	return &model{
		pass:     pass,
		pkg:      pkg,
		funcs:    map[*ssa.Function]*Summary{},
		imported: map[*types.Func]importedFunc{},
		cfgs:     map[*ssa.Function]*cfg{},
		abandons: map[*ssa.Function][]Abandon{},

		freeBases: map[*ssa.FreeVar]baseKind{},
		globals:   map[*ssa.Global]Fate{},
		starts:    map[*ssa.Function]Start{},
		fields:    map[*types.Var]fieldInfo{},
	}
}

// summaryOf returns callee's summary, or nil if unknown. For a function of
// another package it also returns the function's name for messages.
func (m *model) summaryOf(callee *ssa.Function) (*Summary, string) {
	fn := callee.Origin()
	if fn == nil {
		fn = callee
	}
	if fn.Pkg == m.pkg {
		if fn.Synthetic != "" {
			return nil, "" // wrappers and thunks: unknown
		}
		return m.funcs[fn], ""
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok {
		return nil, "" // an anonymous function or wrapper of another package
	}
	obj = obj.Origin()
	if obj.Pkg() == nil || obj.Pkg() == m.pass.Pkg {
		return nil, "" // builtin-like, or ours without a summary
	}
	imp, ok := m.imported[obj]
	if !ok {
		imp.name = funcName(obj)
		var f chanSummary
		if m.pass.ImportObjectFact(obj, &f) {
			imp.summary = f.summary(obj)
		}
		m.imported[obj] = imp
	}
	return imp.summary, imp.name
}

// importedFunc is what the model knows of a function of another package.
type importedFunc struct {
	summary *Summary // from its fact; nil if it has none
	name    string   // for messages, as funcName spells it
}

// cfgOf returns fn's memoised loop structure.
func (m *model) cfgOf(fn *ssa.Function) *cfg {
	g, ok := m.cfgs[fn]
	if !ok {
		g = newCFG(fn)
		m.cfgs[fn] = g
	}
	return g
}

// summarizeAll summarises fns bottom-up over the static call graph,
// iterating each strongly connected component to a fixpoint.
func (m *model) summarizeAll(fns []*ssa.Function) {
	index := map[*ssa.Function]int{}
	for i, fn := range fns {
		index[fn] = i
	}
	edges := make([][]int, len(fns))
	for i, fn := range fns {
		edges[i] = m.callees(fn, index)
	}
	for _, comp := range sccs(len(fns), func(i int) []int { return edges[i] }) {
		recursive := len(comp) > 1 || slices.Contains(edges[comp[0]], comp[0])
		m.summarizeComponent(fns, comp, recursive)
	}
}

// callees returns the indexes of the package functions fn refers to:
// static callees and closures.
func (m *model) callees(fn *ssa.Function, index map[*ssa.Function]int) []int {
	var out []int
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			var target *ssa.Function
			switch i := instr.(type) {
			case *ssa.MakeClosure:
				target, _ = i.Fn.(*ssa.Function)
			case ssa.CallInstruction:
				target = i.Common().StaticCallee()
			}
			if target == nil {
				continue // nothing static
			}
			if o := target.Origin(); o != nil {
				target = o
			}
			if j, ok := index[target]; ok {
				out = append(out, j)
			}
		}
	}
	return out
}

// summarizeComponent summarises the functions of one component; a
// recursive component starts from empty summaries and iterates.
func (m *model) summarizeComponent(fns []*ssa.Function, comp []int, recursive bool) {
	for _, i := range comp {
		fn := fns[i]
		m.funcs[fn] = &Summary{Slots: make([]SlotUse, len(fn.Params)+len(fn.FreeVars))}
	}
	for round := range maxRounds {
		changed := false
		for _, i := range comp {
			fn := fns[i]
			var s *Summary
			ok := lint.Guard(Name, m.pass.Pkg.Path(), fn, func() { s = m.summarize(fn) })
			if !ok {
				s = nil // a panic: unknown
			}
			if round > 0 {
				widen(m.funcs[fn], s)
			}
			if !s.equal(m.funcs[fn]) {
				changed = true
			}
			m.funcs[fn] = s
		}
		if !changed || !recursive {
			return // settled, or nothing in it depends on itself
		}
	}
	for _, i := range comp {
		m.funcs[fns[i]] = nil // did not settle: unknown
	}
}

// widen makes a count that grew between two rounds of a recursive
// component unbounded, so that recursion through a send settles.
func widen(old, s *Summary) {
	if old == nil || s == nil || len(old.Slots) != len(s.Slots) {
		return
	}
	for i := range s.Slots {
		if s.Slots[i].Sends > old.Slots[i].Sends {
			s.Slots[i].Sends = Many
		}
		if s.Slots[i].SpawnSends > old.Slots[i].SpawnSends {
			s.Slots[i].SpawnSends = Many
		}
	}
}

// summarize computes fn's summary from its callees' current summaries, or
// returns nil if fn is too big to analyse.
func (m *model) summarize(fn *ssa.Function) *Summary {
	if len(fn.Blocks) == 0 || len(fn.Blocks) > maxBlocks {
		return nil // no body, or too big to analyse within budget
	}
	s := &Summary{Slots: make([]SlotUse, len(fn.Params)+len(fn.FreeVars))}
	for i, p := range fn.Params {
		if isChan(p.Type()) {
			s.Slots[i] = m.slotUse(fn, m.uses(fn, p, false))
		}
	}
	for j, fv := range fn.FreeVars {
		switch {
		case isChanCell(fv.Type()):
			s.Slots[len(fn.Params)+j] = m.slotUse(fn, m.uses(fn, fv, true))
		case isChan(fv.Type()):
			s.Slots[len(fn.Params)+j] = m.slotUse(fn, m.uses(fn, fv, false))
		}
	}
	m.sharedSends(fn, s)
	sc := m.scanExits(fn, nil)
	s.NeverReturns = !sc.returns && !sc.panics
	s.Forever = s.NeverReturns && !sc.exits
	s.Exits = sc.exits || (!sc.returns && sc.panics)
	return s
}

// slotUse condenses a slot's events into a SlotUse.
func (m *model) slotUse(fn *ssa.Function, evs []event) SlotUse {
	var u SlotUse
	sendW := make([]int, len(fn.Blocks))
	spawnW := make([]int, len(fn.Blocks))
	for _, e := range evs {
		b := e.instr.Block().Index
		switch e.kind {
		case evSend, evCallSend:
			sendW[b] = add(sendW[b], e.n)
		case evSpawnSend:
			spawnW[b] = add(spawnW[b], e.n)
		case evRecv, evCaseRecv, evRecvOk, evDrain, evGoRecv:
			u.Recv = true
		case evClose, evGoClose:
			u.Close = true
		case evEscape:
			u.Escapes = true
		}
	}
	// The loop structure is built only for functions with channel slots,
	// a small minority.
	g := m.cfgOf(fn)
	u.Sites = sitesInOrder(fn, evs, g.entryWeights(sendW))
	u.Sends = g.longestPath(sendW)
	u.SpawnSends = g.longestPath(spawnW)
	if u.Recv {
		u.RecvMin = m.recvMin(fn, evs)
	}
	return u
}

// sitesInOrder returns the first few sites of evs, each with Before set
// to the most blocking sends of this function that can precede it on one
// path: entry gives the most on entry to each block, and the events of
// one block count in instruction order. A site of a called function adds
// the sends before the call to its own Before; a goroutine's sites keep
// theirs, since they run on the goroutine's path, not this one's.
func sitesInOrder(fn *ssa.Function, evs []event, entry []int) []Site {
	byBlock := make([][]event, len(fn.Blocks))
	for _, e := range evs {
		if len(e.sites) > 0 {
			b := e.instr.Block().Index
			byBlock[b] = append(byBlock[b], e)
		}
	}
	var out []Site
	for b, list := range byBlock {
		instrs := fn.Blocks[b].Instrs
		slices.SortStableFunc(list, func(x, y event) int {
			return slices.Index(instrs, x.instr) - slices.Index(instrs, y.instr)
		})
		before := entry[b]
		for _, e := range list {
			for _, s := range e.sites {
				if e.kind != evSpawnSend {
					s.Before = add(s.Before, before)
				}
				out = addSite(out, s)
			}
			if e.kind == evSend || e.kind == evCallSend {
				before = add(before, e.n)
			}
		}
	}
	return out
}

// sharedSends fills s.Sends, s.Spawns and s.Recvs: the shared channels fn,
// its callees and the goroutines they start may block sending to, and
// those fn or its callees receive from.
func (m *model) sharedSends(fn *ssa.Function, s *Summary) {
	m.sharedRecvs(fn, fn, s)
	slices.Sort(s.Recvs)
	s.Recvs = slices.Compact(s.Recvs)
	if len(s.Recvs) > maxKeys {
		s.Recvs = s.Recvs[:maxKeys]
	}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if sp, ok := spawnOf(instr); ok {
				m.spawnedSends(fn, sp, s)
				continue
			}
			switch i := instr.(type) {
			case *ssa.Send:
				if key, recv := m.sharedKey(fn, i.Chan); key != "" && !slices.Contains(s.Recvs, key) {
					s.Sends = addSite(s.Sends, Site{Chan: key, ViaRecv: recv, Pos: i.Pos()})
				}
			case *ssa.Select:
				if i.Blocking && len(i.States) == 1 && i.States[0].Dir == types.SendOnly {
					if key, recv := m.sharedKey(fn, i.States[0].Chan); key != "" && !slices.Contains(s.Recvs, key) {
						s.Sends = addSite(s.Sends, Site{Chan: key, ViaRecv: recv, Pos: i.States[0].Pos})
					}
				}
			case *ssa.Call, *ssa.Defer:
				m.calledSends(fn, instr.(ssa.CallInstruction), s)
			}
		}
	}
}

// maxKeys bounds the receive keys kept per summary.
const maxKeys = 8

// sharedRecvs adds to s.Recvs the shared channels that fn receives from in
// its own body, in the closures it contains (a deferred release, say), and
// in the functions it calls.
func (m *model) sharedRecvs(root, fn *ssa.Function, s *Summary) {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch i := instr.(type) {
			case *ssa.UnOp:
				if i.Op == token.ARROW {
					if key, _ := m.sharedKey(fn, i.X); key != "" {
						s.Recvs = append(s.Recvs, key)
					}
				}
			case *ssa.Select:
				for _, st := range i.States {
					if st.Dir == types.RecvOnly {
						if key, _ := m.sharedKey(fn, st.Chan); key != "" {
							s.Recvs = append(s.Recvs, key)
						}
					}
				}
			case *ssa.Call, *ssa.Defer:
				callee := instr.(ssa.CallInstruction).Common().StaticCallee()
				if callee == nil || callee.Parent() != nil {
					continue // dynamic, or a closure: walked below
				}
				if cs, _ := m.summaryOf(callee); cs != nil {
					s.Recvs = append(s.Recvs, cs.Recvs...)
				}
			}
		}
	}
	for _, anon := range fn.AnonFuncs {
		m.sharedRecvs(root, anon, s)
	}
}

// calledSends adds the shared sends of a synchronous call's callee.
func (m *model) calledSends(fn *ssa.Function, call ssa.CallInstruction, s *Summary) {
	common := call.Common()
	callee := common.StaticCallee()
	if callee == nil || common.IsInvoke() {
		return // dynamic: unknown, so silent
	}
	cs, ext := m.summaryOf(callee)
	if cs == nil {
		return // unknown
	}
	r := m.relocator(fn, call, callee, common.Args, ext)
	for _, x := range cs.Sends {
		if y, ok := r.site(x, false); ok && !slices.Contains(s.Recvs, x.Chan) {
			s.Sends = addSite(s.Sends, y)
		}
	}
	for _, x := range cs.Spawns {
		if y, ok := r.site(x, false); ok && !slices.Contains(s.Recvs, x.Chan) {
			s.Spawns = addSite(s.Spawns, y)
		}
	}
}

// spawnedSends adds the shared sends of a goroutine fn starts. A send on
// a channel fn itself receives from is left out, as in sharedSends: the
// goroutine gives back a token fn took (a semaphore's release) or answers
// fn, which reads it (fixture unguardedsend/anyspawner).
func (m *model) spawnedSends(fn *ssa.Function, sp Spawn, s *Summary) {
	if sp.Body == nil {
		return // dynamic goroutine: unknown
	}
	bs, ext := m.summaryOf(sp.Body)
	if bs == nil {
		return // unknown
	}
	var args []ssa.Value
	if g, ok := sp.Instr.(*ssa.Go); ok {
		args = g.Call.Args
	}
	r := m.relocator(fn, sp.Instr, sp.Body, args, ext)
	for _, x := range bs.Sends {
		if y, ok := r.site(x, true); ok && !slices.Contains(s.Recvs, x.Chan) && !freshBufferedBefore(fn, sp.Instr, y.Chan) {
			s.Spawns = addSite(s.Spawns, y)
		}
	}
	for _, x := range bs.Spawns {
		if y, ok := r.site(x, false); ok && !slices.Contains(s.Recvs, x.Chan) {
			s.Spawns = addSite(s.Spawns, y)
		}
	}
}

// A relocator turns a callee's sites into the caller's.
type relocator struct {
	call ssa.CallInstruction
	ext  string // the callee's name when it lies in another package
	// closure is set when the callee is a closure made in the caller:
	// its receiver-based sites already speak of the caller's receiver.
	closure bool
	// recv is the base of the receiver argument, for a method callee.
	recv baseKind
}

// relocator returns the relocator for a call of callee with args in fn.
func (m *model) relocator(fn *ssa.Function, call ssa.CallInstruction, callee *ssa.Function, args []ssa.Value, ext string) relocator {
	r := relocator{call: call, ext: ext, closure: callee.Parent() != nil}
	if !r.closure && callee.Signature.Recv() != nil && len(args) > 0 {
		r.recv = m.base(fn, args[0], 0)
	}
	return r
}

// site returns the callee's site x as seen from the call: a callee in
// another package is located at the call; a goroutine's site records where
// it was started. A site on a field of the callee's receiver survives only
// when the caller passes a shared receiver (ok is false otherwise).
func (r relocator) site(x Site, spawn bool) (Site, bool) {
	if x.ViaRecv && !r.closure {
		switch r.recv {
		case baseNone:
			return Site{}, false // a per-call struct: not a shared channel
		case baseGlobal:
			x.ViaRecv = false
		}
	}
	if r.ext != "" {
		x = Site{Chan: x.Chan, ViaRecv: x.ViaRecv, Pos: r.call.Pos(), Callee: r.ext}
	}
	if spawn && !x.Go.IsValid() {
		x.Go = r.call.Pos()
	}
	return x, true
}
