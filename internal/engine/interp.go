package engine

import (
	"go/constant"
	"go/token"
	"go/types"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// fnInfo numbers the values of a function: parameters, free variables and
// value-producing instructions each get a register.
type fnInfo struct {
	idx map[ssa.Value]int
	n   int
}

// info returns fn's register numbering.
func (x *search) info(fn *ssa.Function) *fnInfo {
	if in, ok := x.infos[fn]; ok {
		return in
	}
	in := &fnInfo{idx: map[ssa.Value]int{}}
	add := func(v ssa.Value) { in.idx[v] = in.n; in.n++ }
	for _, p := range fn.Params {
		add(p)
	}
	for _, fv := range fn.FreeVars {
		add(fv)
	}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if v, ok := instr.(ssa.Value); ok {
				add(v)
			}
		}
	}
	x.infos[fn] = in
	return in
}

// newFrame makes the frame of a call to fn.
func (x *search) newFrame(fn *ssa.Function, bindings, args []value, result int) *frame {
	in := x.info(fn)
	n := len(fn.Blocks)
	counts := make([]uint8, 2*n) // one allocation for both counters
	f := &frame{fn: fn, info: in, regs: newRegFile(in.n, &x.stats.Cells), loops: counts[:n:n], quietAt: make([]uint32, n), quiet: counts[n:], result: result}
	for i := range fn.Params {
		if i < len(args) {
			f.regs.set(i, args[i])
		}
	}
	for i := range fn.FreeVars {
		if i < len(bindings) {
			f.regs.set(len(fn.Params)+i, bindings[i])
		}
	}
	return f
}

// eval returns the abstract value of v in frame f.
func (s *state) eval(f *frame, v ssa.Value) value {
	switch v := v.(type) {
	case *ssa.Const:
		return constVal(v)
	case *ssa.Function:
		return funcVal(v, nil)
	case *ssa.Global, *ssa.Builtin:
		return s.unknown()
	}
	if i, ok := f.info.idx[v]; ok {
		return f.regs.get(i)
	}
	return s.unknown()
}

// constVal returns the value of a constant.
func constVal(c *ssa.Const) value {
	if c.Value == nil {
		return value{k: vNil}
	}
	switch c.Value.Kind() {
	case constant.Bool:
		return boolVal(constant.BoolVal(c.Value))
	case constant.Int:
		if n, ok := constant.Int64Val(c.Value); ok {
			return intVal(n)
		}
	}
	return keyVal("c" + c.Value.ExactString())
}

// zeroOf returns the zero value of t, for a new object's fields.
func zeroOf(t types.Type) value {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return boolVal(false)
		case u.Info()&types.IsInteger != 0:
			return intVal(0)
		case u.Info()&types.IsString != 0:
			return keyVal(`c""`)
		case u.Kind() == types.UnsafePointer || u.Kind() == types.UntypedNil:
			return value{k: vNil}
		}
		return keyVal("c0")
	case *types.Pointer, *types.Chan, *types.Signature, *types.Map, *types.Slice, *types.Interface:
		return value{k: vNil}
	}
	return keyVal("z") // arrays: never tested
}

// syncKind returns the object kind of a sync primitive type.
func syncKind(t types.Type) (okind, bool) {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "sync" {
		return 0, false
	}
	switch n.Obj().Name() {
	case "Mutex":
		return oMutex, true
	case "RWMutex":
		return oRWMutex, true
	case "WaitGroup":
		return oWaitGroup, true
	case "Cond":
		return oCond, true
	}
	return 0, false
}

