package chanmodel

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// A StartKind says how often the code that starts a goroutine runs, which
// decides how often the goroutine leaks.
type StartKind uint8

const (
	// StartPerCall: once per call of the function (handlers, constructors,
	// functions called from loops or from other goroutines, anything whose
	// callers the model does not know).
	StartPerCall StartKind = iota
	// StartMain: once per process, from main.main or a function only
	// main.main calls (transitively, outside loops).
	StartMain
	// StartInit: once per process, from init, a function only init calls,
	// or a package-level sync.Once (or sync.OnceFunc, OnceValue, OnceValues
	// made at package level).
	StartInit
	// StartOnce: once per sync.Once value that is not package-level: a
	// struct field's Once, or a sync.OnceFunc made by a function.
	StartOnce
)

// A Start says how often a function that starts goroutines runs.
type Start struct {
	Kind StartKind
	// Owner names, for StartOnce on a struct field, the struct type whose
	// values each run the function once ("Server"); "" otherwise.
	Owner string
}

// maxStartDepth bounds how many callers deep Started looks.
const maxStartDepth = 8

// onceDo lists the calls that run their function argument at most once
// per Once value.
var onceDo = newFuncSet("(*sync.Once).Do")

// onceFuncs lists the functions that return a function running their
// argument at most once.
var onceFuncs = newFuncSet("sync.OnceFunc", "sync.OnceValue", "sync.OnceValues")

// Started returns how often fn, a function of this package, runs: how many
// goroutines a spawn in it starts.
func (r *Result) Started(fn *ssa.Function) Start {
	r.mu.Lock()
	defer r.mu.Unlock()
	if o := fn.Origin(); o != nil {
		fn = o
	}
	return r.m.started(fn, 0)
}

// started computes Started, looking at most maxStartDepth callers up.
func (m *model) started(fn *ssa.Function, depth int) Start {
	if s, ok := m.starts[fn]; ok {
		return s
	}
	m.starts[fn] = Start{} // in progress: recursion runs per call
	s := m.computeStarted(fn, depth)
	m.starts[fn] = s
	return s
}

// computeStarted decides fn's Start from where it is defined and called.
func (m *model) computeStarted(fn *ssa.Function, depth int) Start {
	if isInit(fn) && fn.Pkg == m.pkg {
		return Start{Kind: StartInit} // a declared init, or the package initializer
	}
	if depth > maxStartDepth || fn.Pkg != m.pkg || fn.Synthetic != "" {
		return Start{} // too deep, another package's, or a wrapper: per call
	}
	if fn.Parent() == nil && fn.Signature.Recv() == nil && fn.Name() == "main" && fn.Pkg.Pkg.Name() == "main" {
		return Start{Kind: StartMain}
	}
	if obj := fn.Object(); obj != nil && obj.Exported() && fn.Pkg.Pkg.Name() != "main" {
		return Start{} // importers may call it
	}
	uses := m.funcUses()[fn]
	if len(uses) == 0 {
		return Start{} // no use the model saw: exported, a test, or unknown
	}
	var out Start
	for i, u := range uses {
		s := m.useStart(u, depth)
		if s.Kind == StartPerCall {
			s = m.tableEntryStart(fn, u, depth)
		}
		if s.Kind == StartPerCall {
			return Start{} // one use runs it per call
		}
		if i > 0 && s != out {
			return Start{} // runs under two policies: say per call
		}
		out = s
	}
	return out
}

// useStart returns how often fn runs through the use u, an instruction of
// the package that refers to fn.
func (m *model) useStart(u funcUse, depth int) Start {
	caller := u.instr.Parent()
	switch i := u.instr.(type) {
	case *ssa.Call:
		if i.Call.Value == u.val && !i.Call.IsInvoke() {
			if m.cfgOf(caller).cyclic[i.Block().Index] {
				return Start{} // called from a loop
			}
			return m.started(caller, depth+1)
		}
		if calleeIn(&i.Call, onceDo) && len(i.Call.Args) == 2 && i.Call.Args[1] == u.val {
			return m.onceStart(i.Call.Args[0], caller, depth)
		}
		if calleeIn(&i.Call, onceFuncs) && len(i.Call.Args) == 1 && i.Call.Args[0] == u.val {
			if s := m.started(caller, depth+1); s.Kind == StartInit {
				return s // a package-level OnceFunc: its initializer runs in init
			}
			return Start{Kind: StartOnce}
		}
	case *ssa.Defer:
		if i.Call.Value == u.val {
			return m.started(caller, depth+1)
		}
	case *ssa.Go:
		// A goroutine started once runs its function once; started from a
		// loop (an accept loop), once per iteration.
		if i.Call.Value == u.val && !m.cfgOf(caller).cyclic[i.Block().Index] {
			return m.started(caller, depth+1)
		}
	}
	return Start{} // started as a goroutine, stored, passed on: per call
}

// maxStoreDepth bounds how many conversions storesValue follows.
const maxStoreDepth = 4

