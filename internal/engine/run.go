package engine

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// outcome is what executing one instruction did to the thread.
type outcome uint8

const (
	next  outcome = iota // go on with the next instruction
	moved                // the thread's position was set (jump, call, return)
	stop                 // the thread stopped: at an operation, done or havoc
	prune                // the program ends here (panic, os.Exit): drop the branch
	fork                 // a branch on an unknown condition: see forkKey
)

// runThread runs thread ti of s, which it may modify, to its next
// operation on shared objects, its end or a bound, and passes each
// resulting state to emit as soon as it is reached: several when it
// branched on unknown conditions, none when every branch ended the
// program. Only the forks not yet followed are kept meanwhile.
func (x *search) runThread(s *state, ti int, emit func(*state)) {
	work := []*state{s}
	for len(work) > 0 {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		for {
			t := s.threads[ti]
			if t.status != tRunning {
				emit(s)
				break
			}
			t.steps++
			x.stats.Steps++
			if x.spent() {
				return // the scope's budget ran out: its search is abandoned
			}
			if t.steps > x.cfg.MaxSteps {
				x.havoc(t, token.NoPos)
				continue
			}
			f := x.top(s, ti)
			b := f.fn.Blocks[f.block]
			if f.pc >= len(b.Instrs) {
				x.havoc(t, token.NoPos) // malformed block
				continue
			}
			instr := b.Instrs[f.pc]
			res, key := x.exec(s, ti, f, instr)
			switch res {
			case next:
				f.pc++
			case prune:
				s = nil
			case fork:
				// Both outcomes of an unknown condition, remembered so that
				// the same condition tested again agrees. Forks count
				// against the state budget.
				x.stats.Forks++
				if x.spent() {
					return
				}
				s.threads[ti].work++
				s2 := x.cloneRunning(s, ti)
				s.memo = s.memo.set(key, true)
				s2.memo = s2.memo.set(key, false)
				work = append(work, s2)
			}
			if s == nil {
				break
			}
		}
	}
}

// havoc gives up on following t: it passed a bound, so it may do anything
// with what it can reach, and no finding may rest on what it does.
func (x *search) havoc(t *thread, pos token.Pos) {
	t.status, t.op, t.endPos = tHavoc, nil, pos
	x.stats.Havoc++
}

// jump moves f to block succ, counting back edges.
func (x *search) jump(t *thread, f *frame, succ *ssa.BasicBlock) {
	from := f.fn.Blocks[f.block]
	if succ.Dominates(from) {
		h := succ.Index
		if f.quietAt[h] == t.work && f.quiet[h] < 255 {
			// Nothing forked or completed since the last back edge here.
			f.quiet[h]++
			if int(f.quiet[h]) > x.cfg.QuietLoopBound {
				x.havoc(t, succ.Instrs[0].Pos())
				return
			}
			f.prev, f.block, f.pc = f.block, h, 0
			return
		}
		f.quietAt[h] = t.work
		f.loops[h]++
		if int(f.loops[h]) > x.cfg.LoopBound {
			x.havoc(t, succ.Instrs[0].Pos())
			return
		}
	}
	f.prev, f.block, f.pc = f.block, succ.Index, 0
}

// setReg sets the register of v in f.
func setReg(f *frame, v ssa.Value, val value) {
	if i, ok := f.info.idx[v]; ok {
		f.regs.set(i, val)
	}
}