// alloc makes the object of a new variable of type t; struct fields of
// struct type (sync primitives included) are objects of their own, so
// that a pointer to one is a reference to it.
func (s *state) alloc(t types.Type, pos token.Pos, depth int) int {
	if k, ok := syncKind(t); ok {
		o := &object{k: k, made: pos, typ: t}
		if k == oCond {
			o.fields = []value{{k: vNil}}
		}
		return s.newObject(o)
	}
	if n, elem, ok := smallArray(t); ok && n >= 2 && depth <= 3 {
		// An array of a few elements: one field per element, so that
		// constant and loop-bounded indices reach them.
		o := &object{k: oStruct, made: pos, typ: t, fields: make([]value, n)}
		id := s.newObject(o)
		for i := range n {
			if isInline(elem) {
				o.fields[i] = ref(s.alloc(elem, pos, depth+1))
			} else {
				o.fields[i] = zeroOf(elem)
			}
		}
		return id
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok || depth > 3 {
		return s.newObject(&object{k: oStruct, made: pos, typ: t, fields: []value{zeroOf(t)}})
	}
	o := &object{k: oStruct, made: pos, typ: t, fields: make([]value, st.NumFields())}
	id := s.newObject(o)
	for i := range st.NumFields() {
		ft := st.Field(i).Type()
		if isInline(ft) {
			o.fields[i] = ref(s.alloc(ft, pos, depth+1))
		} else {
			o.fields[i] = zeroOf(ft)
		}
	}
	return id
}

// maxArray bounds the arrays whose elements are tracked. An array of one
// element is its own plain cell.
const maxArray = 8

// smallArray returns the length and element type of t when it is an array
// whose elements are tracked: 1 to maxArray of them.
func smallArray(t types.Type) (int, types.Type, bool) {
	if t == nil {
		return 0, nil, false
	}
	a, ok := t.Underlying().(*types.Array)
	if !ok || a.Len() < 1 || a.Len() > maxArray {
		return 0, nil, false
	}
	return int(a.Len()), a.Elem(), true
}

// arrayObject returns the tracked array object v refers to (the array an
// address of it, or a slice of all of it, points to), and its element
// type.
func (s *state) arrayObject(v value) (*object, types.Type) {
	if v.k != vRef || v.f >= 0 || v.n < 0 || int(v.n) >= len(s.heap) {
		return nil, nil
	}
	o := s.heap[v.n]
	if n, elem, ok := smallArray(o.typ); ok && o.k == oStruct && len(o.fields) == n {
		return o, elem
	}
	return nil, nil
}

// elemAddr returns the address of element i of the tracked array p
// points to; unknown when i is not a known index of it.
func (s *state) elemAddr(p, i value) value {
	o, elem := s.arrayObject(p)
	if o == nil || i.k != vInt || i.n < 0 || i.n >= int64(len(o.fields)) {
		return s.unknown()
	}
	if isInline(elem) {
		return o.fields[i.n]
	}
	return value{k: vRef, n: p.n, f: int32(i.n)}
}

// isInline reports whether a field of type t is held by value as an object
// of its own: structs (sync primitives included).
func isInline(t types.Type) bool {
	_, ok := t.Underlying().(*types.Struct)
	return ok
}

// condKey returns the canonical symbolic condition of v, and whether v is
// symbolic at all.
func condKey(v value) string {
	switch v.k {
	case vUnknown:
		if v.key() != "" {
			return v.key()
		}
		return "s" + strconv.FormatInt(v.n, 10)
	case vInt:
		return "i" + strconv.FormatInt(v.n, 10)
	case vBool:
		return "b" + strconv.FormatInt(v.n, 10)
	case vNil:
		return "nil"
	case vRef:
		return "r" + strconv.FormatInt(v.n, 10) + "." + strconv.Itoa(int(v.f))
	}
	return "?" // functions and tuples: never compared twice
}

// not returns the negation of a symbolic condition key.
func not(k string) string {
	if rest, ok := strings.CutPrefix(k, "!"); ok {
		return rest
	}
	return "!" + k
}

// binop evaluates a binary operation.
func (s *state) binop(op token.Token, a, b value) value {
	if a.k == vInt && b.k == vInt {
		if v, ok := intOp(op, a.n, b.n); ok {
			return v
		}
		return s.unknown()
	}
	if op != token.EQL && op != token.NEQ && op != token.LSS && op != token.LEQ && op != token.GTR && op != token.GEQ {
		return s.unknown()
	}
	if op == token.EQL || op == token.NEQ {
		if eq, known := equal(a, b); known {
			return boolVal(eq == (op == token.EQL))
		}
	}
	ka, kb := condKey(a), condKey(b)
	if ka == "?" || kb == "?" {
		return s.unknown()
	}
	if v, ok := s.decideByBounds(op, a, b); ok {
		return v
	}
	var key string
	switch op {
	case token.EQL:
		key = eqKey(ka, kb)
	case token.NEQ:
		key = not(eqKey(ka, kb))
	case token.LSS:
		key = lessKey(ka, kb)
	case token.GTR:
		key = lessKey(kb, ka)
	case token.GEQ:
		key = not(lessKey(ka, kb))
	case token.LEQ:
		key = not(lessKey(kb, ka))
	}
	return keyVal(key)
}

// eqKey is the memo key of the condition a == b, given their condKeys: the
// same for b == a, so that an outcome decided one way is found the other.
func eqKey(ka, kb string) string {
	if kb < ka {
		ka, kb = kb, ka
	}
	return "(" + ka + "==" + kb + ")"
}

// lessKey is the memo key of the condition a < b, given their condKeys.
func lessKey(ka, kb string) string {
	return "(" + ka + "<" + kb + ")"
}

// equal decides == between two values when their kinds allow.
func equal(a, b value) (eq, known bool) {
	switch {
	case a.k == vBool && b.k == vBool:
		return a.n == b.n, true
	case a.k == vNil && b.k == vNil:
		return true, true
	case a.k == vRef && b.k == vRef:
		return a.n == b.n && a.f == b.f, true
	case a.k == vNil && (b.k == vRef || b.k == vFunc || b.k == vBuiltin),
		b.k == vNil && (a.k == vRef || a.k == vFunc || a.k == vBuiltin):
		return false, true
	case a.k == vUnknown && b.k == vUnknown && a.key() != "" && a.key() == b.key() && a.key()[0] == 'c':
		return true, true
	}
	return false, false
}

// intOp evaluates an operation on two known integers.
func intOp(op token.Token, a, b int64) (value, bool) {
	switch op {
	case token.ADD:
		return intVal(a + b), true
	case token.SUB:
		return intVal(a - b), true
	case token.MUL:
		return intVal(a * b), true
	case token.QUO:
		if b != 0 {
			return intVal(a / b), true
		}
	case token.REM:
		if b != 0 {
			return intVal(a % b), true
		}
	case token.EQL:
		return boolVal(a == b), true
	case token.NEQ:
		return boolVal(a != b), true
	case token.LSS:
		return boolVal(a < b), true
	case token.LEQ:
		return boolVal(a <= b), true
	case token.GTR:
		return boolVal(a > b), true
	case token.GEQ:
		return boolVal(a >= b), true
	case token.AND:
		return intVal(a & b), true
	case token.OR:
		return intVal(a | b), true
	}
	return value{}, false
}

// load reads through pointer p. Through an unknown pointer the value is
// unknown, but the same one for the same pointer: two reads of b.jobs
// agree (an execution in which they differ is only left out).
func (s *state) load(p value) value {
	if p.k == vUnknown {
		return keyVal("*" + condKey(p))
	}
	if p.k != vRef || p.n < 0 || int(p.n) >= len(s.heap) {
		return s.unknown()
	}
	o := s.heap[p.n]
	if p.f >= 0 {
		if int(p.f) < len(o.fields) {
			return o.fields[p.f]
		}
		return s.unknown()
	}
	if o.k == oStruct && len(o.fields) == 1 && !isStruct(o.typ) {
		return o.fields[0]
	}
	return p // a struct or primitive value: shared, not copied
}

// isStruct reports whether t is a struct type.
func isStruct(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Struct)
	return ok
}

