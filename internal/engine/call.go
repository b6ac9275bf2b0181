package engine

import (
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/lint"
)

// call executes a call instruction of thread ti.
func (x *search) call(s *state, ti int, f *frame, in *ssa.Call) (outcome, string) {
	cc := in.Common()
	args := make([]value, len(cc.Args))
	for i, a := range cc.Args {
		args[i] = s.eval(f, a)
	}
	reg := -1
	if i, ok := f.info.idx[in]; ok {
		reg = i
	}
	if v, ok := lenOf(cc, args); ok {
		if reg >= 0 {
			f.regs.set(reg, v)
		}
		return next, ""
	}
	callee := x.calleeOf(s, f, cc)
	return x.callValue(s, ti, callee, cc.Method, args, reg, in.Pos(), true)
}

// lenOf returns the length or capacity of an unknown slice, string or
// array as a symbol of that value, so that two loops over the same slice
// run as many times as each other. A map's length changes under one SSA
// value, so it stays fresh.
func lenOf(cc *ssa.CallCommon, args []value) (value, bool) {
	b, ok := cc.Value.(*ssa.Builtin)
	if !ok || b.Name() != "len" && b.Name() != "cap" || len(args) != 1 || args[0].k != vUnknown {
		return value{}, false
	}
	switch cc.Args[0].Type().Underlying().(type) {
	case *types.Slice, *types.Basic, *types.Array:
		return keyVal(b.Name() + "(" + condKey(args[0]) + ")"), true
	}
	return value{}, false
}

// calleeOf evaluates the function a call or go statement calls; builtins
// become a marker value.
func (x *search) calleeOf(s *state, f *frame, cc *ssa.CallCommon) value {
	if b, ok := cc.Value.(*ssa.Builtin); ok {
		if b.Name() == "append" && len(cc.Args) == 2 && isVarargs(cc.Args[1]) {
			return keyVal("@append+") // appends at least one element
		}
		return keyVal("@" + b.Name())
	}
	return s.eval(f, cc.Value)
}

// isVarargs reports whether v is the slice go/ssa builds for the
// variadic arguments of a call, which holds at least one value.
func isVarargs(v ssa.Value) bool {
	sl, ok := v.(*ssa.Slice)
	if !ok {
		return false
	}
	a, ok := sl.X.(*ssa.Alloc)
	return ok && a.Comment == "varargs"
}

// deferOf evaluates a deferred call at its defer statement.
func (x *search) deferOf(s *state, f *frame, cc *ssa.CallCommon, pos token.Pos) deferred {
	d := deferred{callee: x.calleeOf(s, f, cc), method: cc.Method, pos: pos}
	for _, a := range cc.Args {
		d.args = append(d.args, s.eval(f, a))
	}
	return d
}

// resolve returns the function a call of callee (with method, in invoke
// mode) runs and its arguments, or nil when unknown.
func (x *search) resolve(s *state, callee value, method *types.Func, args []value) (*ssa.Function, []value, []value) {
	if method != nil {
		if callee.k != vRef || callee.typ() == nil {
			return nil, nil, args
		}
		// The dynamic type recorded may lack the method (a value merged
		// from paths that made different interfaces): the callee is then
		// unknown, where LookupMethod would panic.
		typ := callee.typ()
		if types.IsInterface(typ) {
			return nil, nil, args
		}
		sel := x.prog.MethodSets.MethodSet(typ).Lookup(method.Pkg(), method.Name())
		if sel == nil {
			return nil, nil, args
		}
		fn := x.prog.MethodValue(sel)
		if fn == nil {
			return nil, nil, args
		}
		return fn, nil, append([]value{callee}, args...)
	}
	if callee.k == vFunc {
		return callee.fn(), callee.elems(), args
	}
	return nil, nil, args
}

