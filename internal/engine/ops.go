package engine

import (
	"go/token"
)

// opKind is the kind of an operation on a shared object, the only points
// where threads interleave.
type opKind uint8

const (
	opComm      opKind = iota // send, receive or select: cases
	opClose                   // close(x)
	opLock                    // x.Lock() on a Mutex or RWMutex
	opUnlock                  // x.Unlock()
	opRLock                   // x.RLock()
	opRUnlock                 // x.RUnlock()
	opWgAdd                   // x.Add(val), x.Done()
	opWgWait                  // x.Wait() on a WaitGroup
	opCondWait                // x.Wait() on a Cond
	opSignal                  // x.Signal()
	opBroadcast               // x.Broadcast()
	opCancel                  // a context's cancel func
)

// A selCase is one case of a communication.
type selCase struct {
	send bool
	ch   value
	val  value
}

// commForm says how a communication's result is written back.
type commForm uint8

const (
	formSend   commForm = iota // a send statement: no result
	formRecv                   // <-ch: the value
	formRecvOk                 // v, ok := <-ch: a tuple
	formSelect                 // a select: (index, ok, received values...)
)

// An operation is what a thread waits to do on shared objects. It is
// immutable once made; a change of stage makes a copy.
type operation struct {
	kind     opKind
	pos      token.Pos
	x        value // the primitive (not opComm)
	val      value // opWgAdd: the delta
	cases    []selCase
	blocking bool // opComm: false for a select with default
	form     commForm
	reg      int // register of the top frame receiving the result, or -1
	// stage: opLock on an RWMutex, 1 once the writer is pending; opCondWait,
	// 1 once waiting for a signal and 2 once signalled.
	stage int
	// isRange: the receive of a range loop.
	isRange bool
}

// objs returns the values the operation names.
func (op *operation) objs() []value {
	if op.kind != opComm {
		return []value{op.x, op.val}
	}
	var out []value
	for _, c := range op.cases {
		out = append(out, c.ch, c.val)
	}
	return out
}

// target classifies a value an operation acts on.
type target uint8

const (
	tgtNil target = iota // a nil channel: blocks forever
	tgtObj               // an object of the scope
	tgtEnv               // unknown or escaped: anything may happen to it
)

// targetOf returns how v is known and, for tgtObj, the object's id.
func (s *state) targetOf(v value, want ...okind) (target, int) {
	switch v.k {
	case vNil:
		return tgtNil, -1
	case vRef:
		if v.f >= 0 || v.n < 0 || int(v.n) >= len(s.heap) {
			return tgtEnv, -1
		}
		o := s.heap[v.n]
		if o.escaped {
			return tgtEnv, -1
		}
		for _, k := range want {
			if o.k == k {
				return tgtObj, int(v.n)
			}
		}
	}
	return tgtEnv, -1
}

// A transition is one step of the search: thread t completes its
// operation, with case c of a communication (-1: the default of a select),
// together with thread u's case cu for a hand-off on an unbuffered channel.
type transition struct {
	t, c  int
	u, cu int  // -1 when alone
	env   bool // completed by code the engine does not see
	panic bool // the step panics: the program ends, the branch is dropped
}

// enabled returns the transitions from s.
func (s *state) enabled() []transition {
	var out []transition
	for ti, t := range s.threads {
		if t.status != tAtOp {
			continue
		}
		op := t.op
		switch op.kind {
		case opComm:
			out = s.commTransitions(ti, op, out)
		default:
			out = s.syncTransitions(ti, op, out)
		}
	}
	return out
}

// commTransitions appends thread ti's transitions for a communication.
func (s *state) commTransitions(ti int, op *operation, out []transition) []transition {
	n := len(out)
	internal := false
	for ci, c := range op.cases {
		tg, id := s.targetOf(c.ch, oChan)
		switch tg {
		case tgtNil:
			continue
		case tgtEnv:
			out = append(out, transition{t: ti, c: ci, u: -1, env: true})
			continue
		}
		ch := s.heap[id]
		if c.send {
			switch {
			case ch.closed:
				out = append(out, transition{t: ti, c: ci, u: -1, panic: true})
				internal = true
			case ch.cap > 0 && ch.count < ch.cap:
				out = append(out, transition{t: ti, c: ci, u: -1})
				internal = true
			case ch.cap == 0:
				for ui, u := range s.threads {
					if ui == ti || u.status != tAtOp || u.op.kind != opComm {
						continue
					}
					for cu, uc := range u.op.cases {
						if !uc.send && uc.ch.k == vRef && uc.ch.f < 0 && int(uc.ch.n) == id {
							out = append(out, transition{t: ti, c: ci, u: ui, cu: cu})
							internal = true
						}
					}
				}
			}
			continue
		}
		if ch.count > 0 || ch.closed || ch.always {
			out = append(out, transition{t: ti, c: ci, u: -1})
			internal = true
		}
	}
	if !op.blocking && !internal {
		// A select with default takes it only when no case is ready.
		out = append(out, transition{t: ti, c: -1, u: -1})
	}
	_ = n
	return out
}