// exec executes one instruction of thread ti, in its top frame f.
func (x *search) exec(s *state, ti int, f *frame, instr ssa.Instruction) (outcome, string) {
	t := s.threads[ti]
	switch in := instr.(type) {
	case *ssa.DebugRef:
	case *ssa.Alloc:
		typ := in.Type().(*types.Pointer).Elem()
		setReg(f, in, ref(s.alloc(typ, in.Pos(), 0)))
	case *ssa.Phi:
		from := f.fn.Blocks[f.prev]
		for i, p := range in.Block().Preds {
			if p == from && i < len(in.Edges) {
				setReg(f, in, s.eval(f, in.Edges[i]))
				return next, ""
			}
		}
		setReg(f, in, s.unknown())
	case *ssa.Jump:
		x.jump(t, f, in.Block().Succs[0])
		return moved, ""
	case *ssa.If:
		return x.branch(s, t, f, in)
	case *ssa.BinOp:
		a, b := s.eval(f, in.X), s.eval(f, in.Y)
		if v, ok := assumeNonNil(in, a, b); ok {
			setReg(f, in, v)
			return next, ""
		}
		setReg(f, in, s.binop(in.Op, a, b))
	case *ssa.UnOp:
		return x.unop(s, ti, f, in)
	case *ssa.FieldAddr:
		if isCondL(in) {
			setReg(f, in, s.condL(s.eval(f, in.X)))
			return next, ""
		}
		setReg(f, in, s.fieldAddr(s.eval(f, in.X), in.Field))
	case *ssa.Field:
		v := s.eval(f, in.X)
		setReg(f, in, s.load(s.fieldAddr(v, in.Field)))
	case *ssa.Store:
		s.store(s.eval(f, in.Addr), s.eval(f, in.Val))
	case *ssa.MakeChan:
		x.makeChan(s, f, in)
	case *ssa.MakeClosure:
		var binds []value
		for _, b := range in.Bindings {
			binds = append(binds, s.eval(f, b))
		}
		setReg(f, in, funcVal(in.Fn.(*ssa.Function), binds))
	case *ssa.MakeInterface:
		v := s.eval(f, in.X)
		if v.k == vRef {
			v = v.withTyp(in.X.Type())
		}
		setReg(f, in, v)
	case *ssa.ChangeType, *ssa.ChangeInterface:
		setReg(f, in.(ssa.Value), s.eval(f, *instr.Operands(nil)[0]))
	case *ssa.Convert:
		v := s.eval(f, in.X)
		if v.k != vInt || !isInteger(in.Type()) {
			v = s.unknown()
		}
		setReg(f, in, v)
	case *ssa.TypeAssert:
		v := s.eval(f, in.X)
		if in.CommaOk {
			v = tupleVal(v, s.unknown())
		}
		setReg(f, in, v)
	case *ssa.Extract:
		v := s.eval(f, in.Tuple)
		if v.k == vTuple && in.Index < len(v.elems()) {
			setReg(f, in, v.elems()[in.Index])
		} else {
			setReg(f, in, s.unknown())
		}
	case *ssa.MakeMap:
		// A map made here is empty until something is stored in it: a
		// lookup before that finds nothing (a fresh cache has no entry).
		setReg(f, in, ref(s.newObject(&object{k: oMap, made: in.Pos()})))
	case *ssa.MapUpdate:
		if v := s.eval(f, in.Map); s.mapObject(v) != nil {
			s.mapStore(int(v.n), s.eval(f, in.Key), s.eval(f, in.Value))
			break
		}
		for _, op := range instr.Operands(nil) {
			if *op != nil {
				s.escape(s.eval(f, *op))
			}
		}
	case *ssa.IndexAddr:
		// An element of a tracked array (or of a slice of all of it) at a
		// known index.
		if a := s.eval(f, in.X); s.isArray(a) {
			if p := s.elemAddr(a, s.eval(f, in.Index)); p.k == vRef {
				setReg(f, in, p)
				return next, ""
			}
		}
		// An unknown index, or memory not tracked: any element may come
		// out, so what went in escapes.
		for _, op := range instr.Operands(nil) {
			if *op != nil {
				s.escape(s.eval(f, *op))
			}
		}
		setReg(f, in, s.unknown())
	case *ssa.Index:
		// Elements of other slices, arrays and maps are not tracked: what
		// goes in escapes, what comes out is unknown.
		for _, op := range instr.Operands(nil) {
			if *op != nil {
				s.escape(s.eval(f, *op))
			}
		}
		if v, ok := instr.(ssa.Value); ok {
			setReg(f, v, s.unknown())
		}
	case *ssa.MakeSlice:
		// The elements are not tracked, but a known length is: loops over
		// the slice and len of it agree with it (a range over make([]T, 5)
		// runs five times, never zero).
		v := s.unknown()
		if n := s.eval(f, in.Len); n.k == vInt {
			s.knownLen(v, n.n)
		}
		setReg(f, in, v)
	case *ssa.Slice:
		// go/ssa makes make([]T, 5) a slice of a new array: its length is
		// known as above. A slice of all of a tracked array is that array.
		if a := s.eval(f, in.X); s.isArray(a) && in.Low == nil && in.High == nil && in.Max == nil {
			setReg(f, in, a)
			break
		}
		s.escape(s.eval(f, in.X))
		v := s.unknown()
		if n, ok := s.sliceLen(f, in); ok {
			s.knownLen(v, n)
		}
		setReg(f, in, v)
	case *ssa.Next:
		setReg(f, in, tupleVal(s.unknown(), s.unknown(), s.unknown()))
	case *ssa.Range:
		// The entries of a map ranged over come out unknown: what they
		// hold escapes, and the map's keys are no longer known.
		if v := s.eval(f, in.X); s.mapObject(v) != nil {
			s.forgetEntries(int(v.n))
		}
		setReg(f, in, s.unknown())
	case *ssa.Lookup:
		v, found, known := s.mapLookup(s.eval(f, in.X), s.eval(f, in.Index))
		if found {
			if in.CommaOk {
				setReg(f, in, tupleVal(v, boolVal(true)))
			} else {
				setReg(f, in, v)
			}
			return next, ""
		}
		if known {
			if in.CommaOk {
				setReg(f, in, tupleVal(s.unknown(), boolVal(false)))
			} else {
				v := zeroOf(in.Type())
				switch in.Type().Underlying().(type) {
				case *types.Struct, *types.Array:
					v = s.unknown() // a composite zero value is not modelled
				}
				setReg(f, in, v)
			}
			return next, ""
		}
		if in.CommaOk {
			setReg(f, in, tupleVal(s.unknown(), s.unknown()))
		} else {
			setReg(f, in, s.unknown())
		}
	case *ssa.Send:
		t.op = &operation{kind: opComm, pos: in.Pos(), blocking: true, reg: -1, form: formSend,
			cases: []selCase{{send: true, ch: s.eval(f, in.Chan), val: s.eval(f, in.X)}}}
		t.status = tAtOp
		f.pc++
		return stop, ""
	case *ssa.Select:
		op := &operation{kind: opComm, pos: in.Pos(), blocking: in.Blocking, reg: f.info.idx[in], form: formSelect}
		for _, st := range in.States {
			c := selCase{send: st.Dir == types.SendOnly, ch: s.eval(f, st.Chan)}
			if c.send {
				c.val = s.eval(f, st.Send)
			}
			op.cases = append(op.cases, c)
		}
		t.op, t.status = op, tAtOp
		f.pc++
		return stop, ""
	case *ssa.Go:
		x.spawn(s, f, in)
	case *ssa.Defer:
		f.defers = append(f.defers, x.deferOf(s, f, &in.Call, in.Pos()))
	case *ssa.RunDefers:
		if n := len(f.defers); n > 0 {
			d := f.defers[n-1]
			f.defers = f.defers[:n-1]
			return x.callValue(s, ti, d.callee, d.method, d.args, -1, d.pos, false)
		}
	case *ssa.Return:
		return x.ret(s, ti, f, in)
	case *ssa.Panic:
		return prune, ""
	case *ssa.Call:
		return x.call(s, ti, f, in)
	default:
		if v, ok := instr.(ssa.Value); ok {
			setReg(f, v, s.unknown())
		}
	}
	return next, ""
}

