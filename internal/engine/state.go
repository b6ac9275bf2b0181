package engine

import (
	"encoding/binary"
	"go/token"
	"go/types"
	"math/bits"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// vkind is the kind of an abstract value.
type vkind uint8

const (
	vUnknown vkind = iota // anything; n is a symbol id, key a condition
	vInt                  // a known integer, in n
	vBool                 // a known boolean, n is 0 or 1
	vNil                  // the nil of any type
	vRef                  // a pointer to object n, field f (-1: the whole object)
	vFunc                 // a function of the package, with bindings in elems
	vTuple                // the result of a multi-value instruction, in elems
	vBuiltin              // a modelled library function (a cancel func), object n
)

// A value is the abstract value of an SSA register. States copy values
// by the thousand, so a value is three words: what only some kinds need
// lives in an immutable ext shared by every copy.
type value struct {
	k vkind
	f int32 // field of a vRef
	n int64
	x *ext // nil when every field of ext is zero
}

// ext holds the rarer parts of a value. It is never modified once a value
// points to it.
type ext struct {
	key   string        // vUnknown: the canonical condition it stands for, if any
	fn    *ssa.Function // vFunc
	typ   types.Type    // dynamic type of a vRef held in an interface
	elems []value       // vTuple elements, vFunc bindings
}

// key returns the canonical condition an unknown value stands for, or "".
func (v value) key() string {
	if v.x == nil {
		return ""
	}
	return v.x.key
}

// fn returns the function of a vFunc.
func (v value) fn() *ssa.Function {
	if v.x == nil {
		return nil
	}
	return v.x.fn
}

// typ returns the dynamic type of a vRef held in an interface, or nil.
func (v value) typ() types.Type {
	if v.x == nil {
		return nil
	}
	return v.x.typ
}

// elems returns the elements of a vTuple or the bindings of a vFunc.
func (v value) elems() []value {
	if v.x == nil {
		return nil
	}
	return v.x.elems
}

// keyVal returns an unknown value standing for condition key.
func keyVal(key string) value { return value{k: vUnknown, x: &ext{key: key}} }

// funcVal returns function fn with bindings elems.
func funcVal(fn *ssa.Function, elems []value) value {
	return value{k: vFunc, x: &ext{fn: fn, elems: elems}}
}

// tupleVal returns a tuple of elems.
func tupleVal(elems ...value) value { return value{k: vTuple, x: &ext{elems: elems}} }

// withTyp returns v with dynamic type t.
func (v value) withTyp(t types.Type) value {
	var e ext
	if v.x != nil {
		e = *v.x
	}
	e.typ = t
	v.x = &e
	return v
}

// unknown is a value about which nothing is known and that is never tested
// twice: each gets its own symbol.
func (s *state) unknown() value {
	s.nextSym++
	return value{k: vUnknown, n: s.nextSym}
}

func intVal(n int64) value { return value{k: vInt, n: n} }

func boolVal(b bool) value {
	if b {
		return value{k: vBool, n: 1}
	}
	return value{k: vBool}
}

func ref(obj int) value { return value{k: vRef, n: int64(obj), f: -1} }

// okind is the kind of a heap object.
type okind uint8

const (
	oStruct okind = iota // fields; also a plain cell (one field)
	oChan
	oMutex
	oRWMutex
	oWaitGroup
	oCond
	oContext
	oMap // a map made in the scope: count is 1 once something was stored
	// oRLocker is the Locker RWMutex.RLocker returns: fields[0] is the
	// RWMutex, which its Lock read-locks and its Unlock read-unlocks.
	oRLocker
)

// An object is one allocation made while exploring a scope.
type object struct {
	k okind
	// escaped: code the engine does not see may hold the object; any
	// operation on it may complete, and no wait on it is reported.
	escaped bool
	// always: a receive always completes (a timer or a context with a
	// deadline).
	always bool
	made   token.Pos
	typ    types.Type // the allocated type (struct objects)
	fields []value    // struct fields; chan buffer; cond: [L]; context: [done]
	// chan: capacity, closed; mutex: locked; rwmutex: writer, readers,
	// pending writers; waitgroup: counter.
	cap, count, pend int
	closed           bool
	// heldBy is the tid of the thread holding a Mutex, or an RWMutex as
	// writer (0: none or unknown), and heldAt where it took it: the
	// witness of a wait on the lock. Neither is part of the digest.
	heldBy int32
	heldAt token.Pos
	// owner is the id of the one state that may modify the object in
	// place; 0 when states share it, and whichever writes first copies it
	// (state.mut).
	owner uint64
	// h caches the object's digest while hok; a write clears hok.
	h   uint64
	hok bool
}

// A frame is one activation of a function of the package.
type frame struct {
	fn     *ssa.Function
	info   *fnInfo
	block  int // current block index
	prev   int // predecessor block index, for phis
	pc     int // instruction index in block
	regs   regFile
	defers []deferred
	loops  []uint8 // back edges taken, per block
	// quiet: per block, the thread's work count when a back edge last
	// reached it, and the back edges taken with no work in between.
	quietAt []uint32
	quiet   []uint8
	// result: the register of the caller receiving this call's value,
	// or -1.
	result int
	// deferred: a deferred call, after which the caller stays at its
	// RunDefers or Return to run the next one.
	deferred bool
	// owner is the id of the one state that may modify the frame in
	// place; 0 when states share it, and whichever writes first copies it
	// (search.top).
	owner uint64
	// h caches the frame's digest while hok; search.top clears hok.
	h   uint64
	hok bool
}

// A deferred call, evaluated at the defer statement.
type deferred struct {
	callee value
	method *types.Func // invoke mode: the method
	args   []value
	pos    token.Pos
}

// thread states.
const (
	tRunning = iota // runs until its next operation on a shared object
	tAtOp           // stopped at op
	tDone           // returned
	tHavoc          // passed a bound: may do anything with what it reaches
)

// A thread is a goroutine of the scope; thread 0 is the scope's function.
type thread struct {
	status int
	frames []*frame
	op     *operation // tAtOp: the pending operation
	goPos  token.Pos  // the go statement that started it (NoPos for thread 0)
	entry  *ssa.Function
	endPos token.Pos // tDone: where it returned; tHavoc: where it gave up
	root   bool      // the scope's own function: what it returns escapes
	// alone: started given no object of the scope; the go statement's
	// further goroutines of the kind are not started (see spawn).
	alone bool
	steps int
	// work counts the thread's forks and completed operations: a loop
	// iteration that adds none is quiet, and quiet loops get a longer
	// bound (a constant count of yields or arithmetic costs no states).
	work uint32
	// tid names the thread within its search (from 1), for a lock's
	// holder; it is not part of the state's digest.
	tid int32
}

// A state is a global state of the search: threads and heap.
type state struct {
	id      uint64 // unique within a search; owns the frames marked with it
	threads []*thread
	heap    []*object
	nextSym int64
	// memo holds the outcome chosen for each symbolic condition, so that a
	// condition tested twice takes the same branch.
	memo memo
	// cells counts the values copied when objects are copied on write,
	// for the budget (the search's Stats.Cells).
	cells *int
	// speculative: an operation completed here only because an object of
	// the scope escaped (into a map, a slice, unknown code) and something
	// outside might act on it. That something is often the scope's own code
	// reaching the object by a path the engine lost, at a time the engine
	// cannot know, so no finding rests on such a state.
	speculative bool
	// split is the number of unfinished threads when the search last
	// looked for independent groups of threads on this path (components).
	split int
}

// clone copies s deeply enough that a step on the copy leaves s intact:
// threads and objects are copied, operations are immutable, and frames are
// shared until one of the two states writes to one (search.top copies it
// then). The copy has id 0 until the search gives it one.
func (s *state) clone() *state {
	c := &state{nextSym: s.nextSym, speculative: s.speculative, split: s.split, threads: make([]*thread, len(s.threads)), heap: slices.Clone(s.heap), memo: s.memo, cells: s.cells}
	for i, t := range s.threads {
		t2 := *t
		t2.frames = slices.Clone(t.frames)
		for _, f := range t.frames {
			f.owner = 0 // shared from now on
		}
		c.threads[i] = &t2
	}
	for _, o := range s.heap {
		o.owner = 0 // shared from now on
	}
	return c
}

// mut returns object id of s for writing: an object s shares with other
// states is copied first.
func (s *state) mut(id int) *object {
	o := s.heap[id]
	if o.owner != s.id || s.id == 0 {
		o2 := *o
		o2.fields = slices.Clone(o.fields)
		o2.owner = s.id
		s.heap[id] = &o2
		o = &o2
		if s.cells != nil {
			*s.cells += 1 + len(o.fields)
		}
	}
	o.hok = false
	return o
}

// copyFrame returns a copy of f owned by state id.
func copyFrame(f *frame, id uint64) *frame {
	f2 := *f
	f2.regs = f.regs.share()
	f2.defers = slices.Clone(f.defers)
	n := len(f.loops)
	counts := make([]uint8, n+len(f.quiet)) // one allocation for both counters
	copy(counts, f.loops)
	copy(counts[n:], f.quiet)
	f2.loops, f2.quiet = counts[:n:n], counts[n:]
	f2.quietAt = slices.Clone(f.quietAt)
	f2.owner = id
	f2.hok = false
	return &f2
}

// newObject adds an object to the heap and returns its id.
func (s *state) newObject(o *object) int {
	o.owner = s.id
	s.heap = append(s.heap, o)
	return len(s.heap) - 1
}

// hasher serialises states for the visited set.
type hasher struct {
	buf  []byte
	top  []byte // the state's own digest input, of its parts' digests
	cbuf []byte // a chunk's digest input
	tbuf []byte // a thread's digest input
	ts   []uint64
	ids  map[*ssa.Function]uint64
}

func (h *hasher) u(x uint64) { h.buf = binary.AppendUvarint(h.buf, x) }

func (h *hasher) i(x int64) { h.buf = binary.AppendVarint(h.buf, x) }

func (h *hasher) fnID(fn *ssa.Function) uint64 {
	if fn == nil {
		return 0
	}
	id, ok := h.ids[fn]
	if !ok {
		id = uint64(len(h.ids) + 1)
		h.ids[fn] = id
	}
	return id
}

func (h *hasher) val(v value) {
	h.u(uint64(v.k))
	if v.k != vUnknown || v.key() != "" {
		// A fresh unknown value is any value: which symbol it got
		// depends on the order the goroutines ran in, and states that
		// differ only in it are one (a collision only hides executions).
		h.i(v.n)
	}
	h.i(int64(v.f))
	h.buf = append(h.buf, v.key()...)
	h.u(h.fnID(v.fn()))
	h.u(uint64(len(v.elems())))
	for _, e := range v.elems() {
		h.val(e)
	}
}

// hash returns a digest of s. Two states with one digest are treated as one:
// a collision can only hide executions, never invent one, so a finding never
// rests on it. Frames and objects cache their own digests, which stay
// valid while states share them.
func (h *hasher) hash(s *state) uint64 {
	// The goroutines are a multiset: which index a goroutine has changes
	// nothing it can do, so two states that differ only in the order of
	// their goroutines (two copies of one go statement that ran in either
	// order) are one. The scope's own function stays first.
	h.ts = h.ts[:0]
	for _, t := range s.threads {
		h.ts = append(h.ts, h.thread(t))
	}
	if len(h.ts) > 2 {
		slices.Sort(h.ts[1:])
	}
	top := h.top[:0]
	for _, d := range h.ts {
		top = binary.LittleEndian.AppendUint64(top, d)
	}
	for _, o := range s.heap {
		top = binary.LittleEndian.AppendUint64(top, h.object(o))
	}
	top = binary.LittleEndian.AppendUint64(top, s.memo.h)
	h.top = top
	return digest(top)
}

// thread returns the digest of t.
func (h *hasher) thread(t *thread) uint64 {
	b := h.tbuf[:0]
	b = binary.AppendUvarint(b, uint64(t.status))
	b = binary.AppendUvarint(b, uint64(t.goPos))
	if t.op != nil {
		b = binary.AppendUvarint(b, uint64(t.op.kind))
		b = binary.AppendUvarint(b, uint64(t.op.pos))
		b = binary.AppendUvarint(b, uint64(t.op.stage))
	}
	b = binary.AppendUvarint(b, uint64(len(t.frames)))
	for _, f := range t.frames {
		b = binary.LittleEndian.AppendUint64(b, h.frame(f))
	}
	h.tbuf = b
	return digest(b)
}

// digest returns the FNV-1a digest of b.
func digest(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// frame returns the digest of f, cached in it.
func (h *hasher) frame(f *frame) uint64 {
	if f.hok {
		return f.h
	}
	h.buf = h.buf[:0]
	h.u(h.fnID(f.fn))
	h.u(uint64(f.block))
	h.u(uint64(f.prev))
	h.u(uint64(f.pc))
	for _, c := range f.regs.c {
		h.buf = binary.LittleEndian.AppendUint64(h.buf, h.chunk(c))
	}
	h.u(uint64(len(f.defers)))
	h.buf = append(h.buf, f.loops...)
	f.h, f.hok = digest(h.buf), true
	return f.h
}

// chunk returns the digest of a chunk of registers, cached in it. It
// uses its own buffer: the frame's is being filled.
func (h *hasher) chunk(c *regChunk) uint64 {
	if c.hok {
		return c.h
	}
	saved := h.buf
	h.buf = h.cbuf[:0]
	for _, v := range c.v {
		h.val(v)
	}
	c.h, c.hok = digest(h.buf), true
	h.cbuf = h.buf
	h.buf = saved
	return c.h
}

// object returns the digest of o, cached in it.
func (h *hasher) object(o *object) uint64 {
	if o.hok {
		return o.h
	}
	h.buf = h.buf[:0]
	h.u(uint64(o.k))
	h.u(uint64(o.count))
	h.u(uint64(o.cap)) // an RWMutex's readers
	h.u(uint64(o.pend))
	if o.closed {
		h.u(1)
	}
	if o.escaped {
		h.u(2)
	}
	for _, f := range o.fields {
		h.val(f)
	}
	o.h, o.hok = digest(h.buf), true
	return o.h
}

// reach adds to seen, indexed by object id, the objects reachable from v.
func (s *state) reach(v value, seen []bool) {
	switch v.k {
	case vRef, vBuiltin:
		id := int(v.n)
		if id < 0 || id >= len(s.heap) || seen[id] {
			return
		}
		seen[id] = true
		for _, f := range s.heap[id].fields {
			s.reach(f, seen)
		}
	case vFunc, vTuple:
		for _, e := range v.elems() {
			s.reach(e, seen)
		}
	}
}

// threadReach returns the objects thread t can reach: from its registers,
// its deferred calls and its pending operation.
func (s *state) threadReach(t *thread, seen []bool) {
	for _, f := range t.frames {
		f.regs.each(func(r value) { s.reach(r, seen) })
		for _, d := range f.defers {
			s.reach(d.callee, seen)
			for _, a := range d.args {
				s.reach(a, seen)
			}
		}
	}
	if t.op != nil {
		for _, v := range t.op.objs() {
			s.reach(v, seen)
		}
	}
}

// mayReach reports whether v may refer to an object: reach from any
// other value marks nothing.
func mayReach(v value) bool {
	switch v.k {
	case vRef, vBuiltin:
		return true
	case vFunc, vTuple:
		return len(v.elems()) > 0
	}
	return false
}

// escape marks every object reachable from v as escaped.
func (s *state) escape(v value) {
	if !mayReach(v) {
		return // most values are unknown or constants: no object to mark
	}
	seen := make([]bool, len(s.heap))
	s.reach(v, seen)
	for id, in := range seen {
		if in && !s.heap[id].escaped {
			s.mut(id).escaped = true
		}
	}
}

// A memo maps symbolic conditions to the outcome chosen for them. It is
// immutable: states share it, and set returns a new one. It is made of
// persistent hash tries, so that set copies a few small nodes and not
// every entry: a thread that makes many slices of known length gathers
// thousands of entries, and copying them all at each set was a third of
// the search's time.
type memo struct {
	root *mnode[bool]
	// bySym holds the conditions that compare an integer symbol with a
	// known integer, listed under that symbol for bounds (and not in
	// root).
	bySym *mnode[*symEntries]
	n     int    // entries
	h     uint64 // digest: the xor of the entries' digests
}

// A memoEntry is one condition and its outcome.
type memoEntry struct {
	key string
	v   bool
}

// symEntries lists the entries of one symbol, newest first; a key set
// twice is listed twice, and the newest counts.
type symEntries struct {
	e    memoEntry
	next *symEntries
}

// get returns the outcome chosen for key, if any.
func (m memo) get(key string) (v, ok bool) {
	syms := boundSyms(key)
	if syms.n == 0 {
		return m.root.get(fnvString(key), 0, key)
	}
	l, _ := m.bySym.get(fnvString(syms.s[0]), 0, syms.s[0])
	for ; l != nil; l = l.next {
		if l.e.key == key {
			return l.e.v, true
		}
	}
	return false, false
}

// set returns m with key set to v.
func (m memo) set(key string, v bool) memo {
	out := m
	if old, found := m.get(key); found {
		out.h ^= entryDigest(memoEntry{key, old})
	} else {
		out.n++
	}
	out.h ^= entryDigest(memoEntry{key, v})
	syms := boundSyms(key)
	if syms.n == 0 {
		out.root = m.root.set(fnvString(key), 0, key, v)
		return out
	}
	for _, sym := range syms.list() {
		sh := fnvString(sym)
		prev, _ := out.bySym.get(sh, 0, sym)
		out.bySym = out.bySym.set(sh, 0, sym, &symEntries{e: memoEntry{key, v}, next: prev})
	}
	return out
}

// forSym calls fn for each entry indexed under symbol sym (the newest
// outcome of each key).
func (m memo) forSym(sym string, fn func(memoEntry)) {
	l, _ := m.bySym.get(fnvString(sym), 0, sym)
	var seen []string
	for ; l != nil; l = l.next {
		if slices.Contains(seen, l.e.key) {
			continue // an older outcome of a key set again
		}
		seen = append(seen, l.e.key)
		fn(l.e)
	}
}

// boundSyms returns the symbols a condition key compares with a known
// integer, "(c<sym)", "(sym<c)", "(c==sym)" or "(sym==c)" with c an
// integer key: the entries bounds reads for sym.
func boundSyms(key string) (out symPair) {
	inner, ok := strings.CutPrefix(key, "(")
	if !ok {
		return out
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok {
		return out
	}
	// c first: "i", a sign, digits, then the operator.
	if n := intKeyLen(inner); n > 0 {
		rest := inner[n:]
		if r, ok := strings.CutPrefix(rest, "<"); ok {
			out.add(r)
		} else if r, ok := strings.CutPrefix(rest, "=="); ok {
			out.add(r)
		}
	}
	// c last: the operator, then "i", a sign, digits.
	i := len(inner)
	for i > 0 && inner[i-1] >= '0' && inner[i-1] <= '9' {
		i--
	}
	if i < len(inner) {
		if i > 0 && (inner[i-1] == '-' || inner[i-1] == '+') {
			i--
		}
		if i > 0 && inner[i-1] == 'i' {
			sym := inner[:i-1]
			if r, ok := strings.CutSuffix(sym, "=="); ok {
				out.add(r)
			} else if r, ok := strings.CutSuffix(sym, "<"); ok {
				out.add(r)
			}
		}
	}
	return out
}

// symPair holds the one or two symbols of a condition, without
// allocating: boundSyms runs at every branch.
type symPair struct {
	s [2]string
	n int
}

// add appends sym.
func (p *symPair) add(sym string) {
	p.s[p.n] = sym
	p.n++
}

// list returns the symbols.
func (p *symPair) list() []string { return p.s[:p.n] }

// intKeyLen returns the length of the integer key ("i3", "i-1") that s
// starts with, or 0.
func intKeyLen(s string) int {
	if len(s) < 2 || s[0] != 'i' {
		return 0
	}
	i := 1
	if s[i] == '-' || s[i] == '+' {
		i++
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i {
		return 0
	}
	return j
}

// entryDigest returns the digest of one memo entry: FNV-1a of its key,
// and of a 1 byte when its outcome is true.
func entryDigest(e memoEntry) uint64 {
	h := fnvString(e.key)
	if e.v {
		h ^= 1
		h *= fnvPrime
	}
	return h
}

// FNV-1a, 64 bits, as hash/fnv computes it, without allocating.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnvString returns the FNV-1a digest of s.
func fnvString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// An mnode is a node of a persistent hash trie from strings to V: each
// level takes five bits of the key's digest, and a node past the last
// bits lists the keys whose digests are equal. Nodes are never modified
// once built; set copies the path to the key.
type mnode[V any] struct {
	bits  uint32 // which of the 32 slots are present
	slots []mslot[V]
}

// An mslot is a subtree or a leaf: two words, so that copying a node on
// the path of a set costs little.
type mslot[V any] struct {
	node *mnode[V]
	leaf *mleaf[V]
}

// An mleaf is one key, its digest and its value.
type mleaf[V any] struct {
	key string
	h   uint64
	v   V
}

// mshiftMax is the shift past which digests have no bits left: the node
// is a list of leaves with one digest.
const mshiftMax = 64

// get returns the value of key, whose digest is h, in the subtree n at
// level shift.
func (n *mnode[V]) get(h uint64, shift uint, key string) (V, bool) {
	var zero V
	for n != nil {
		if shift >= mshiftMax {
			for _, s := range n.slots {
				if s.leaf.key == key {
					return s.leaf.v, true
				}
			}
			return zero, false
		}
		bit := uint32(1) << ((h >> shift) & 31)
		if n.bits&bit == 0 {
			return zero, false
		}
		s := n.slots[bits.OnesCount32(n.bits&(bit-1))]
		if s.node == nil {
			if s.leaf.key == key {
				return s.leaf.v, true
			}
			return zero, false
		}
		n, shift = s.node, shift+5
	}
	return zero, false
}

// set returns the subtree n at level shift with key, whose digest is h,
// set to v.
func (n *mnode[V]) set(h uint64, shift uint, key string, v V) *mnode[V] {
	leaf := &mleaf[V]{key: key, h: h, v: v}
	if n == nil {
		n = &mnode[V]{}
	}
	if shift >= mshiftMax {
		out := &mnode[V]{slots: slices.Clone(n.slots)}
		for i := range out.slots {
			if out.slots[i].leaf.key == key {
				out.slots[i].leaf = leaf
				return out
			}
		}
		out.slots = append(out.slots, mslot[V]{leaf: leaf})
		return out
	}
	bit := uint32(1) << ((h >> shift) & 31)
	pos := bits.OnesCount32(n.bits & (bit - 1))
	if n.bits&bit == 0 {
		out := &mnode[V]{bits: n.bits | bit, slots: make([]mslot[V], len(n.slots)+1)}
		copy(out.slots, n.slots[:pos])
		out.slots[pos] = mslot[V]{leaf: leaf}
		copy(out.slots[pos+1:], n.slots[pos:])
		return out
	}
	out := &mnode[V]{bits: n.bits, slots: slices.Clone(n.slots)}
	s := &out.slots[pos]
	switch {
	case s.node != nil:
		s.node = s.node.set(h, shift+5, key, v)
	case s.leaf.key == key:
		s.leaf = leaf
	default:
		// Two keys in one slot: push both one level down.
		old := s.leaf
		sub := (*mnode[V])(nil).set(old.h, shift+5, old.key, old.v)
		*s = mslot[V]{node: sub.set(h, shift+5, key, v)}
	}
	return out
}
