package unguardedsend

import (
	_ "embed"
	"flag"
	"go/token"
	"go/types"

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
const Name = "unguardedsend"

// docFile is doc.go: its package comment is the analyzer's documentation,
// written once.
//
//go:embed doc.go
var docFile string

// doc is the analyzer's Doc, the "# Analyzer" section of doc.go.
var doc = lint.MustExtractDoc(docFile, Name)

// Diagnostic categories; each has a README anchor under #unguardedsend.
const (
	categoryAbandoned = "abandoned" // a channel made here that the spawner can stop receiving from
	categoryShared    = "shared"    // a per-request goroutine sending to a shared channel
	categoryHandler   = "handler"   // an HTTP handler itself sending to a shared channel
)

// Config holds the analyzer's settings; New binds each to a flag.
type Config struct {
	// AnySpawner reports sends to shared channels by goroutines started in
	// any function, not only in HTTP handlers.
	AnySpawner bool
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
		URL:      "https://github.com/goroutinelint/goroutinelint#unguardedsend",
		Flags:    *flag.NewFlagSet(Name, flag.ContinueOnError),
		Requires: []*analysis.Analyzer{buildssa.Analyzer, inspect.Analyzer, chanmodel.Analyzer, engine.Analyzer},
		Run:      func(pass *analysis.Pass) (any, error) { return run(pass, c) },
	}
	a.Flags.BoolVar(&c.AnySpawner, "any-spawner", c.AnySpawner, "report sends to shared channels by goroutines started in any function, not only HTTP handlers")
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
	reported map[token.Pos]bool // one diagnostic per send
	// waitGos are the go statements of goroutines the engine found stuck
	// on another wait, never on a send: noexit reports them.
	waitGos map[token.Pos]bool
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
	eng := pass.ResultOf[engine.Analyzer].(*engine.Result)
	c.waitGos = enginediag.WaitGos(eng)
	for _, fn := range ssaInfo.SrcFuncs {
		lint.Guard(Name, pass.Pkg.Path(), fn, func() { c.runFunc(fn) })
	}
	idx := enginediag.NewIndex(pass, pass.ResultOf[inspect.Analyzer].(*inspector.Inspector), ssaInfo.SrcFuncs)
	for _, f := range idx.Sends(eng) {
		c.reportStranded(f)
	}
	c.report.Finish()
	return nil, nil
}

// runFunc reports the problems rooted in fn.
func (c *checker) runFunc(fn *ssa.Function) {
	if fn.Synthetic != "" || len(fn.Blocks) == 0 {
		return // wrappers and bodiless functions start nothing
	}
	c.checkAbandons(fn)
	handler := isHandler(fn)
	if !handler && !c.cfg.AnySpawner {
		return // shared channels are judged per request only
	}
	s := c.model.Summary(fn)
	if s == nil {
		return // unknown: silent
	}
	if handler {
		c.checkHandlerSends(s.Sends)
	}
	c.checkSpawnedSends(s.Spawns, c.perWhat(fn, handler))
}

// perWhat says what each stranded goroutine is one per: "request" for a
// handler, "call" for code run per call, "T" for a sync.Once field of T,
// and "" for code run once per process (init, a package-level Once, what
// only main calls).
func (c *checker) perWhat(fn *ssa.Function, handler bool) string {
	if handler {
		return "request"
	}
	switch st := c.model.Started(fn); st.Kind {
	case chanmodel.StartInit, chanmodel.StartMain:
		return ""
	case chanmodel.StartOnce:
		if st.Owner != "" {
			return st.Owner
		}
		return "sync.Once value"
	}
	return "call"
}

// isHandler reports whether fn has the parameters of an http.HandlerFunc:
// handler functions, ServeHTTP methods and handler literals.
func isHandler(fn *ssa.Function) bool {
	params := fn.Signature.Params()
	return params.Len() == 2 &&
		isNamed(params.At(0).Type(), "net/http", "ResponseWriter") &&
		isNamed(deref(params.At(1).Type()), "net/http", "Request") && isPointer(params.At(1).Type())
}

// isNamed reports whether t is the named type path.name.
func isNamed(t types.Type, path, name string) bool {
	named, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := named.Obj()
	return obj.Pkg() != nil && obj.Pkg().Path() == path && obj.Name() == name
}

// isPointer reports whether t is a pointer type.
func isPointer(t types.Type) bool {
	_, ok := types.Unalias(t).(*types.Pointer)
	return ok
}

// deref returns the element type of a pointer, or t.
func deref(t types.Type) types.Type {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}
