package noexit

import (
	_ "embed"
	"flag"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/chanmodel"
	"github.com/goroutinelint/goroutinelint/internal/engine"
	"github.com/goroutinelint/goroutinelint/internal/enginediag"
	"github.com/goroutinelint/goroutinelint/internal/lint"
)

// Name is the analyzer's name, its flag prefix and its README anchor.
const Name = "noexit"

// docFile is doc.go: its package comment is the analyzer's documentation,
// written once.
//
//go:embed doc.go
var docFile string

// doc is the analyzer's Doc, the "# Analyzer" section of doc.go.
var doc = lint.MustExtractDoc(docFile, Name)

// Diagnostic categories; each has a README anchor under #noexit.
const (
	categoryForever  = "forever"  // the goroutine has no way out at all
	categoryUnclosed = "unclosed" // it waits on a channel that nothing closes
	categoryEarly    = "early"    // it waits on a channel left open by an early return
)

// Config holds the analyzer's settings; New binds each to a flag.
type Config struct {
	// Main reports goroutines started once from main.main, or from code
	// only main.main calls, too; by default they are process-lifetime
	// daemons (the first row of the policy table in README).
	Main bool
	// Generated reports in generated files too.
	Generated bool
}

// DefaultConfig returns the settings used when no flag is given.
func DefaultConfig() Config {
	return Config{}
}

// Analyzer is the analyzer with the default configuration.
var Analyzer = New(DefaultConfig())

// New returns a fresh analyzer whose flags are bound to a copy of cfg.
func New(cfg Config) *analysis.Analyzer {
	c := &cfg
	a := &analysis.Analyzer{
		Name:     Name,
		Doc:      doc,
		URL:      "https://github.com/goroutinelint/goroutinelint#noexit",
		Flags:    *flag.NewFlagSet(Name, flag.ContinueOnError),
		Requires: []*analysis.Analyzer{buildssa.Analyzer, inspect.Analyzer, chanmodel.Analyzer, engine.Analyzer},
		Run:      func(pass *analysis.Pass) (any, error) { return run(pass, c) },
	}
	a.Flags.BoolVar(&c.Main, "main", c.Main, "report goroutines started once from main, or code only main calls, too (daemons by default)")
	a.Flags.BoolVar(&c.Generated, "generated", c.Generated, "report in generated files too")
	return a
}

// checker carries one package's analysis state.
type checker struct {
	pass     *analysis.Pass
	cfg      *Config
	model    *chanmodel.Result
	report   *lint.Reporter
	syntax   *syntaxIndex
	reported map[token.Pos]bool // one diagnostic per spawn
	// waits are the engine's stuck goroutines by the position noexit
	// reports them at (go statement, or the wait of a scope function).
	waits map[token.Pos]*enginediag.Finding
	// sendGos are the go statements of goroutines the engine found stuck
	// on a send, which unguardedsend reports at the send.
	sendGos map[token.Pos]bool
}

func run(pass *analysis.Pass, cfg *Config) (any, error) {
	ssaInfo := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	c := &checker{
		pass:     pass,
		cfg:      cfg,
		model:    pass.ResultOf[chanmodel.Analyzer].(*chanmodel.Result),
		report:   lint.NewReporter(pass, Name, cfg.Generated),
		reported: map[token.Pos]bool{},
		waits:    map[token.Pos]*enginediag.Finding{},
	}
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	idx := enginediag.NewIndex(pass, insp, ssaInfo.SrcFuncs)
	c.syntax = indexSyntax(insp, idx)
	eng := pass.ResultOf[engine.Analyzer].(*engine.Result)
	c.sendGos = enginediag.SendGos(eng)
	waits := idx.Waits(eng)
	for i := range waits {
		c.waits[waits[i].Pos] = &waits[i]
	}
	for _, fn := range ssaInfo.SrcFuncs {
		lint.Guard(Name, pass.Pkg.Path(), fn, func() { c.runFunc(fn) })
	}
	for _, fn := range chanmodel.InitLiterals(ssaInfo.Pkg) {
		// var start = sync.OnceFunc(func() { go ... }): not in SrcFuncs.
		lint.Guard(Name, pass.Pkg.Path(), fn, func() { c.runFunc(fn) })
	}
	for i := range waits {
		c.reportWait(&waits[i])
	}
	c.report.Finish()
	return nil, nil
}