// store writes v through pointer p; a store into memory the engine does
// not track lets v escape.
func (s *state) store(p, v value) {
	if p.k != vRef || p.n < 0 || int(p.n) >= len(s.heap) {
		s.escape(v)
		return
	}
	if s.heap[p.n].escaped {
		s.escape(v)
	}
	o := s.mut(int(p.n))
	if p.f >= 0 {
		if int(p.f) < len(o.fields) {
			o.fields[p.f] = v
		}
		return
	}
	if o.k == oStruct && len(o.fields) == 1 && !isStruct(o.typ) {
		o.fields[0] = v
		return
	}
	// A whole struct assigned: copy the fields of the source object.
	if v.k == vRef && v.f < 0 && int(v.n) < len(s.heap) && v.n >= 0 && int(v.n) != int(p.n) {
		src := s.heap[v.n]
		if src.k == o.k && len(src.fields) == len(o.fields) {
			copy(o.fields, src.fields)
			o.count, o.cap, o.pend, o.closed = src.count, src.cap, src.pend, src.closed
			return
		}
	}
	if v.k == vNil {
		// The zero value (x := T{} for a struct or sync primitive): the
		// object is as new.
		s.reset(int(p.n), 0)
		return
	}
	if v.k != vRef {
		// An unknown struct value (an element of an untracked slice, a
		// call's result): its fields are unknown now, not the zero values
		// the object held (a nil channel from there blocked forever).
		for i, fv := range o.fields {
			if fv.k != vRef {
				o.fields[i] = s.unknown()
			}
		}
		s.escape(p)
	}
}