// syncTransitions appends thread ti's transitions for an operation on a
// sync primitive, a close or a cancel.
func (s *state) syncTransitions(ti int, op *operation, out []transition) []transition {
	alone := transition{t: ti, c: 0, u: -1}
	switch op.kind {
	case opClose:
		tg, id := s.targetOf(op.x, oChan)
		switch {
		case tg == tgtNil:
			alone.panic = true
		case tg == tgtEnv:
			alone.env = true
		case s.heap[id].closed:
			alone.panic = true
		}
		return append(out, alone)
	case opCancel, opSignal, opBroadcast:
		return append(out, alone)
	case opLock, opUnlock, opRLock, opRUnlock:
		tg, id := s.targetOf(op.x, oMutex, oRWMutex)
		if tg == tgtNil {
			alone.panic = true
			return append(out, alone)
		}
		if tg == tgtEnv {
			alone.env = true
			return append(out, alone)
		}
		m := s.heap[id]
		switch op.kind {
		case opLock:
			if m.k == oMutex && m.count == 0 || m.k == oRWMutex && m.count == 0 && m.cap == 0 {
				return append(out, alone)
			}
			if m.k == oRWMutex && op.stage == 0 {
				return append(out, alone) // announce the pending writer
			}
		case opRLock:
			if m.count == 0 && m.pend == 0 {
				return append(out, alone)
			}
		case opUnlock:
			alone.panic = m.count == 0
			return append(out, alone)
		case opRUnlock:
			alone.panic = m.cap == 0
			return append(out, alone)
		}
		return out
	case opWgAdd:
		tg, id := s.targetOf(op.x, oWaitGroup)
		if tg == tgtNil {
			alone.panic = true
		} else if tg == tgtEnv {
			alone.env = true
		} else if n, ok := s.intOf(op.val); ok && s.heap[id].count+int(n) < 0 {
			alone.panic = true
		}
		return append(out, alone)
	case opWgWait:
		tg, id := s.targetOf(op.x, oWaitGroup)
		if tg == tgtEnv {
			alone.env = true
			return append(out, alone)
		}
		if tg == tgtObj && s.heap[id].count == 0 {
			return append(out, alone)
		}
		return out
	case opCondWait:
		tg, id := s.targetOf(op.x, oCond)
		if tg != tgtObj {
			alone.env = tg == tgtEnv
			alone.panic = tg == tgtNil
			return append(out, alone)
		}
		ltg, lid := s.targetOf(s.heap[id].fields[0], oMutex, oRWMutex)
		if ltg != tgtObj {
			alone.env = true
			return append(out, alone)
		}
		switch op.stage {
		case 0:
			alone.panic = s.heap[lid].count == 0 // Wait without holding L
			return append(out, alone)
		case 2:
			if s.heap[lid].count == 0 && (s.heap[lid].k == oMutex || s.heap[lid].cap == 0) {
				return append(out, alone)
			}
		}
		return out
	}
	return out
}

// intOf returns the integer v holds: a known one, or a symbol whose
// bounds the outcomes chosen so far pin to one value (wg.Add(len(xs))
// after xs was made with two elements).
func (s *state) intOf(v value) (int64, bool) {
	if v.k == vInt {
		return v.n, true
	}
	if v.k != vUnknown || v.key() == "" {
		return 0, false
	}
	if lo, hi := s.bounds(v.key()); lo == hi {
		return lo, true
	}
	return 0, false
}

// isInternal reports whether tr happens within the scope.
func (tr transition) isInternal() bool { return !tr.env }

// apply returns the state after tr, or nil when the branch ends the program.
func (x *search) apply(s *state, tr transition) *state {
	if tr.panic {
		return nil
	}
	s = x.clone(s)
	t := s.threads[tr.t]
	t.work++
	if tr.u >= 0 {
		s.threads[tr.u].work++
	}
	op := t.op
	if tr.env && s.namesEscaped(op, tr.c) {
		s.speculative = true
	}
	if op.kind == opComm {
		x.applyComm(s, tr)
		return s
	}
	done := true
	switch op.kind {
	case opClose:
		if !tr.env {
			_, id := s.targetOf(op.x, oChan)
			s.mut(id).closed = true
		}
	case opCancel:
		x.cancel(s, op.x)
	case opSignal, opBroadcast:
		x.signal(s, op)
	case opLock, opUnlock, opRLock, opRUnlock:
		if !tr.env {
			done = x.applyLock(s, t, op)
		}
	case opWgAdd:
		if !tr.env {
			_, id := s.targetOf(op.x, oWaitGroup)
			if n, ok := s.intOf(op.val); ok {
				s.mut(id).count += int(n)
			} else {
				s.mut(id).escaped = true // an unknown delta: the count is unknown
			}
		}
	case opWgWait:
	case opCondWait:
		if !tr.env {
			done = x.applyCondWait(s, t, op)
		}
	}
	if done {
		t.op, t.status = nil, tRunning
	}
	return s
}

