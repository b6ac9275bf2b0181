package chanmodel

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/lint"
)

// A Blocked explains why a goroutine can never finish given what its
// spawner (or the package) does with the channels it receives from.
type Blocked struct {
	Stuck
	// Fate is the fate of the channel that decided it.
	Fate Fate
	// Chan is that channel's receive, range or select case in the body.
	Chan token.Pos
	// Made is where a local channel is made; NoPos for a package-level one.
	Made token.Pos
	// Partial is set when the spawner closes (or, for FateSilent, closes or
	// sends on) the channel on some paths but not all: Return is then a
	// return that leaves it open, NoPos if implicit.
	Partial bool
	Return  token.Pos
	// Closed is set when something closes the channel on some path.
	Closed bool
}

// A chanFate is the fate of one channel, with where it comes from.
type chanFate struct {
	fate    Fate
	made    token.Pos
	partial bool
	ret     token.Pos
	closed  bool
}

// SpawnBlocked returns why the goroutine sp, started by fn, can never
// finish because of a channel it receives from: a local channel of fn, or
// an unexported package-level one, that nothing closes (or sends on), on
// every path or on a path from the start to a return of fn. It returns nil
// when the goroutine may finish or the model cannot tell.
func (r *Result) SpawnBlocked(fn *ssa.Function, sp Spawn) *Blocked {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out *Blocked
	lint.Guard(Name, r.m.pass.Pkg.Path(), fn, func() { out = r.m.spawnBlocked(fn, sp) })
	return out
}

// spawnBlocked computes SpawnBlocked.
func (m *model) spawnBlocked(fn *ssa.Function, sp Spawn) *Blocked {
	body := sp.Body
	if body == nil || body.Synthetic != "" {
		return nil // dynamic, or a wrapper whose channels come from fields
	}
	if o := body.Origin(); o != nil {
		body = o
	}
	var bindings, args []ssa.Value
	switch i := sp.Instr.(type) {
	case *ssa.Go:
		if mc, ok := i.Call.Value.(*ssa.MakeClosure); ok {
			bindings = mc.Bindings
		} else {
			args = i.Call.Args
		}
	case *ssa.Call:
		if mc, ok := i.Call.Args[1].(*ssa.MakeClosure); ok {
			bindings = mc.Bindings
		}
	}
	known := map[ssa.Value]chanFate{}
	var order []ssa.Value // known's keys in the order asked: deterministic
	fate := func(v ssa.Value) Fate {
		if f, ok := known[v]; ok {
			return f.fate
		}
		f := m.bodyChanFate(fn, sp, body, stripChange(v), bindings, args)
		known[v] = f
		order = append(order, v)
		return f.fate
	}
	st := m.stuck(body, fate)
	if st == nil || len(st.Fated) == 0 {
		return nil // it may finish, or it is stuck whatever the channels do
	}
	b := &Blocked{Stuck: *st}
	for _, v := range order {
		f := known[v]
		if f.fate == FateUnknown || !usedAt(v, st.Fated) {
			continue // not the channel that decided it
		}
		if f.fate > b.Fate {
			b.Fate, b.Made, b.Partial, b.Return, b.Closed = f.fate, f.made, f.partial, f.ret, f.closed
		}
	}
	if b.Fate == FateUnknown {
		return nil // should not happen: a fated receive has a known channel
	}
	b.Chan = st.Fated[0]
	return b
}

// usedAt reports whether the channel v is received from at one of the
// positions: the fated operations.
func usedAt(v ssa.Value, pos []token.Pos) bool {
	refs := v.Referrers()
	if refs == nil {
		return false
	}
	for _, r := range *refs {
		for _, p := range pos {
			if instrPos(r) == p {
				return true
			}
			if sel, ok := r.(*ssa.Select); ok {
				for _, st := range sel.States {
					if st.Chan == v && st.Pos == p {
						return true
					}
				}
			}
		}
	}
	return false
}