// reset sets object id to its zero value, the objects of its struct
// fields too.
func (s *state) reset(id, depth int) {
	o := s.mut(id)
	o.count, o.pend, o.closed = 0, 0, false
	if o.k != oStruct {
		o.cap = 0
		if o.k == oCond && len(o.fields) == 1 {
			o.fields[0] = value{k: vNil}
		}
		return
	}
	if n, elem, ok := smallArray(o.typ); ok && len(o.fields) == n {
		for i, f := range o.fields {
			if !isInline(elem) {
				o.fields[i] = zeroOf(elem)
			} else if f.k == vRef && f.f < 0 && f.n >= 0 && int(f.n) < len(s.heap) && depth < 4 {
				s.reset(int(f.n), depth+1)
			}
		}
		return
	}
	st, ok := o.typ.Underlying().(*types.Struct)
	if !ok {
		if len(o.fields) == 1 && o.typ != nil {
			o.fields[0] = zeroOf(o.typ)
		}
		return
	}
	for i := range min(st.NumFields(), len(o.fields)) {
		ft := st.Field(i).Type()
		if !isInline(ft) {
			o.fields[i] = zeroOf(ft)
			continue
		}
		if f := o.fields[i]; f.k == vRef && f.f < 0 && f.n >= 0 && int(f.n) < len(s.heap) && depth < 4 {
			s.reset(int(f.n), depth+1)
		}
	}
}

// fieldAddr returns the address of field i of the struct p points to.
func (s *state) fieldAddr(p value, i int) value {
	if p.k == vUnknown {
		return keyVal("&" + condKey(p) + "." + strconv.Itoa(i))
	}
	if p.k != vRef || p.n < 0 || int(p.n) >= len(s.heap) {
		return s.unknown()
	}
	if p.f >= 0 {
		// A pointer to a field that holds a pointer-free struct: follow it.
		p = s.load(p)
		if p.k != vRef || p.f >= 0 {
			return s.unknown()
		}
	}
	o := s.heap[p.n]
	if o.k != oStruct || i >= len(o.fields) || !isStruct(o.typ) {
		return s.unknown()
	}
	st := o.typ.Underlying().(*types.Struct)
	if isInline(st.Field(i).Type()) {
		return o.fields[i]
	}
	return value{k: vRef, n: p.n, f: int32(i)}
}

// decideByBounds decides a comparison of a symbolic integer with a known
// one from the outcomes already chosen for other comparisons of the same
// symbol with known integers: after 0 < n and 1 < n held, n == 0 is
// false. Without it, a loop that ran twice over a slice and a second loop
// to len of that slice could disagree on the length.
func (s *state) decideByBounds(op token.Token, a, b value) (value, bool) {
	sym, c, flip := b, a.n, false
	switch {
	case a.k == vInt && b.k == vUnknown:
	case b.k == vInt && a.k == vUnknown:
		sym, c, flip = a, b.n, true
	default:
		return value{}, false
	}
	key := sym.key()
	if key == "" || s.memo.n == 0 {
		return value{}, false
	}
	lo, hi := s.bounds(key)
	var res, known bool
	switch op {
	case token.EQL, token.NEQ:
		switch {
		case c < lo || c > hi:
			res, known = false, true
		case lo == hi:
			res, known = true, true
		}
		if known && op == token.NEQ {
			res = !res
		}
	default:
		// Put the comparison as c op' sym.
		if flip {
			switch op {
			case token.LSS:
				op = token.GTR
			case token.GTR:
				op = token.LSS
			case token.LEQ:
				op = token.GEQ
			case token.GEQ:
				op = token.LEQ
			}
		}
		switch op {
		case token.LSS: // c < sym
			res, known = c < lo, c < lo || hi <= c
		case token.LEQ: // c <= sym
			res, known = c <= lo, c <= lo || hi < c
		case token.GTR: // c > sym
			res, known = c > hi, c > hi || lo >= c
		case token.GEQ: // c >= sym
			res, known = c >= hi, c >= hi || lo > c
		}
	}
	if !known {
		return value{}, false
	}
	return boolVal(res), true
}