// applyLock performs a lock operation and reports whether it completed
// (a writer that only became pending has not).
func (x *search) applyLock(s *state, t *thread, op *operation) bool {
	_, id := s.targetOf(op.x, oMutex, oRWMutex)
	m := s.mut(id)
	switch op.kind {
	case opLock:
		if m.count == 0 && m.cap == 0 {
			if op.stage == 1 {
				m.pend--
			}
			m.count = 1
			m.heldBy, m.heldAt = t.tid, op.pos
			return true
		}
		op2 := *op
		op2.stage = 1
		t.op = &op2
		m.pend++
		return false
	case opUnlock:
		m.count = 0
		m.heldBy, m.heldAt = 0, token.NoPos
	case opRLock:
		m.cap++
	case opRUnlock:
		m.cap--
	}
	return true
}

// applyCondWait moves a Cond.Wait along: release L and wait, or take L
// again once signalled.
func (x *search) applyCondWait(s *state, t *thread, op *operation) bool {
	_, id := s.targetOf(op.x, oCond)
	_, lid := s.targetOf(s.heap[id].fields[0], oMutex, oRWMutex)
	l := s.mut(lid)
	if op.stage == 0 {
		l.count = 0
		l.heldBy, l.heldAt = 0, token.NoPos
		op2 := *op
		op2.stage = 1
		t.op = &op2
		return false
	}
	l.count = 1
	l.heldBy, l.heldAt = t.tid, op.pos
	return true
}

// signal wakes the waiters of a Cond: all of them for Broadcast, the
// longest waiting for Signal (the runtime's order is FIFO).
func (x *search) signal(s *state, op *operation) {
	tg, id := s.targetOf(op.x, oCond)
	if tg != tgtObj {
		return
	}
	for _, u := range s.threads {
		if u.status != tAtOp || u.op.kind != opCondWait || u.op.stage != 1 {
			continue
		}
		if _, uid := s.targetOf(u.op.x, oCond); uid != id {
			continue
		}
		op2 := *u.op
		op2.stage = 2
		u.op = &op2
		if op.kind == opSignal {
			return
		}
	}
}

// cancel closes the done channel of the context a cancel func belongs to.
func (x *search) cancel(s *state, v value) {
	if v.k != vBuiltin || v.n < 0 || int(v.n) >= len(s.heap) {
		return
	}
	ctx := s.heap[v.n]
	if tg, id := s.targetOf(ctx.fields[0], oChan); tg == tgtObj {
		s.mut(id).closed = true
	}
}

// applyComm completes a communication: a case of thread tr.t, with
// thread tr.u's case for a hand-off.
func (x *search) applyComm(s *state, tr transition) {
	t := s.threads[tr.t]
	op := t.op
	if tr.c < 0 {
		x.finishComm(s, tr.t, -1, value{}, value{})
		return
	}
	c := op.cases[tr.c]
	if c.send {
		switch {
		case tr.env:
			s.escape(c.val)
		case tr.u >= 0:
			x.finishComm(s, tr.u, tr.cu, c.val, boolVal(true))
		default:
			_, id := s.targetOf(c.ch, oChan)
			ch := s.mut(id)
			ch.fields = append(ch.fields, c.val)
			ch.count++
		}
		x.finishComm(s, tr.t, tr.c, value{}, value{})
		return
	}
	var v, ok value
	if tr.env {
		v, ok = s.unknown(), s.unknown()
	} else {
		_, id := s.targetOf(c.ch, oChan)
		ch := s.mut(id)
		switch {
		case ch.count > 0:
			v, ok = ch.fields[0], boolVal(true)
			ch.fields = ch.fields[1:]
			ch.count--
		case ch.closed:
			v, ok = value{k: vNil}, boolVal(false)
		default: // a timer or a context with a deadline
			v, ok = s.unknown(), s.unknown()
		}
	}
	x.finishComm(s, tr.t, tr.c, v, ok)
}

// finishComm writes a communication's result into thread ti's register
// and lets the thread run on.
func (x *search) finishComm(s *state, ti, c int, v, ok value) {
	t := s.threads[ti]
	op := t.op
	t.op, t.status = nil, tRunning
	if op.reg < 0 {
		return
	}
	f := x.top(s, ti)
	switch op.form {
	case formRecv:
		f.regs.set(op.reg, v)
	case formRecvOk:
		f.regs.set(op.reg, tupleVal(v, ok))
	case formSelect:
		elems := []value{intVal(int64(c)), boolVal(false)}
		if c >= 0 && !op.cases[c].send {
			elems[1] = ok
		}
		for i, cs := range op.cases {
			if cs.send {
				continue
			}
			if i == c {
				elems = append(elems, v)
			} else {
				elems = append(elems, value{k: vNil})
			}
		}
		f.regs.set(op.reg, tupleVal(elems...))
	}
}

// namesEscaped reports whether the case c of op (or op itself) acts on an
// escaped object of the scope, rather than on a value never tracked.
func (s *state) namesEscaped(op *operation, c int) bool {
	v := op.x
	if op.kind == opComm {
		if c < 0 || c >= len(op.cases) {
			return false
		}
		v = op.cases[c].ch
	}
	return v.k == vRef && v.n >= 0 && int(v.n) < len(s.heap) && s.heap[v.n].escaped
}