// stripChange returns v without direction conversions.
func stripChange(v ssa.Value) ssa.Value {
	for {
		c, ok := v.(*ssa.ChangeType)
		if !ok {
			return v
		}
		v = c.X
	}
}

// bodyChanFate returns the fate of the channel v of the goroutine body,
// traced back to the spawner fn through the closure's bindings or the go
// call's arguments, or to a package-level variable.
func (m *model) bodyChanFate(fn *ssa.Function, sp Spawn, body *ssa.Function, v ssa.Value, bindings, args []ssa.Value) chanFate {
	switch v := v.(type) {
	case *ssa.UnOp:
		if v.Op != token.MUL {
			return chanFate{} // not a load
		}
		switch x := v.X.(type) {
		case *ssa.Global:
			return chanFate{fate: m.globalFate(x)}
		case *ssa.FreeVar:
			return m.bindingFate(fn, sp, body, x, bindings)
		case *ssa.FieldAddr:
			return chanFate{fate: m.fieldFate(x.X.Type(), x.Field)}
		}
	case *ssa.Field:
		return chanFate{fate: m.fieldFate(v.X.Type(), v.Field)}
	case *ssa.FreeVar:
		return m.bindingFate(fn, sp, body, v, bindings)
	case *ssa.Parameter:
		for i, p := range body.Params {
			if p == v && i < len(args) {
				return m.spawnerChanFate(fn, sp, args[i])
			}
		}
	}
	return chanFate{}
}

// bindingFate returns the fate of the channel the closure body captures
// as fv, from the spawner's binding.
func (m *model) bindingFate(fn *ssa.Function, sp Spawn, body *ssa.Function, fv *ssa.FreeVar, bindings []ssa.Value) chanFate {
	for j, f := range body.FreeVars {
		if f == fv && j < len(bindings) {
			return m.spawnerChanFate(fn, sp, bindings[j])
		}
	}
	return chanFate{}
}

// spawnerChanFate returns the fate of the channel v of the spawner fn: a
// channel fn makes (or a variable holding one), or a package-level one.
func (m *model) spawnerChanFate(fn *ssa.Function, sp Spawn, v ssa.Value) chanFate {
	v = stripChange(v)
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		switch x := u.X.(type) {
		case *ssa.Global:
			return chanFate{fate: m.globalFate(x)}
		case *ssa.FieldAddr:
			return chanFate{fate: m.fieldFate(x.X.Type(), x.Field)}
		}
		v = u.X // a load of a local variable
	}
	switch v := v.(type) {
	case *ssa.MakeChan:
		return m.localFate(fn, sp, v)
	case *ssa.Alloc:
		if mc := onlyStoredChan(v); mc != nil {
			return m.localFate(fn, sp, mc)
		}
	}
	return chanFate{}
}

// onlyStoredChan returns the channel made by make and stored in the local
// variable a, if that is the only value ever stored in it.
func onlyStoredChan(a *ssa.Alloc) *ssa.MakeChan {
	refs := a.Referrers()
	if refs == nil {
		return nil
	}
	var mc *ssa.MakeChan
	for _, r := range *refs {
		st, ok := r.(*ssa.Store)
		if !ok || st.Addr != a {
			continue // loads and captures
		}
		m, ok := stripChange(st.Val).(*ssa.MakeChan)
		if !ok || mc != nil {
			return nil // another value, or reassigned
		}
		mc = m
	}
	return mc
}