// bounds returns the least and greatest values of the integer symbol key
// that the outcomes in s.memo allow: lengths are never negative, c < key
// held means key > c, and so on.
func (s *state) bounds(key string) (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	if strings.HasPrefix(key, "len(") || strings.HasPrefix(key, "cap(") {
		lo = 0
	}
	var ne []int64
	s.memo.forSym(key, func(e memoEntry) {
		k, v := e.key, e.v
		inner, ok := strings.CutPrefix(k, "(")
		if !ok {
			return
		}
		inner, ok = strings.CutSuffix(inner, ")")
		if !ok {
			return
		}
		if rest, ok := strings.CutSuffix(inner, "<"+key); ok { // c < key
			if c, ok := intKey(rest); ok {
				if v {
					lo = max(lo, c+1)
				} else {
					hi = min(hi, c)
				}
			}
		} else if rest, ok := strings.CutPrefix(inner, key+"<"); ok { // key < c
			if c, ok := intKey(rest); ok {
				if v {
					hi = min(hi, c-1)
				} else {
					lo = max(lo, c)
				}
			}
		} else if rest, ok := strings.CutSuffix(inner, "=="+key); ok {
			if c, ok := intKey(rest); ok {
				if v {
					lo, hi = max(lo, c), min(hi, c)
				} else {
					ne = append(ne, c)
				}
			}
		} else if rest, ok := strings.CutPrefix(inner, key+"=="); ok {
			if c, ok := intKey(rest); ok {
				if v {
					lo, hi = max(lo, c), min(hi, c)
				} else {
					ne = append(ne, c)
				}
			}
		}
	})
	slices.Sort(ne)
	for _, c := range ne {
		if c == lo && lo < hi {
			lo++
		}
	}
	for i := len(ne) - 1; i >= 0; i-- {
		if ne[i] == hi && lo < hi {
			hi--
		}
	}
	return lo, hi
}

// intKey parses the condition key of a known integer ("i3").
func intKey(k string) (int64, bool) {
	rest, ok := strings.CutPrefix(k, "i")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, err == nil
}

// isArray reports whether v refers to a tracked array that no code the
// engine does not see can hold.
func (s *state) isArray(v value) bool {
	o, _ := s.arrayObject(v)
	return o != nil && !o.escaped
}

// appendArray appends the variadic elements args[1] to the slice args[0]
// when the slice is nil or a tracked array and the result is small
// enough to track: a new array of their elements. The old slice keeps its
// elements (writes through one are not seen through the other, as when
// append copies).
func (s *state) appendArray(args []value) (value, bool) {
	if len(args) != 2 || !s.isArray(args[1]) || args[0].k != vNil && !s.isArray(args[0]) {
		return value{}, false
	}
	var elems []value
	if args[0].k != vNil {
		o, _ := s.arrayObject(args[0])
		elems = append(elems, o.fields...)
	}
	add, elem := s.arrayObject(args[1])
	elems = append(elems, add.fields...)
	if len(elems) > maxArray {
		return value{}, false
	}
	if isInline(elem) {
		return value{}, false // appended struct values are copies: not tracked
	}
	typ := types.NewArray(elem, int64(len(elems)))
	id := s.newObject(&object{k: oStruct, typ: typ, made: s.heap[args[1].n].made, fields: slices.Clone(elems)})
	return ref(id), true
}