// tableEntryStart returns StartMain when u keeps fn, a function of package
// main, as an entry of a table: the value (or a conversion of it) is stored
// in a field, a map or a slice element, by code that runs once
// (main, init, a package variable's initializer), outside a loop, and goes
// to no call directly. Such tables are a command-line program's commands
// (a factory per command name, a command struct's Run function), and the
// program runs one command per process, as main does. An HTTP handler
// (parameters http.ResponseWriter and *http.Request) runs per request
// wherever it is kept, and a value handed to a call (a registration, a
// walk, a timer) runs as often as the callee likes: both stay per call.
// Anything else is StartPerCall, as before.
func (m *model) tableEntryStart(fn *ssa.Function, u funcUse, depth int) Start {
	if m.pkg.Pkg.Name() != "main" || isHTTPHandler(fn.Signature) {
		return Start{}
	}
	if !storesValue(u.instr, u.val, maxStoreDepth) {
		return Start{}
	}
	caller := u.instr.Parent()
	if m.cfgOf(caller).cyclic[u.instr.Block().Index] {
		return Start{} // a table filled in a loop: not one entry per command
	}
	if s := m.started(caller, depth+1); s.Kind != StartMain && s.Kind != StartInit {
		return Start{}
	}
	return Start{Kind: StartMain}
}

// storesValue reports whether instr stores v (a function or a closure) in
// a table: a field, a slice or array element or a map entry, or stores a
// conversion of v (to a named function type or an interface) whose every
// use is such a store. A variable's value is not a table entry.
func storesValue(instr ssa.Instruction, v ssa.Value, depth int) bool {
	switch i := instr.(type) {
	case *ssa.Store:
		switch i.Addr.(type) {
		case *ssa.FieldAddr, *ssa.IndexAddr:
			return i.Val == v
		}
		return false // a variable: its reader may call it from anywhere
	case *ssa.MapUpdate:
		return i.Value == v
	case *ssa.ChangeType, *ssa.MakeInterface:
		if depth <= 0 {
			return false
		}
		conv := i.(ssa.Value)
		refs := conv.Referrers()
		if refs == nil {
			return false
		}
		n := 0
		for _, r := range *refs {
			if _, ok := r.(*ssa.DebugRef); ok {
				continue
			}
			if !storesValue(r, conv, depth-1) {
				return false
			}
			n++
		}
		return n > 0
	}
	return false
}

// isHTTPHandler reports whether sig takes an http.ResponseWriter and an
// *http.Request, as every net/http handler function does.
func isHTTPHandler(sig *types.Signature) bool {
	params := sig.Params()
	if params.Len() != 2 {
		return false
	}
	isHTTP := func(t types.Type, name string) bool {
		if p, ok := types.Unalias(t).(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := types.Unalias(t).(*types.Named)
		return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "net/http" && n.Obj().Name() == name
	}
	return isHTTP(params.At(0).Type(), "ResponseWriter") && isHTTP(params.At(1).Type(), "Request")
}

// onceStart returns how often a function passed to once.Do runs, where
// once is the Do call's receiver in caller.
func (m *model) onceStart(once ssa.Value, caller *ssa.Function, depth int) Start {
	switch o := stripChange(once).(type) {
	case *ssa.Global:
		return Start{Kind: StartInit} // a package-level Once: once per process
	case *ssa.FieldAddr:
		owner := ""
		if p, ok := types.Unalias(o.X.Type()).Underlying().(*types.Pointer); ok {
			if named, ok := types.Unalias(p.Elem()).(*types.Named); ok {
				owner = named.Obj().Name()
			}
		}
		if owner == "" {
			return Start{Kind: StartOnce}
		}
		return Start{Kind: StartOnce, Owner: owner}
	case *ssa.Alloc:
		return m.started(caller, depth+1) // a local Once: once per call of its function
	}
	return Start{Kind: StartOnce}
}

// A funcUse is an instruction that refers to a function of the package:
// val is the function or the closure made of it.
type funcUse struct {
	instr ssa.Instruction
	val   ssa.Value
}

// funcUses returns, memoised, every use of each function of the package:
// calls, go and defer statements, closures, and values passed on. The
// first call scans the package once.
func (m *model) funcUses() map[*ssa.Function][]funcUse {
	if m.funcUseIndex != nil {
		return m.funcUseIndex
	}
	out := map[*ssa.Function][]funcUse{}
	for _, fn := range m.srcFuncs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				var rands [8]*ssa.Value
				for _, r := range instr.Operands(rands[:0]) {
					if r == nil || *r == nil {
						continue
					}
					switch v := (*r).(type) {
					case *ssa.Function:
						if mc, ok := instr.(*ssa.MakeClosure); ok && mc.Fn == v {
							m.closureUses(v, mc, out)
							continue
						}
						t := v
						if o := t.Origin(); o != nil {
							t = o
						}
						out[t] = append(out[t], funcUse{instr, v})
					}
				}
			}
		}
	}
	m.funcUseIndex = out
	return out
}

// closureUses records the uses of the closure mc of fn.
func (m *model) closureUses(fn *ssa.Function, mc *ssa.MakeClosure, out map[*ssa.Function][]funcUse) {
	refs := mc.Referrers()
	if refs == nil {
		return
	}
	for _, r := range *refs {
		if _, ok := r.(*ssa.DebugRef); ok {
			continue // no effect
		}
		out[fn] = append(out[fn], funcUse{r, mc})
	}
}