// isCondL reports whether in takes the address of the L field of a
// sync.Cond.
func isCondL(in *ssa.FieldAddr) bool {
	ptr, ok := in.X.Type().Underlying().(*types.Pointer)
	if !ok {
		return false
	}
	if k, ok := syncKind(ptr.Elem()); !ok || k != oCond {
		return false
	}
	st, ok := ptr.Elem().Underlying().(*types.Struct)
	return ok && in.Field < st.NumFields() && st.Field(in.Field).Name() == "L"
}

// condL returns the address of the L field of the Cond p points to, the
// Cond object's field 0, so that cond.L.Lock() locks the Cond's lock.
func (s *state) condL(p value) value {
	if p.k != vRef || p.f >= 0 || p.n < 0 || int(p.n) >= len(s.heap) || s.heap[p.n].k != oCond || len(s.heap[p.n].fields) != 1 {
		return s.unknown()
	}
	return value{k: vRef, n: p.n, f: 0}
}

// isInteger reports whether t is an integer type.
func isInteger(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// branch executes an If: a known condition picks its successor, an unknown
// one takes the outcome remembered for it or forks.
func (x *search) branch(s *state, t *thread, f *frame, in *ssa.If) (outcome, string) {
	c := s.eval(f, in.Cond)
	succ := in.Block().Succs
	if c.k == vBool {
		if c.n != 0 {
			x.jump(t, f, succ[0])
		} else {
			x.jump(t, f, succ[1])
		}
		return moved, ""
	}
	key := condKey(c)
	if key == "?" {
		key = "s" // never happens for booleans; keeps the fork well-formed
	}
	base, neg := key, false
	if len(base) > 0 && base[0] == '!' {
		base, neg = base[1:], true
	}
	if v, ok := s.memo.get(base); ok {
		if v != neg {
			x.jump(t, f, succ[0])
		} else {
			x.jump(t, f, succ[1])
		}
		return moved, ""
	}
	return fork, base
}

// unop executes a unary operation; a receive stops the thread.
func (x *search) unop(s *state, ti int, f *frame, in *ssa.UnOp) (outcome, string) {
	v := s.eval(f, in.X)
	switch in.Op {
	case token.ARROW:
		t := s.threads[ti]
		op := &operation{kind: opComm, pos: in.Pos(), blocking: true, reg: f.info.idx[in], form: formRecv,
			cases: []selCase{{ch: v}}}
		if in.CommaOk {
			op.form = formRecvOk
			op.isRange = isRangeRecv(in)
		}
		t.op, t.status = op, tAtOp
		f.pc++
		return stop, ""
	case token.MUL:
		setReg(f, in, s.load(v))
	case token.NOT:
		switch v.k {
		case vBool:
			setReg(f, in, boolVal(v.n == 0))
		case vUnknown:
			setReg(f, in, keyVal(not(condKey(v))))
		default:
			setReg(f, in, s.unknown())
		}
	case token.SUB:
		if v.k == vInt {
			setReg(f, in, intVal(-v.n))
		} else {
			setReg(f, in, s.unknown())
		}
	default:
		setReg(f, in, s.unknown())
	}
	return next, ""
}

// isRangeRecv reports whether a comma-ok receive is a range loop's: go/ssa
// puts it at the head of a block it names rangechan.loop.
func isRangeRecv(in *ssa.UnOp) bool { return in.Block().Comment == "rangechan.loop" }

// makeChan makes a channel object.
func (x *search) makeChan(s *state, f *frame, in *ssa.MakeChan) {
	size := s.eval(f, in.Size)
	o := &object{k: oChan, made: in.Pos()}
	if size.k == vInt && size.n >= 0 && size.n <= 1<<20 {
		o.cap = int(size.n)
	} else {
		o.escaped = true // unknown capacity: we cannot tell when it blocks
	}
	setReg(f, in, ref(s.newObject(o)))
}

// ret returns from the top frame: deferred calls first, then the results
// go to the caller; a goroutine whose last frame returns is done, and what
// the scope's own function returns escapes to its caller.
func (x *search) ret(s *state, ti int, f *frame, in *ssa.Return) (outcome, string) {
	t := s.threads[ti]
	if n := len(f.defers); n > 0 {
		d := f.defers[n-1]
		f.defers = f.defers[:n-1]
		return x.callValue(s, ti, d.callee, d.method, d.args, -1, d.pos, false)
	}
	var res value
	switch len(in.Results) {
	case 0:
	case 1:
		res = s.eval(f, in.Results[0])
	default:
		elems := make([]value, len(in.Results))
		for i, r := range in.Results {
			elems[i] = s.eval(f, r)
		}
		res = tupleVal(elems...)
	}
	t.frames = t.frames[:len(t.frames)-1]
	if len(t.frames) == 0 {
		if t.root {
			s.escape(res)
		}
		t.status, t.endPos = tDone, in.Pos()
		if t.endPos == token.NoPos {
			t.endPos = closingBrace(f.fn)
		}
		return stop, ""
	}
	caller := x.top(s, ti)
	if f.result >= 0 {
		caller.regs.set(f.result, res)
	}
	if !f.deferred {
		caller.pc++
	}
	return moved, ""
}

// closingBrace returns the position of the closing brace of fn's body, where
// a function without a return statement returns.
func closingBrace(fn *ssa.Function) token.Pos {
	switch n := fn.Syntax().(type) {
	case *ast.FuncDecl:
		if n.Body != nil {
			return n.Body.Rbrace
		}
	case *ast.FuncLit:
		return n.Body.Rbrace
	}
	return fn.Pos()
}

// assumeNonNil decides a comparison of an unknown pointer, channel, map or
// function with nil: it is taken as not nil. Such tests are mostly
// defensive, and the branch where a value from outside is nil (a nil
// channel that blocks, a call that panics) is where a model invents bugs;
// following only the other branch loses executions, never invents one.
// Interfaces (errors) are not decided: both outcomes are real.
func assumeNonNil(in *ssa.BinOp, a, b value) (value, bool) {
	if in.Op != token.EQL && in.Op != token.NEQ {
		return value{}, false
	}
	if !(a.k == vNil && b.k == vUnknown || b.k == vNil && a.k == vUnknown) {
		return value{}, false
	}
	switch in.X.Type().Underlying().(type) {
	case *types.Pointer, *types.Chan, *types.Map, *types.Signature:
		return boolVal(in.Op == token.NEQ), true
	}
	return value{}, false
}

// knownLen records that the slice v has n elements, as the outcome of the
// comparison len(v) == n, which decideByBounds consults.
func (s *state) knownLen(v value, n int64) {
	s.memo = s.memo.set("("+condKey(intVal(n))+"==len("+condKey(v)+"))", true)
}

// sliceLen returns the length of the slice in makes when its bounds are
// known: x[lo:hi] with known lo and hi, or x[lo:] of an array pointer.
func (s *state) sliceLen(f *frame, in *ssa.Slice) (int64, bool) {
	lo := int64(0)
	if in.Low != nil {
		v := s.eval(f, in.Low)
		if v.k != vInt {
			return 0, false
		}
		lo = v.n
	}
	if in.High != nil {
		v := s.eval(f, in.High)
		if v.k != vInt || v.n < lo {
			return 0, false
		}
		return v.n - lo, true
	}
	if p, ok := in.X.Type().Underlying().(*types.Pointer); ok {
		if a, ok := p.Elem().Underlying().(*types.Array); ok && a.Len() >= lo {
			return a.Len() - lo, true
		}
	}
	return 0, false
}

// A map object made in the scope keeps its entries while every key
// stored is a constant: fields holds key, value pairs, count is 1 once
// something was stored, and pend is 1 once a key that is not a constant
// was, after which its entries are unknown and what they hold escaped.

// constKey returns the canonical form of a constant map key.
func constKey(k value) (string, bool) {
	switch {
	case k.k == vInt, k.k == vBool:
		return condKey(k), true
	case k.k == vUnknown && strings.HasPrefix(k.key(), "c"):
		return k.key(), true
	}
	return "", false
}

// mapStore stores v under key k in map object id.
func (s *state) mapStore(id int, k, v value) {
	m := s.mut(id) // through mut: states share objects
	m.count = 1
	ck, ok := constKey(k)
	if !ok || m.pend != 0 {
		s.forgetEntries(id)
		s.escape(k)
		s.escape(v)
		return
	}
	for i := 0; i+1 < len(m.fields); i += 2 {
		if kk, _ := constKey(m.fields[i]); kk == ck {
			m.fields[i+1] = v
			return
		}
	}
	m.fields = append(m.fields, k, v)
}

// mapDelete deletes key k from map object id.
func (s *state) mapDelete(id int, k value) {
	ck, ok := constKey(k)
	if !ok || s.heap[id].pend != 0 {
		s.forgetEntries(id)
		return
	}
	m := s.mut(id)
	for i := 0; i+1 < len(m.fields); i += 2 {
		if kk, _ := constKey(m.fields[i]); kk == ck {
			m.fields = append(m.fields[:i:i], m.fields[i+2:]...)
			return
		}
	}
}

// forgetEntries gives up the entries of map object id: what they hold
// escapes and its keys are unknown from now on.
func (s *state) forgetEntries(id int) {
	if o := s.heap[id]; o.pend != 0 && len(o.fields) == 0 {
		return
	}
	for _, v := range s.heap[id].fields {
		s.escape(v)
	}
	m := s.mut(id)
	m.pend, m.fields = 1, nil
}

// mapLookup looks k up in map m: known when m is a map object of the
// scope that is empty, or whose keys are known and k is a constant; then
// found says whether it has k, and v is its value. A lookup with a key
// that is not a constant gives the entries up: what comes out is unknown,
// so what went in escapes.
func (s *state) mapLookup(m, k value) (v value, found, known bool) {
	o := s.mapObject(m)
	if o == nil {
		return value{}, false, false
	}
	if o.count == 0 {
		return value{}, false, true
	}
	ck, ok := constKey(k)
	if !ok || o.pend != 0 {
		s.forgetEntries(int(m.n))
		return value{}, false, false
	}
	for i := 0; i+1 < len(o.fields); i += 2 {
		if kk, _ := constKey(o.fields[i]); kk == ck {
			return o.fields[i+1], true, true
		}
	}
	return value{}, false, true
}

// mapObject returns the map object v refers to, when it is one made in
// the scope that no code the engine does not see can hold.
func (s *state) mapObject(v value) *object {
	if v.k != vRef || v.f >= 0 || v.n < 0 || int(v.n) >= len(s.heap) {
		return nil
	}
	if o := s.heap[v.n]; o.k == oMap && !o.escaped {
		return o
	}
	return nil
}