// localFate decides the fate of mc, made in fn, for the goroutine sp that
// receives from it: whether some path from the start to a return of fn
// neither closes it (FateOpen) nor sends on it (FateSilent).
func (m *model) localFate(fn *ssa.Function, sp Spawn, mc *ssa.MakeChan) chanFate {
	var closers, wakers []ssa.Instruction
	for _, e := range m.uses(fn, mc, false) {
		if e.instr == sp.Instr {
			if e.kind == evGoRecv {
				continue // the goroutine itself receives
			}
			return chanFate{} // it sends on or closes its own channel, or lets it escape
		}
		switch e.kind {
		case evEscape:
			return chanFate{} // beyond the model
		case evRecv, evCaseRecv, evRecvOk:
			continue // the spawner receives too: no help to the goroutine
		case evClose, evGoClose:
			closers = append(closers, e.instr)
		}
		if _, ok := e.instr.(*ssa.Defer); ok {
			return chanFate{} // a deferred close or send runs on every return after it
		}
		if !after(sp.Instr, mc, e.instr) {
			return chanFate{} // it may happen before the goroutine starts: beyond the model
		}
		wakers = append(wakers, e.instr)
	}
	if ret, ok := m.openPath(sp.Instr, mc, wakers); ok {
		return chanFate{fate: FateSilent, made: mc.Pos(), partial: len(wakers) > 0, ret: ret, closed: len(closers) > 0}
	}
	if ret, ok := m.openPath(sp.Instr, mc, closers); ok {
		return chanFate{fate: FateOpen, made: mc.Pos(), partial: len(closers) > 0, ret: ret, closed: len(closers) > 0}
	}
	return chanFate{}
}

// after reports whether instr can run after start on the same channel,
// the one made by made: later in start's block, or in a block reached from
// it without making the channel anew. A loop that remakes the channel each
// iteration reaches last iteration's instructions only on a fresh channel
// (fixture noexit/negative, Remade).
func after(start, made, instr ssa.Instruction) bool {
	sb, ib, mb := start.Block(), instr.Block(), made.Block()
	if sb == ib && indexIn(sb, instr) > indexIn(sb, start) {
		return true
	}
	if sb == mb && indexIn(sb, made) > indexIn(sb, start) {
		return false // the rest of the block works on a fresh channel
	}
	seen := map[*ssa.BasicBlock]bool{}
	work := append([]*ssa.BasicBlock(nil), sb.Succs...)
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[b] {
			continue
		}
		seen[b] = true
		if b == mb {
			// Only what precedes the make still sees start's channel.
			if b == ib && indexIn(b, instr) < indexIn(b, made) {
				return true
			}
			continue
		}
		if b == ib {
			return true
		}
		work = append(work, b.Succs...)
	}
	return false
}

// indexIn returns instr's index in b.
func indexIn(b *ssa.BasicBlock, instr ssa.Instruction) int {
	for i, x := range b.Instrs {
		if x == instr {
			return i
		}
	}
	return -1
}

// openPath looks for a path from start to a return of its function that
// runs none of avoid, and returns that return's position. made is the
// channel's make: an avoided instruction inside a loop that does not
// remake the channel may have run on an earlier iteration, which a path
// search cannot tell apart, so no path may enter that loop (fixture
// noexit/failing).
func (m *model) openPath(start, made ssa.Instruction, avoid []ssa.Instruction) (token.Pos, bool) {
	blocked := m.loopBlocked(start.Parent(), made, avoid)
	for _, a := range avoid {
		blocked[a.Block()] = true
	}
	sb := start.Block()
	if blocked[sb] {
		return token.NoPos, false // the start lies in such a loop (or runs one of avoid after it): unknown
	}
	// The rest of the start block first.
	for _, instr := range sb.Instrs[indexIn(sb, start)+1:] {
		if containsInstr(avoid, instr) || m.endsPath(instr) {
			return token.NoPos, false
		}
		if r, ok := instr.(*ssa.Return); ok {
			return returnPos(r), true
		}
	}
	seen := map[*ssa.BasicBlock]bool{}
	work := append([]*ssa.BasicBlock(nil), sb.Succs...)
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[b] || blocked[b] {
			continue // visited, or it closes or sends
		}
		seen[b] = true
		ends := false
		for _, instr := range b.Instrs {
			ends = ends || m.endsPath(instr)
		}
		if ends {
			continue // the process or goroutine ends, or it never returns
		}
		if r, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok {
			return returnPos(r), true
		}
		work = append(work, b.Succs...)
	}
	return token.NoPos, false
}