// callValue calls callee with args. advance is false for deferred calls,
// after which the thread stays where it was to run the next one.
func (x *search) callValue(s *state, ti int, callee value, method *types.Func, args []value, reg int, pos token.Pos, advance bool) (outcome, string) {
	t := s.threads[ti]
	f := x.top(s, ti)
	done := func(res value) (outcome, string) {
		if reg >= 0 {
			f.regs.set(reg, res)
		}
		if advance {
			return next, ""
		}
		return moved, ""
	}
	pending := func(op *operation) (outcome, string) {
		op.pos, op.reg = pos, -1
		t.op, t.status = op, tAtOp
		if advance {
			f.pc++
		}
		return stop, ""
	}
	if callee.k == vUnknown && strings.HasPrefix(callee.key(), "@") {
		return x.builtin(s, strings.TrimPrefix(callee.key(), "@"), args, done, pending)
	}
	if callee.k == vBuiltin {
		return pending(&operation{kind: opCancel, x: callee})
	}
	if method != nil && callee.k == vRef && callee.f < 0 && int(callee.n) < len(s.heap) && s.heap[callee.n].k == oContext && !s.heap[callee.n].escaped {
		if method.Name() == "Done" {
			return done(s.heap[callee.n].fields[0])
		}
		return done(s.unknown())
	}
	if method != nil {
		if rw, ok := s.rlockerOf(callee); ok {
			switch method.Name() {
			case "Lock":
				return pending(&operation{kind: opRLock, x: rw})
			case "Unlock":
				return pending(&operation{kind: opRUnlock, x: rw})
			}
		}
	}
	fn, bindings, args := x.resolve(s, callee, method, args)
	if fn == nil && method != nil && noReturn[method.FullName()] {
		return prune, "" // t.Fatal through testing.TB
	}
	if fn == nil {
		// Unknown code: it may keep and use whatever it is given.
		s.escape(callee)
		for _, a := range args {
			s.escape(a)
		}
		return done(s.unknown())
	}
	if isOnceDo(fn) && len(args) == 2 && args[0].k == vRef && args[0].f < 0 && s.heap[args[0].n].k == oStruct && !s.heap[args[0].n].escaped {
		// sync.Once.Do runs f now, the first time only.
		if s.heap[args[0].n].count != 0 {
			return done(value{})
		}
		s.mut(int(args[0].n)).count = 1
		return x.callValue(s, ti, args[1], nil, nil, reg, pos, advance)
	}
	if isWaitGroupGo(fn) && len(args) == 2 {
		x.waitGroupGo(s, fn, args[0], args[1], pos)
		return done(value{})
	}
	if r, handled := x.model(s, fn, args, done, pending); handled {
		return r, ""
	}
	if x.inlinable(t, fn) {
		nf := x.newFrame(fn, bindings, args, reg)
		nf.deferred = !advance
		nf.owner = s.id
		t.frames = append(t.frames, nf)
		return moved, ""
	}
	if x.ends != nil && x.ends(fn) {
		// A function not followed that exits on every path (t.Fatal in a
		// helper of another package, a wrapper of os.Exit): as for os.Exit.
		return prune, ""
	}
	if x.isStd(fn) {
		// The standard library does not keep what it is given, except
		// callbacks and channels.
		for _, a := range append(bindings, args...) {
			if a.k == vFunc || a.k == vBuiltin || x.isChan(s, a) {
				s.escape(a)
			}
		}
	} else {
		for _, a := range append(bindings, args...) {
			s.escape(a)
		}
	}
	return done(s.unknown())
}

// rlockerOf returns the RWMutex of the Locker v, when v is one that
// RWMutex.RLocker returned.
func (s *state) rlockerOf(v value) (value, bool) {
	if v.k != vRef || v.f >= 0 || v.n < 0 || int(v.n) >= len(s.heap) {
		return value{}, false
	}
	if o := s.heap[v.n]; o.k == oRLocker && len(o.fields) == 1 {
		return o.fields[0], true
	}
	return value{}, false
}

// isChan reports whether v refers to a channel object.
func (x *search) isChan(s *state, v value) bool {
	return v.k == vRef && v.f < 0 && v.n >= 0 && int(v.n) < len(s.heap) && s.heap[v.n].k == oChan
}