// runFunc checks the goroutines fn starts.
func (c *checker) runFunc(fn *ssa.Function) {
	if fn.Synthetic != "" || len(fn.Blocks) == 0 {
		return // wrappers and bodiless functions start nothing
	}
	spawns := c.model.Spawns(fn)
	if len(spawns) == 0 {
		return // starts nothing
	}
	start := c.model.Started(fn)
	if start.Kind == chanmodel.StartMain && !c.cfg.Main {
		return // daemons of package main, started once: see the policy table in README
	}
	for _, sp := range spawns {
		if !sp.Pos.IsValid() || c.reported[sp.Pos] {
			continue // synthetic, or already reported
		}
		c.checkSpawn(fn, sp, start)
	}
}

// inTestFile reports whether pos lies in a _test.go file.
func (c *checker) inTestFile(pos token.Pos) bool {
	return strings.HasSuffix(c.pass.Fset.PositionFor(pos, false).Filename, "_test.go")
}

// checkSpawn reports the goroutine sp, started by fn, if it can never
// finish: it has no way out at all, or it waits on a channel that is
// never closed (on some path). A goroutine started once per process from
// init that only sleeps or ticks is a daemon, not a leak.
func (c *checker) checkSpawn(fn *ssa.Function, sp chanmodel.Spawn, start chanmodel.Start) {
	body := c.model.BoundMethod(sp.Body)
	if body == nil {
		return // a dynamic goroutine: unknown
	}
	if o := body.Origin(); o != nil {
		body = o
	}
	if ext := c.model.Callee(body); ext != "" {
		if s := c.model.Summary(body); s != nil && s.Forever {
			c.reportForever(fn, sp, start, &chanmodel.Stuck{Kind: chanmodel.StuckCall, Callee: body, Pos: sp.Pos}, ext)
		}
		return // another package's function: its fact says it all
	}
	if st := c.model.Stuck(body); st != nil {
		if start.Kind == chanmodel.StartInit && c.waitOf(st, 0) == chanmodel.WaitTimer {
			return // a janitor started once per process
		}
		c.reportForever(fn, sp, start, st, "")
		return
	}
	if b := c.model.SpawnBlocked(fn, sp); b != nil {
		if start.Kind == chanmodel.StartInit && c.waitOf(&b.Stuck, 0) == chanmodel.WaitTimer {
			return // a janitor whose stop nothing closes, started once per process
		}
		c.reportBlocked(fn, sp, start, b)
	}
}

// waitOf returns what the goroutine st describes waits for, following
// calls of this package's functions that never return.
func (c *checker) waitOf(st *chanmodel.Stuck, depth int) chanmodel.WaitKind {
	if st.Kind == chanmodel.StuckCall && depth < maxDepth && st.Callee != nil && c.model.Callee(st.Callee) == "" {
		if inner := c.model.Stuck(st.Callee); inner != nil {
			return c.waitOf(inner, depth+1)
		}
	}
	return st.Wait
}

// howMany returns how often the goroutine leaks, for the message: "" when
// it starts once per process or in a test file, else "one per call to F"
// or "one per T" for a Once field of T.
func (c *checker) howMany(fn *ssa.Function, sp chanmodel.Spawn, start chanmodel.Start) string {
	switch {
	case start.Kind == chanmodel.StartMain || start.Kind == chanmodel.StartInit || c.inTestFile(sp.Pos):
		return "" // once per process, or a test's own goroutine
	case start.Kind == chanmodel.StartOnce && start.Owner != "":
		return "one per " + start.Owner
	case start.Kind == chanmodel.StartOnce:
		return "one per sync.Once value"
	}
	top := fn
	for top.Parent() != nil {
		top = top.Parent()
	}
	name := funcName(top)
	if top != fn {
		return "one per call of the function literal in " + name
	}
	return "one per call to " + name
}

// funcName names a package-level function or method as the user wrote it:
// "newCache" or "Server.run".
func funcName(fn *ssa.Function) string {
	if recv := fn.Signature.Recv(); recv != nil {
		t := types.Unalias(recv.Type())
		if p, ok := t.(*types.Pointer); ok {
			t = types.Unalias(p.Elem())
		}
		if named, ok := t.(*types.Named); ok {
			return named.Obj().Name() + "." + fn.Name()
		}
	}
	return fn.Name()
}