// loopBlocked returns the blocks of the loops that contain one of avoid
// but not made: a path through them may have run it on an earlier
// iteration. A cycle that is no natural loop (goto) counts as a loop.
func (m *model) loopBlocked(fn *ssa.Function, made ssa.Instruction, avoid []ssa.Instruction) map[*ssa.BasicBlock]bool {
	blocked := map[*ssa.BasicBlock]bool{}
	g := m.cfgOf(fn)
	mb := made.Block().Index
	for _, a := range avoid {
		b := a.Block().Index
		if !g.cyclic[b] {
			continue // runs at most once
		}
		natural := false
		for _, in := range g.loops {
			if !in[b] {
				continue // another loop
			}
			natural = true
			if in[mb] {
				continue // each iteration makes a fresh channel
			}
			for i, member := range in {
				if member {
					blocked[fn.Blocks[i]] = true
				}
			}
		}
		if !natural && g.comp[b] != g.comp[mb] {
			for _, i := range g.comps[g.comp[b]] {
				blocked[fn.Blocks[i]] = true
			}
		}
	}
	return blocked
}

// returnPos returns the position of ret for a report: for the implicit
// return at the end of a function, its closing brace.
func returnPos(ret *ssa.Return) token.Pos {
	if ret.Pos().IsValid() {
		return ret.Pos()
	}
	switch syn := ret.Parent().Syntax().(type) {
	case *ast.FuncDecl:
		if syn.Body != nil {
			return syn.Body.Rbrace
		}
	case *ast.FuncLit:
		return syn.Body.Rbrace
	}
	return token.NoPos
}

// endsPath reports whether instr ends the path: an exit call or a call of
// a function that never returns.
func (m *model) endsPath(instr ssa.Instruction) bool {
	call, ok := instr.(*ssa.Call)
	if !ok {
		return false // not a call
	}
	if isExitCall(&call.Call) {
		return true
	}
	if call.Call.IsInvoke() {
		return false // another interface method: assumed to return
	}
	callee := call.Call.StaticCallee()
	if callee == nil {
		return false // dynamic
	}
	cs, _ := m.summaryOf(callee)
	return cs != nil && cs.NeverReturns
}

// globalFate decides the fate of the package-level channel g: FateOpen if
// no function of the package closes it, FateSilent if none sends on it
// either. It is unknown for an exported variable, one of another package,
// one reassigned outside init, and one whose value or address escapes.
func (m *model) globalFate(g *ssa.Global) Fate {
	if f, ok := m.globals[g]; ok {
		return f
	}
	f := m.computeGlobalFate(g)
	m.globals[g] = f
	return f
}

// computeGlobalFate computes globalFate by scanning every function.
func (m *model) computeGlobalFate(g *ssa.Global) Fate {
	if m.srcFuncs == nil || g.Pkg != m.pkg || g.Object() == nil || g.Object().Exported() || !isChanCell(g.Type()) {
		return FateUnknown // another package's, exported, or not a channel
	}
	closed, woken := false, false
	for _, fn := range m.srcFuncs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				c, w, ok := m.globalUse(fn, g, instr)
				if !ok {
					return FateUnknown
				}
				closed, woken = closed || c, woken || w
			}
		}
	}
	return fateOfUses(closed, woken)
}