// inlinable reports whether a call of fn by t is followed: a function of
// the package with a body (or a synthetic wrapper), within the depth bound
// and not recursive.
func (x *search) inlinable(t *thread, fn *ssa.Function) bool {
	if fn.Blocks == nil || len(t.frames) >= x.cfg.MaxDepth {
		return false
	}
	if fn.Pkg != x.pkg && fn.Synthetic == "" {
		return false
	}
	if len(fn.Blocks) > x.cfg.MaxBlocks {
		return false
	}
	for _, f := range t.frames {
		if f.fn == fn {
			return false
		}
	}
	return true
}

// isStd reports whether fn belongs to the standard library: by import
// path and by where its declaration lies (GOPATH-style fixture packages
// have dotless paths too).
func (x *search) isStd(fn *ssa.Function) bool {
	if fn.Pkg == nil || fn.Pkg.Pkg == nil || fn.Pkg == x.pkg {
		return false
	}
	if v, ok := x.std[fn.Pkg]; ok {
		return v
	}
	v := lint.IsStdPackage(fn.Pkg.Pkg.Path(), x.prog.Fset.PositionFor(fn.Pos(), false).Filename)
	x.std[fn.Pkg] = v
	return v
}

// builtin executes a call of a builtin function.
func (x *search) builtin(s *state, name string, args []value, done func(value) (outcome, string), pending func(*operation) (outcome, string)) (outcome, string) {
	switch name {
	case "close":
		if len(args) == 1 {
			return pending(&operation{kind: opClose, x: args[0]})
		}
	case "cap":
		if len(args) == 1 && x.isChan(s, args[0]) && !s.heap[args[0].n].escaped {
			return done(intVal(int64(s.heap[args[0].n].cap)))
		}
	case "len":
		if len(args) == 1 && x.isChan(s, args[0]) && !s.heap[args[0].n].escaped {
			return done(intVal(int64(s.heap[args[0].n].count)))
		}
		if len(args) == 1 && args[0].k == vRef && args[0].f < 0 {
			if o, _ := s.arrayObject(args[0]); o != nil {
				return done(intVal(int64(len(o.fields))))
			}
			if o := s.mapObject(args[0]); o != nil && o.pend == 0 {
				return done(intVal(int64(len(o.fields) / 2))) // its keys are known
			}
		}
	case "append+":
		if r, ok := s.appendArray(args); ok {
			return done(r)
		}
		// The result is not empty: a later len(x) == 0 is false, so that
		// a wait guarded by an empty queue is not taken after a push.
		for _, a := range args {
			s.escape(a)
		}
		r := s.unknown()
		n := "len(" + condKey(r) + ")"
		s.memo = s.memo.set(eqKey(condKey(intVal(0)), n), false).set(lessKey(condKey(intVal(0)), n), true)
		return done(r)
	case "delete":
		if len(args) == 2 && args[0].k == vRef && args[0].f < 0 && s.mapObject(args[0]) != nil {
			s.mapDelete(int(args[0].n), args[1])
			return done(value{})
		}
	case "append", "copy":
		for _, a := range args {
			s.escape(a)
		}
	case "recover":
		return done(value{k: vNil})
	}
	return done(s.unknown())
}

