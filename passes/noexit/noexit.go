package noexit

import (
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
	"github.com/goroutinelint/goroutinelint/internal/lint"
)

// Name is the analyzer's name, its flag prefix and its README anchor.
const Name = "noexit"

// Diagnostic categories; each has a README anchor under #noexit.
const (
	categoryForever  = "forever"  // the goroutine has no way out at all
	categoryUnclosed = "unclosed" // it waits on a channel that nothing closes
	categoryEarly    = "early"    // it waits on a channel left open by an early return
)

// Config holds the analyzer's settings; New binds each to a flag.
type Config struct {
	// Main reports goroutines started in package main outside init too;
	// by default they are process-lifetime daemons.
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
		Doc:      Doc,
		URL:      "https://github.com/goroutinelint/goroutinelint#noexit",
		Flags:    *flag.NewFlagSet(Name, flag.ContinueOnError),
		Requires: []*analysis.Analyzer{buildssa.Analyzer, inspect.Analyzer, chanmodel.Analyzer},
		Run:      func(pass *analysis.Pass) (any, error) { return run(pass, c) },
	}
	a.Flags.BoolVar(&c.Main, "main", c.Main, "report goroutines started in package main outside init too (daemons by default)")
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
}

func run(pass *analysis.Pass, cfg *Config) (any, error) {
	ssaInfo := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	c := &checker{
		pass:     pass,
		cfg:      cfg,
		model:    pass.ResultOf[chanmodel.Analyzer].(*chanmodel.Result),
		report:   lint.NewReporter(pass, Name, cfg.Generated),
		syntax:   indexSyntax(pass, pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)),
		reported: map[token.Pos]bool{},
	}
	for _, fn := range ssaInfo.SrcFuncs {
		lint.Guard(Name, pass.Pkg.Path(), fn, func() { c.runFunc(fn) })
	}
	c.report.Finish()
	return nil, nil
}

// runFunc checks the goroutines fn starts.
func (c *checker) runFunc(fn *ssa.Function) {
	if fn.Synthetic != "" || len(fn.Blocks) == 0 {
		return // wrappers and bodiless functions start nothing
	}
	for _, sp := range c.model.Spawns(fn) {
		if !sp.Pos.IsValid() || c.reported[sp.Pos] {
			continue // synthetic, or already reported
		}
		if c.isDaemon(fn, sp) {
			continue // a process-lifetime goroutine of package main
		}
		c.checkSpawn(fn, sp)
	}
}

// isDaemon reports whether sp is a goroutine of package main started
// outside init and outside a test file: it lives as long as the process,
// by design, unless -noexit.main asks for it.
func (c *checker) isDaemon(fn *ssa.Function, sp chanmodel.Spawn) bool {
	return c.pass.Pkg.Name() == "main" && !c.cfg.Main && !chanmodel.IsInit(fn) && !c.inTestFile(sp.Pos)
}

// inTestFile reports whether pos lies in a _test.go file.
func (c *checker) inTestFile(pos token.Pos) bool {
	return strings.HasSuffix(c.pass.Fset.PositionFor(pos, false).Filename, "_test.go")
}

// checkSpawn reports the goroutine sp, started by fn, if it can never
// finish: it has no way out at all, or it waits on a channel that is
// never closed (on some path).
func (c *checker) checkSpawn(fn *ssa.Function, sp chanmodel.Spawn) {
	body := c.model.BoundMethod(sp.Body)
	if body == nil {
		return // a dynamic goroutine: unknown
	}
	if o := body.Origin(); o != nil {
		body = o
	}
	if ext := c.model.Callee(body); ext != "" {
		if s := c.model.Summary(body); s != nil && s.Forever {
			c.reportForever(fn, sp, &chanmodel.Stuck{Kind: chanmodel.StuckCall, Callee: body, Pos: sp.Pos}, ext)
		}
		return // another package's function: its fact says it all
	}
	if st := c.model.Stuck(body); st != nil {
		c.reportForever(fn, sp, st, "")
		return
	}
	if b := c.model.SpawnBlocked(fn, sp); b != nil {
		c.reportBlocked(fn, sp, b)
	}
}

// perCall returns how often the goroutine leaks, for the message: "" for
// init and test files, else "one per call to F".
func (c *checker) perCall(fn *ssa.Function, sp chanmodel.Spawn) string {
	if chanmodel.IsInit(fn) || c.inTestFile(sp.Pos) {
		return "" // once per process, or a test's own goroutine
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