// globalUse says whether instr in fn closes g's channel, may send on it,
// and false for ok when it uses g in a way the model cannot follow.
func (m *model) globalUse(fn *ssa.Function, g *ssa.Global, instr ssa.Instruction) (closed, woken, ok bool) {
	var rands [8]*ssa.Value
	uses := false
	for _, r := range instr.Operands(rands[:0]) {
		uses = uses || (r != nil && *r == g)
	}
	if !uses {
		return false, false, true // not about g
	}
	switch i := instr.(type) {
	case *ssa.DebugRef:
		return false, false, true
	case *ssa.Store:
		if i.Addr == g && isInit(fn) {
			return false, false, true // the initialisation
		}
		return false, false, false // reassigned later, or its address stored
	case *ssa.UnOp:
		if i.Op != token.MUL {
			return false, false, false
		}
		for _, e := range m.uses(fn, i, false) {
			switch e.kind {
			case evEscape:
				return false, false, false
			case evRecv, evCaseRecv, evRecvOk:
			case evClose, evGoClose:
				closed = true
			default:
				woken = true // sends, or hands it to a function that may
			}
		}
		return closed, woken, true
	}
	return false, false, false // its address is taken
}

// fieldFate decides the fate of the channels held in field i of the
// struct type t (or pointer to it), over every value of the type: FateOpen
// if no function of the package closes one, FateSilent if none sends on
// one either (a field nothing assigns holds nil, which blocks the same).
// It is unknown for an exported field, a field of another package or of a
// generic type, and when some code of the package assigns it anything but
// a channel it makes, takes its address, or lets its value escape
// (returns it, passes it to code the model cannot follow, sends it).
func (m *model) fieldFate(t types.Type, i int) Fate {
	fld := structField(t, i)
	if fld == nil || m.srcFuncs == nil {
		return FateUnknown // not a field we can name, or a package not scanned
	}
	return m.fieldInfoOf(fld).fate
}

// fieldInfo is what the model knows of an unexported channel field.
type fieldInfo struct {
	fate Fate
	// isNil is set when no code of the package assigns the field or takes
	// its address: every value of the type holds a nil channel.
	isNil bool
}

// fieldInfoOf returns fld's memoised fieldInfo.
func (m *model) fieldInfoOf(fld *types.Var) fieldInfo {
	if f, ok := m.fields[fld]; ok {
		return f
	}
	var f fieldInfo
	if fld.Pkg() == m.pass.Pkg && !fld.Exported() && isChan(fld.Type()) {
		f = fieldInfo{fate: m.computeFieldFate(fld), isNil: m.fieldIsNil(fld)}
	}
	m.fields[fld] = f
	return f
}

// fieldIsNil reports whether no function of the package stores to field
// fld or lets its address go anywhere but a load.
func (m *model) fieldIsNil(fld *types.Var) bool {
	for _, fn := range m.srcFuncs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				fa, ok := instr.(*ssa.FieldAddr)
				if !ok || structField(fa.X.Type(), fa.Field) != fld || fa.Referrers() == nil {
					continue // not the field's address
				}
				for _, r := range *fa.Referrers() {
					switch i := r.(type) {
					case *ssa.DebugRef:
					case *ssa.UnOp:
						if i.Op != token.MUL {
							return false
						}
					default:
						return false // a store, or the address goes somewhere
					}
				}
			}
		}
	}
	return true
}

// structField returns field i of the named, non-generic struct type t (or
// pointer to it), or nil.
func structField(t types.Type, i int) *types.Var {
	if p, ok := types.Unalias(t).Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.TypeParams().Len() > 0 || named.TypeArgs().Len() > 0 {
		return nil // anonymous or generic: fields of instances differ
	}
	st, ok := named.Underlying().(*types.Struct)
	if !ok || i < 0 || i >= st.NumFields() {
		return nil
	}
	return st.Field(i)
}

// computeFieldFate computes fieldFate by scanning every function.
func (m *model) computeFieldFate(fld *types.Var) Fate {
	closed, woken := false, false
	for _, fn := range m.srcFuncs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				var use ssa.Value
				switch i := instr.(type) {
				case *ssa.FieldAddr:
					if structField(i.X.Type(), i.Field) == fld {
						use = i
					}
				case *ssa.Field:
					if structField(i.X.Type(), i.Field) == fld {
						use = i
					}
				}
				if use == nil {
					continue // not about the field
				}
				c, w, ok := m.fieldUse(fn, use)
				if !ok {
					return FateUnknown
				}
				closed, woken = closed || c, woken || w
			}
		}
	}
	return fateOfUses(closed, woken)
}