// model executes a call of a standard library function the engine knows,
// and reports whether it did.
func (x *search) model(s *state, fn *ssa.Function, args []value, done func(value) (outcome, string), pending func(*operation) (outcome, string)) (outcome, bool) {
	if !x.isStd(fn) {
		return 0, false
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok {
		return 0, false
	}
	arg := func(i int) value {
		if i < len(args) {
			return args[i]
		}
		return s.unknown()
	}
	name := obj.FullName()
	if noReturn[name] {
		return prune, true
	}
	r := func(o outcome, _ string) (outcome, bool) { return o, true }
	switch name {
	case "errors.New", "fmt.Errorf":
		// A new error is never nil: the caller's err != nil is decided,
		// and the path on which it would be nil, which no run takes, is
		// not explored (it doubled the states of every worker that
		// returns a wrapped error).
		for _, a := range args {
			s.escape(a)
		}
		e := s.unknown()
		s.memo = s.memo.set(eqKey(condKey(value{k: vNil}), condKey(e)), false)
		return r(done(e))
	case "time.Sleep", "runtime.Gosched", "runtime.GC", "(*time.Ticker).Stop", "(*time.Ticker).Reset":
		return r(done(value{}))
	case "(*time.Timer).Stop", "(*time.Timer).Reset":
		return r(done(s.unknown()))
	case "time.After", "time.Tick":
		return r(done(ref(s.newObject(&object{k: oChan, always: true, cap: 1}))))
	case "time.NewTimer", "time.NewTicker":
		res, ok := fn.Signature.Results().At(0).Type().(*types.Pointer)
		if !ok {
			return 0, false
		}
		id := s.alloc(res.Elem(), token.NoPos, 0)
		if st, ok := res.Elem().Underlying().(*types.Struct); ok {
			for i := range st.NumFields() {
				if st.Field(i).Name() == "C" {
					s.mut(id).fields[i] = ref(s.newObject(&object{k: oChan, always: true, cap: 1}))
				}
			}
		}
		return r(done(ref(id)))
	case "context.Background", "context.TODO":
		return r(done(ref(s.newObject(&object{k: oContext, fields: []value{{k: vNil}}}))))
	case "context.WithValue":
		return r(done(arg(0)))
	case "context.WithCancel", "context.WithCancelCause", "context.WithTimeout", "context.WithDeadline",
		"context.WithTimeoutCause", "context.WithDeadlineCause":
		return r(done(x.withCancel(s, arg(0), !strings.HasPrefix(name, "context.WithCancel"))))
	case "(*sync.Mutex).Lock", "(*sync.RWMutex).Lock":
		return r(pending(&operation{kind: opLock, x: arg(0)}))
	case "(*sync.Mutex).Unlock", "(*sync.RWMutex).Unlock":
		return r(pending(&operation{kind: opUnlock, x: arg(0)}))
	case "(*sync.RWMutex).RLock":
		return r(pending(&operation{kind: opRLock, x: arg(0)}))
	case "(*sync.RWMutex).RUnlock":
		return r(pending(&operation{kind: opRUnlock, x: arg(0)}))
	case "(*sync.WaitGroup).Add":
		return r(pending(&operation{kind: opWgAdd, x: arg(0), val: arg(1)}))
	case "(*sync.WaitGroup).Done":
		return r(pending(&operation{kind: opWgAdd, x: arg(0), val: intVal(-1)}))
	case "(*sync.WaitGroup).Wait":
		return r(pending(&operation{kind: opWgWait, x: arg(0)}))
	case "(*sync.Cond).Wait":
		return r(pending(&operation{kind: opCondWait, x: arg(0)}))
	case "(*sync.Cond).Signal":
		return r(pending(&operation{kind: opSignal, x: arg(0)}))
	case "(*sync.Cond).Broadcast":
		return r(pending(&operation{kind: opBroadcast, x: arg(0)}))
	case "(*sync.RWMutex).RLocker":
		return r(done(ref(s.newObject(&object{k: oRLocker, fields: []value{arg(0)}}))))
	case "sync.NewCond":
		id := s.newObject(&object{k: oCond, fields: []value{arg(0)}})
		return r(done(ref(id)))
	case "sync/atomic.LoadInt32", "sync/atomic.LoadInt64", "sync/atomic.LoadUint32", "sync/atomic.LoadUint64":
		return r(done(s.load(arg(0))))
	case "sync/atomic.StoreInt32", "sync/atomic.StoreInt64", "sync/atomic.StoreUint32", "sync/atomic.StoreUint64":
		s.store(arg(0), arg(1))
		return r(done(value{}))
	case "sync/atomic.AddInt32", "sync/atomic.AddInt64", "sync/atomic.AddUint32", "sync/atomic.AddUint64":
		v := s.binop(token.ADD, s.load(arg(0)), arg(1))
		s.store(arg(0), v)
		return r(done(v))
	case "sync/atomic.CompareAndSwapInt32", "sync/atomic.CompareAndSwapInt64", "sync/atomic.CompareAndSwapUint32", "sync/atomic.CompareAndSwapUint64":
		eq := s.binop(token.EQL, s.load(arg(0)), arg(1))
		if eq.k != vBool {
			s.store(arg(0), s.unknown())
			return r(done(s.unknown()))
		}
		if eq.n != 0 {
			s.store(arg(0), arg(2))
		}
		return r(done(eq))
	case "(*sync.Mutex).TryLock", "(*sync.RWMutex).TryLock", "(*sync.RWMutex).TryRLock":
		s.escape(arg(0))
		return r(done(s.unknown()))
	}
	if strings.HasPrefix(name, "(*sync/atomic.") {
		return x.atomicMethod(s, name, args, done)
	}
	return 0, false
}

// atomicMethod models the methods of sync/atomic's Int32, Int64, Uint32,
// Uint64 and Bool on their value field, so that a flag set by one
// goroutine is seen by another.
func (x *search) atomicMethod(s *state, name string, args []value, done func(value) (outcome, string)) (outcome, bool) {
	if len(args) == 0 || args[0].k != vRef || args[0].f >= 0 {
		return 0, false
	}
	o := s.heap[args[0].n]
	if o.k != oStruct || len(o.fields) == 0 || !isStruct(o.typ) {
		return 0, false
	}
	cell := value{k: vRef, n: args[0].n, f: int32(len(o.fields) - 1)}
	_, method, _ := strings.Cut(name, ").")
	r := func(o outcome, _ string) (outcome, bool) { return o, true }
	arg := func(i int) value {
		if i < len(args) {
			return args[i]
		}
		return s.unknown()
	}
	switch method {
	case "Load":
		return r(done(s.load(cell)))
	case "Store":
		s.store(cell, arg(1))
		return r(done(value{}))
	case "Add":
		v := s.binop(token.ADD, s.load(cell), arg(1))
		s.store(cell, v)
		return r(done(v))
	case "Swap":
		old := s.load(cell)
		s.store(cell, arg(1))
		return r(done(old))
	case "CompareAndSwap":
		eq := s.binop(token.EQL, s.load(cell), arg(1))
		if eq.k != vBool {
			s.store(cell, s.unknown())
			return r(done(s.unknown()))
		}
		if eq.n != 0 {
			s.store(cell, arg(2))
		}
		return r(done(eq))
	}
	return 0, false
}

// withCancel makes a context derived from parent and returns (ctx, cancel).
// Its Done channel closes on cancel; a deadline closes it by itself; a
// parent the engine does not know may close it at any time.
func (x *search) withCancel(s *state, parent value, deadline bool) value {
	ch := &object{k: oChan, always: deadline}
	if tg, pid := s.targetOf(parent, oContext); tg != tgtObj || s.heap[pid].fields[0].k != vNil {
		ch.escaped = true
	}
	chID := s.newObject(ch)
	ctx := s.newObject(&object{k: oContext, fields: []value{ref(chID)}})
	return tupleVal(ref(ctx), value{k: vBuiltin, n: int64(ctx)})
}

// noReturn lists the functions that end the program or the goroutine; a
// branch reaching one is dropped (Goexit and FailNow run deferred calls,
// which the engine does not follow there: dropping is the safe side).
var noReturn = map[string]bool{
	"os.Exit": true, "syscall.Exit": true, "runtime.Goexit": true,
	"log.Fatal": true, "log.Fatalf": true, "log.Fatalln": true,
	"log.Panic": true, "log.Panicf": true, "log.Panicln": true,
	"(*log.Logger).Fatal": true, "(*log.Logger).Fatalf": true, "(*log.Logger).Fatalln": true,
	"(*log.Logger).Panic": true, "(*log.Logger).Panicf": true, "(*log.Logger).Panicln": true,
	"(*testing.common).FailNow": true, "(*testing.common).Fatal": true, "(*testing.common).Fatalf": true,
	"(*testing.common).SkipNow": true, "(*testing.common).Skip": true, "(*testing.common).Skipf": true,
	"(testing.TB).FailNow": true, "(testing.TB).Fatal": true, "(testing.TB).Fatalf": true,
	"(testing.TB).SkipNow": true, "(testing.TB).Skip": true, "(testing.TB).Skipf": true,
}

// spawn starts the goroutine of a go statement; one running code the
// engine does not follow is the environment: what it is given escapes.
func (x *search) spawn(s *state, f *frame, in *ssa.Go) {
	cc := in.Common()
	args := make([]value, len(cc.Args))
	for i, a := range cc.Args {
		args[i] = s.eval(f, a)
	}
	callee := x.calleeOf(s, f, cc)
	fn, bindings, args := x.resolve(s, callee, cc.Method, args)
	nt := &thread{goPos: in.Pos(), entry: fn}
	if fn != nil && x.goOf[fn] == in.Pos() && len(bindings) == 0 {
		return // searched as a scope of its own, started here (goBodies)
	}
	if fn == nil || x.isStd(fn) || !x.inlinable(nt, fn) || len(s.threads) >= x.cfg.MaxThreads {
		s.escape(callee)
		for _, a := range args {
			s.escape(a)
		}
		return
	}
	if s.sharesNothing(callee, args) {
		// A goroutine given nothing the scope tracks cannot meet the
		// others: each one a go statement starts so runs alone, the same
		// way, and one of them is enough (a loop starting a hundred
		// copies of a self-contained test body).
		for _, t := range s.threads {
			if t.alone && t.goPos == nt.goPos && t.entry == fn {
				return
			}
		}
		nt.alone = true
	}
	nt.frames = []*frame{x.newFrame(fn, bindings, args, -1)}
	nt.frames[0].owner = s.id
	x.tids++
	nt.tid = x.tids
	s.threads = append(s.threads, nt)
	x.stats.Goroutines++
}

// sharesNothing reports whether no object of the scope is reachable from
// a goroutine's function value and arguments.
func (s *state) sharesNothing(callee value, args []value) bool {
	seen := make([]bool, len(s.heap))
	s.reach(callee, seen)
	for _, a := range args {
		s.reach(a, seen)
	}
	for _, in := range seen {
		if in {
			return false
		}
	}
	return true
}

// isOnceDo reports whether fn is sync.Once.Do.
func isOnceDo(fn *ssa.Function) bool {
	return isSyncMethod(fn, "Do", "(*sync.Once).Do")
}

// isSyncMethod reports whether fn is the method name of package sync
// with the full name full; the cheap tests come first, as calls are many.
func isSyncMethod(fn *ssa.Function, name, full string) bool {
	if fn.Name() != name || fn.Pkg == nil || fn.Pkg.Pkg.Path() != "sync" {
		return false
	}
	obj, ok := fn.Object().(*types.Func)
	return ok && obj.FullName() == full
}

// IsWaitGroupMethod reports whether fn is the method name of
// sync.WaitGroup (for enginediag, which names the path that skipped Done).
func IsWaitGroupMethod(fn *ssa.Function, name string) bool {
	return isSyncMethod(fn, name, "(*sync.WaitGroup)."+name)
}

// isWaitGroupGo reports whether fn is sync.WaitGroup.Go.
func isWaitGroupGo(fn *ssa.Function) bool {
	return isSyncMethod(fn, "Go", "(*sync.WaitGroup).Go")
}

// waitGroupGo models wg.Go(f): Add(1), done at once, then a goroutine
// running f with a deferred Done.
func (x *search) waitGroupGo(s *state, goFn *ssa.Function, wg, f value, pos token.Pos) {
	tg, id := s.targetOf(wg, oWaitGroup)
	doneFn := x.prog.LookupMethod(goFn.Signature.Recv().Type(), nil, "Done")
	fn, bindings, _ := x.resolve(s, f, nil, nil)
	nt := &thread{goPos: pos, entry: fn}
	if tg != tgtObj || doneFn == nil || fn == nil || x.isStd(fn) || !x.inlinable(nt, fn) || len(s.threads) >= x.cfg.MaxThreads {
		s.escape(wg)
		s.escape(f)
		return
	}
	s.mut(id).count++
	fr := x.newFrame(fn, bindings, nil, -1)
	fr.defers = []deferred{{callee: funcVal(doneFn, nil), args: []value{wg}, pos: pos}}
	fr.owner = s.id
	nt.frames = []*frame{fr}
	x.tids++
	nt.tid = x.tids
	s.threads = append(s.threads, nt)
	x.stats.Goroutines++
}
