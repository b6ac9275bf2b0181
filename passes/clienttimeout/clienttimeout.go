package clienttimeout

import (
	_ "embed"
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"path/filepath"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"

	"github.com/goroutinelint/goroutinelint/internal/lint"
)

// Name is the analyzer's name, its flag prefix and its README anchor.
const Name = "clienttimeout"

// docFile is doc.go: its package comment is the analyzer's documentation,
// written once.
//
//go:embed doc.go
var docFile string

// doc is the analyzer's Doc, the "# Analyzer" section of doc.go.
var doc = lint.MustExtractDoc(docFile, Name)

// Diagnostic categories; each has a README anchor under #clienttimeout.
const (
	categoryLiteral = "literal" // a client built in this package
	categoryDefault = "default" // http.DefaultClient and the package-level helpers
	categoryHelper  = "helper"  // a client returned by another module's function
)

// consequence ends every message: what the missing Timeout does.
const consequence = "a request to an unresponsive server blocks forever"

// Config holds the analyzer's settings; New binds each to a flag.
type Config struct {
	// DefaultClient reports http.DefaultClient and http.Get, Head, Post and PostForm.
	DefaultClient bool
	// Tests also reports in _test.go files and in packages that exist for
	// tests (a non-test file imports testing or starts an httptest server),
	// where requests to httptest servers are normal.
	Tests bool
	// FixTimeout is the Timeout the suggested fix inserts.
	FixTimeout time.Duration
	// Generated reports in generated files too.
	Generated bool
}

// DefaultConfig returns the settings used when no flag is given.
func DefaultConfig() Config {
	return Config{DefaultClient: true, FixTimeout: 30 * time.Second}
}

// Analyzer is the analyzer with the default configuration.
var Analyzer = New(DefaultConfig())

// New returns a fresh analyzer whose flags are bound to a copy of cfg.
func New(cfg Config) *analysis.Analyzer {
	c := &cfg
	a := &analysis.Analyzer{
		Name:      Name,
		Doc:       doc,
		URL:       "https://github.com/goroutinelint/goroutinelint#clienttimeout",
		Flags:     *flag.NewFlagSet(Name, flag.ContinueOnError),
		Requires:  []*analysis.Analyzer{buildssa.Analyzer, inspect.Analyzer},
		FactTypes: []analysis.Fact{new(returnsBareClient), new(clientParams)},
		Run:       func(pass *analysis.Pass) (any, error) { return run(pass, c) },
	}
	a.Flags.BoolVar(&c.DefaultClient, "default-client", c.DefaultClient, "report http.DefaultClient and http.Get, Head, Post, PostForm")
	a.Flags.BoolVar(&c.Tests, "tests", c.Tests, "report in _test.go files and in packages for tests too")
	a.Flags.DurationVar(&c.FixTimeout, "fix-timeout", c.FixTimeout, "Timeout inserted by the suggested fix")
	a.Flags.BoolVar(&c.Generated, "generated", c.Generated, "report in generated files too")
	return a
}

// checker carries one package's analysis state.
type checker struct {
	pass   *analysis.Pass
	cfg    *Config
	report *lint.Reporter
	syntax *syntaxIndex
	module string                  // module path of the analysed package, "" if unknown
	allocs map[token.Pos]allocSite // client allocations by position
	funcs  []*ssa.Function         // the package's functions, initialiser included
	// bySyntax maps a function's syntax to its SSA function, built on first use.
	bySyntax map[ast.Node]*ssa.Function
	ssaPkg   *ssa.Package
	// inProcess memoises answersInProcess.
	inProcess map[*ssa.Function]bool
}

func run(pass *analysis.Pass, cfg *Config) (any, error) {
	if !importsHTTP(pass.Pkg) {
		return nil, nil // no package that cannot see net/http can build or receive a client
	}
	named := scanMentions(pass)
	if !named.any {
		return nil, nil // nothing here builds, uses or receives a client
	}
	if !cfg.Tests && isTestPackage(pass, named) {
		return nil, nil // a package for tests: its clients talk to test servers (no facts either: unknown)
	}
	ssaInfo := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	c := &checker{
		pass:   pass,
		cfg:    cfg,
		report: lint.NewReporter(pass, Name, cfg.Generated),
		syntax: indexSyntax(pass, insp),
		allocs: make(map[token.Pos]allocSite),
	}
	if !cfg.Tests {
		c.report.SkipFiles(isTestFileName) // tests talk to httptest servers and in-memory transports
	}
	if pass.Module != nil {
		c.module = pass.Module.Path
	}
	funcs := ssaFuncs(ssaInfo)
	c.funcs, c.ssaPkg = funcs, ssaInfo.Pkg
	for _, fn := range funcs {
		lint.Guard(Name, pass.Pkg.Path(), fn, func() { c.indexFunc(fn) })
	}
	for _, lit := range c.syntax.lits {
		lint.Guard(Name, pass.Pkg.Path(), c.where(lit), func() { c.checkLiteral(lit) })
	}
	for _, call := range c.syntax.newCalls {
		lint.Guard(Name, pass.Pkg.Path(), c.where(call), func() { c.checkNew(call) })
	}
	for _, v := range c.syntax.zeroLocals {
		lint.Guard(Name, pass.Pkg.Path(), c.where(v.ident), func() { c.checkZeroVar(v.ident, v.obj) })
	}
	c.checkZeroGlobals(funcs)
	c.exportClientParams(funcs)
	if cfg.DefaultClient && named.defaultClient {
		c.checkDefaultClientUses(insp)
	}
	c.report.Finish()
	return nil, nil
}

// where names a syntax node's position for a crash report.
func (c *checker) where(n ast.Node) lint.Text {
	p := c.pass.Fset.Position(n.Pos())
	return lint.Text(fmt.Sprintf("code at %s:%d", filepath.Base(p.Filename), p.Line))
}

// reportf reports a diagnostic with an optional suggested fix.
func (c *checker) reportf(rng analysis.Range, category string, fix *analysis.SuggestedFix, format string, args ...any) {
	d := analysis.Diagnostic{Pos: rng.Pos(), End: rng.End(), Category: category, Message: fmt.Sprintf(format, args...)}
	if fix != nil {
		d.SuggestedFixes = []analysis.SuggestedFix{*fix}
	}
	c.report.Report(d)
}