// fieldUse says whether the use of a field (its address, or its value)
// closes the channel, may send on it, and false for ok when the model
// cannot follow it.
func (m *model) fieldUse(fn *ssa.Function, use ssa.Value) (closed, woken, ok bool) {
	if _, isField := use.(*ssa.Field); isField {
		return m.loadUse(fn, use)
	}
	refs := use.Referrers()
	if refs == nil {
		return false, false, true
	}
	for _, r := range *refs {
		switch i := r.(type) {
		case *ssa.DebugRef:
		case *ssa.Store:
			if i.Addr != use {
				return false, false, false // the field's address is stored
			}
			if _, made := stripChange(i.Val).(*ssa.MakeChan); !made {
				return false, false, false // a channel from elsewhere: the caller's, or nil
			}
		case *ssa.UnOp:
			if i.Op != token.MUL {
				return false, false, false
			}
			c, w, ok := m.loadUse(fn, i)
			if !ok {
				return false, false, false
			}
			closed, woken = closed || c, woken || w
		default:
			return false, false, false // the field's address goes somewhere
		}
	}
	return closed, woken, true
}

// loadUse says what fn does with v, a channel loaded from a field.
func (m *model) loadUse(fn *ssa.Function, v ssa.Value) (closed, woken, ok bool) {
	for _, e := range m.uses(fn, v, false) {
		switch e.kind {
		case evEscape:
			return false, false, false
		case evRecv, evCaseRecv, evRecvOk, evDrain, evGoRecv:
		case evClose, evGoClose:
			closed = true
		default:
			woken = true // sends, or hands it to a function that may
		}
	}
	return closed, woken, true
}

// isInit reports whether fn is a package initializer: the synthesized
// init or a user's init function.
func isInit(fn *ssa.Function) bool {
	return fn.Parent() == nil && fn.Signature.Recv() == nil &&
		(fn.Name() == "init" || strings.HasPrefix(fn.Name(), "init#"))
}

// InDeclaredInit reports whether fn is an init function the user
// declared, or a function literal inside one; not the literals of
// package-level variable initializers, which may run later (a
// sync.OnceFunc's function).
func InDeclaredInit(fn *ssa.Function) bool {
	for fn.Parent() != nil {
		fn = fn.Parent()
	}
	return isInit(fn) && fn.Synthetic == ""
}

// BoundMethod returns the method a bound-method wrapper (the value of
// x.M) calls, or fn itself when it is not such a wrapper.
func (r *Result) BoundMethod(fn *ssa.Function) *ssa.Function {
	if fn == nil || !strings.HasPrefix(fn.Synthetic, "bound method wrapper") {
		return fn
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok {
		return fn
	}
	if sig, ok := obj.Type().(*types.Signature); ok && sig.Recv() != nil {
		if named, ok := types.Unalias(deref(sig.Recv().Type())).(*types.Named); ok && named.TypeParams().Len() > 0 {
			return fn // a method of a generic type: its instance is not at hand
		}
	}
	if m := r.m.pkg.Prog.FuncValue(obj); m != nil {
		return m
	}
	return fn
}

// deref returns the element type of a pointer, or t.
func deref(t types.Type) types.Type {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// fateOfUses is the fate of a channel whose every use in the package is
// known: a close anywhere makes a wait on it end in ways the model does not
// follow (unknown), a send or receive that can wake a waiter leaves it open,
// and neither means nothing can ever complete the wait.
func fateOfUses(closed, woken bool) Fate {
	switch {
	case closed:
		return FateUnknown
	case woken:
		return FateOpen
	}
	return FateSilent
}
