package chanmodel

import (
	_ "embed"
	"go/types"
	"reflect"
	"slices"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/lint"
)

// Name is the analyzer's name; it reports nothing, so it has no flags.
const Name = "chanmodel"

// docFile is doc.go: its package comment is the analyzer's documentation,
// written once.
//
//go:embed doc.go
var docFile string

// doc is the analyzer's Doc, the "# Analyzer" section of doc.go.
var doc = lint.MustExtractDoc(docFile, Name)

// Analyzer computes the channel model of a package. It is a singleton:
// a fact type may belong to only one analyzer.
var Analyzer = &analysis.Analyzer{
	Name:       Name,
	Doc:        doc,
	URL:        "https://github.com/goroutinelint/goroutinelint#chanmodel",
	Requires:   []*analysis.Analyzer{buildssa.Analyzer},
	ResultType: reflect.TypeFor[*Result](),
	FactTypes:  []analysis.Fact{new(chanSummary)},
	Run:        run,
}

// Result is the channel model of one package, with query methods.
//
// The passes that use it run in parallel (unitchecker and the checker run
// independent analyzers of one package concurrently), and the queries
// memoise into the model, so every query that reaches the model holds mu.
type Result struct {
	mu sync.Mutex
	m  *model
}

// Summary returns fn's summary: for a function of this package (closures
// included), the computed one, and for another package's function, the one
// its fact carries. It returns nil when unknown.
func (r *Result) Summary(fn *ssa.Function) *Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, _ := r.m.summaryOf(fn)
	return s
}

// Abandons returns the channels made in fn, a function of this package,
// that fn can abandon while goroutines it started still need to send.
func (r *Result) Abandons(fn *ssa.Function) []Abandon {
	r.mu.Lock()
	defer r.mu.Unlock()
	if a, ok := r.m.abandons[fn]; ok {
		return a
	}
	var out []Abandon
	lint.Guard(Name, r.m.pass.Pkg.Path(), fn, func() { out = r.m.abandonsIn(fn) })
	r.m.abandons[fn] = out
	return out
}

// Spawns returns the goroutines fn starts directly, in instruction order.
func (r *Result) Spawns(fn *ssa.Function) []Spawn {
	var out []Spawn
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if sp, ok := spawnOf(instr); ok {
				out = append(out, sp)
			}
		}
	}
	return out
}

// Callee names fn for messages when it lies in another package, and
// returns "" for a function of this package.
func (r *Result) Callee(fn *ssa.Function) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ext := r.m.summaryOf(fn)
	return ext
}

func run(pass *analysis.Pass) (any, error) {
	ssaInfo := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	m := newModel(pass, ssaInfo.Pkg)
	res := &Result{m: m}
	if lint.IsStd(pass) {
		return res, nil // the standard library is summarised by no fact: calls into it are unknown
	}
	// buildssa's SrcFuncs leave out the package initializer and the
	// function literals of package-level initializers (var f =
	// sync.OnceFunc(func() {...})): the model needs them to see every use
	// of a channel or function.
	fns := append(slices.Clip(ssaInfo.SrcFuncs), InitLiterals(ssaInfo.Pkg)...)
	if init := ssaInfo.Pkg.Func("init"); init != nil && !slices.Contains(ssaInfo.SrcFuncs, init) {
		fns = append(fns, init)
	}
	if !m.relevant(fns) {
		return res, nil // no channel, goroutine or summarised callee: every summary would be empty
	}
	m.srcFuncs = fns
	m.summarizeAll(m.srcFuncs)
	m.exportFacts(m.srcFuncs)
	return res, nil
}

// InitLiterals returns the function literals of pkg's package-level
// variable initializers, nested ones included: buildssa's SrcFuncs list
// only the literals of declared functions.
func InitLiterals(pkg *ssa.Package) []*ssa.Function {
	init := pkg.Func("init")
	if init == nil {
		return nil // no package initializer
	}
	var out []*ssa.Function
	var add func(fn *ssa.Function)
	add = func(fn *ssa.Function) {
		for _, anon := range fn.AnonFuncs {
			out = append(out, anon)
			add(anon)
		}
	}
	add(init)
	return out
}

// relevant reports whether any function of the package touches a channel,
// starts a goroutine, calls a function that has a fact or ends the
// process, or has no return at all. It is the fast path: a package failing
// it would export no fact anyway.
func (m *model) relevant(fns []*ssa.Function) bool {
	for _, fn := range fns {
		for _, p := range fn.Params {
			if isChan(p.Type()) {
				return true
			}
		}
		returns := false
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if m.relevantInstr(instr) {
					return true
				}
			}
			_, isRet := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
			returns = returns || isRet
		}
		if !returns && len(fn.Blocks) > 0 {
			return true // loops or blocks forever, or always panics
		}
	}
	return false
}

// relevantInstr reports whether instr can contribute to a summary.
func (m *model) relevantInstr(instr ssa.Instruction) bool {
	switch i := instr.(type) {
	case *ssa.Send, *ssa.Select, *ssa.MakeChan, *ssa.Go:
		return true
	case *ssa.Call:
		if _, ok := spawnOf(i); ok || isExitCall(&i.Call) {
			return true // a group spawn, or a call that ends the process
		}
		callee := i.Call.StaticCallee()
		if callee == nil || callee.Pkg == m.pkg {
			return false // dynamic, or ours (judged by its own instructions)
		}
		s, _ := m.summaryOf(callee)
		return s != nil
	case *ssa.UnOp:
		return isChan(i.X.Type())
	case ssa.CallInstruction:
		callee := i.Common().StaticCallee()
		if callee == nil || callee.Pkg == m.pkg {
			return false // dynamic, or ours (judged by its own instructions)
		}
		s, _ := m.summaryOf(callee)
		return s != nil
	}
	return false
}

// exportFacts exports the summary of each package-level function and
// method that has something to say or takes a channel.
func (m *model) exportFacts(fns []*ssa.Function) {
	for _, fn := range fns {
		obj, ok := fn.Object().(*types.Func)
		if !ok || fn.Parent() != nil || obj.Pkg() != m.pass.Pkg {
			continue // closures and foreign functions get no fact
		}
		s := m.funcs[fn]
		if s == nil {
			continue // unknown: no fact means unknown to importers too
		}
		hasChan := false
		for _, p := range fn.Params {
			hasChan = hasChan || isChan(p.Type())
		}
		if !hasChan && s.empty() {
			continue // nothing to say
		}
		f := s.fact(len(fn.Params), func(i int) bool { return isChan(fn.Params[i].Type()) })
		m.pass.ExportObjectFact(obj.Origin(), f)
	}
}
