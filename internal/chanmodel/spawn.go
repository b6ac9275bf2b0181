package chanmodel

import (
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// groupGo lists the methods that start their function argument as a
// goroutine.
var groupGo = newFuncSet(
	"(*golang.org/x/sync/errgroup.Group).Go",
	"(*golang.org/x/sync/errgroup.Group).TryGo",
	"(*sync.WaitGroup).Go", // Go 1.25
)

// groupWait lists the methods that wait for such goroutines.
var groupWait = newFuncSet(
	"(*golang.org/x/sync/errgroup.Group).Wait",
	"(*sync.WaitGroup).Wait",
)

// afterFunc is time.AfterFunc, which runs its function argument in a
// goroutine of its own once the timer fires.
var afterFunc = newFuncSet("time.AfterFunc")

// isAfterFunc reports whether c calls time.AfterFunc.
func isAfterFunc(c *ssa.CallCommon) bool {
	return calleeIn(c, afterFunc)
}

// timerKept reports whether the *time.Timer that the AfterFunc call ci
// returns is used: kept to be stopped or reset, or handed on.
func timerKept(ci ssa.CallInstruction) bool {
	call, ok := ci.(*ssa.Call)
	if !ok {
		return true // go or defer of AfterFunc: odd, so unknown
	}
	refs := call.Referrers()
	if refs == nil {
		return false
	}
	for _, r := range *refs {
		if _, isDebug := r.(*ssa.DebugRef); !isDebug {
			return true
		}
	}
	return false
}

// isGroupGo reports whether the call starts its argument as a goroutine
// through errgroup.Group.Go, TryGo or sync.WaitGroup.Go.
func isGroupGo(c *ssa.CallCommon) bool {
	return calleeIn(c, groupGo)
}

// calleeIn reports whether c statically calls a function of set.
func calleeIn(c *ssa.CallCommon, set funcSet) bool {
	if c.IsInvoke() {
		return false // an interface method: not one of ours
	}
	fn := c.StaticCallee()
	if fn == nil {
		return false // dynamic call
	}
	obj, ok := fn.Object().(*types.Func)
	return ok && set.has(obj.Origin())
}

// funcSet is a set of functions spelt as types.Func.FullName spells them.
// Most calls miss it on the bare name, without building the full one:
// naming every callee cost a third of the model's time.
type funcSet struct {
	full  map[string]bool
	names map[string]bool // the bare names of full's functions
}

func newFuncSet(full ...string) funcSet {
	s := funcSet{full: make(map[string]bool), names: make(map[string]bool)}
	for _, f := range full {
		s.full[f] = true
		s.names[f[strings.LastIndex(f, ".")+1:]] = true
	}
	return s
}

// has reports whether fn is in the set.
func (s funcSet) has(fn *types.Func) bool {
	return s.names[fn.Name()] && s.full[fn.FullName()]
}

// A Spawn is one place where a function starts a goroutine.
type Spawn struct {
	Instr ssa.CallInstruction // the go statement or the Go call
	Pos   token.Pos
	// Body is the goroutine's function, nil when it is dynamic.
	Body *ssa.Function
	// Group is set for errgroup.Group.Go and sync.WaitGroup.Go.
	Group bool
}

// spawnOf returns the spawn made by instr, if it is one.
func spawnOf(instr ssa.Instruction) (Spawn, bool) {
	switch i := instr.(type) {
	case *ssa.Go:
		sp := Spawn{Instr: i, Pos: i.Pos()}
		if !i.Call.IsInvoke() {
			sp.Body = funcOf(i.Call.Value)
		}
		return sp, true
	case *ssa.Call:
		if !isGroupGo(&i.Call) || len(i.Call.Args) != 2 {
			return Spawn{}, false // an ordinary call
		}
		return Spawn{Instr: i, Pos: i.Pos(), Body: funcOf(i.Call.Args[1]), Group: true}, true
	}
	return Spawn{}, false
}

// funcOf returns the function a function value denotes, or nil.
func funcOf(v ssa.Value) *ssa.Function {
	switch v := v.(type) {
	case *ssa.Function:
		return v
	case *ssa.MakeClosure:
		fn, _ := v.Fn.(*ssa.Function)
		return fn
	}
	return nil
}

// callsGroupWait reports whether fn waits for an errgroup or WaitGroup.
func callsGroupWait(fn *ssa.Function) bool {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if c, ok := instr.(ssa.CallInstruction); ok && calleeIn(c.Common(), groupWait) {
				return true
			}
		}
	}
	return false
}
