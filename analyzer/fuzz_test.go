package analyzer_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"regexp"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/goroutinelint/goroutinelint/analyzer"
	"github.com/goroutinelint/goroutinelint/internal/lint"
	"github.com/goroutinelint/goroutinelint/internal/passtest"
)

// fuzzSeeds are small programs with the shapes the checks reason about;
// the fuzzer mutates them (see mutate) and runs the suite on every mutant
// that type-checks.
var fuzzSeeds = []string{`package p

import (
	"context"
	"net/http"
	"time"
)

type result struct{ err error }

func fetch(ctx context.Context) (result, error) {
	resc := make(chan result)
	go func() {
		c := &http.Client{}
		_, err := c.Get("http://example.com")
		resc <- result{err}
	}()
	select {
	case r := <-resc:
		return r, nil
	case <-ctx.Done():
		return result{}, ctx.Err()
	case <-time.After(time.Second):
		return result{}, nil
	}
}
`, `package p

import (
	"net/http"
	"sync"
)

var logCh = make(chan string, 10)

func init() {
	go func() {
		for m := range logCh {
			_ = m
		}
	}()
}

func logMessage(m string) { logCh <- m }

func handle(w http.ResponseWriter, r *http.Request) {
	go func() { logMessage(r.URL.Path) }()
	var wg sync.WaitGroup
	wg.Go(func() { logMessage("x") })
	wg.Wait()
}
`, `package p

import "sync"

type pool struct {
	queue chan func()
	stop  chan struct{}
	wg    sync.WaitGroup
}

func (p *pool) worker() {
	defer p.wg.Done()
	for {
		select {
		case t, ok := <-p.queue:
			if !ok {
				return
			}
			t()
		case <-p.stop:
			return
		}
	}
}

func start(n int) *pool {
	p := &pool{queue: make(chan func()), stop: make(chan struct{})}
	for range n {
		p.wg.Add(1)
		go p.worker()
	}
	return p
}

func (p *pool) close() { close(p.stop); p.wg.Wait() }

func fanout(items []int) error {
	errc := make(chan error)
	for _, it := range items {
		go func() {
			if it < 0 {
				errc <- nil
				return
			}
			errc <- nil
		}()
	}
	for range items {
		if err := <-errc; err != nil {
			return err
		}
	}
	done := make(chan struct{})
	go func() { <-done }()
	if len(items) == 0 {
		return nil
	}
	close(done)
	return nil
}
`}

// mutations rewrite one occurrence (chosen by the fuzzer) of a pattern.
var mutations = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`make\(chan ([\w.{}*]+)\)`), "make(chan $1, 1)"},   // unbuffered -> buffered
	{regexp.MustCompile(`make\(chan ([\w.{}*]+), \w+\)`), "make(chan $1)"}, // buffered -> unbuffered
	{regexp.MustCompile(`(?m)^\s*case .*:$`), ""},                          // drop a select case's head
	{regexp.MustCompile(`(?m)^\s*close\(.*\)$`), ""},                       // drop a close
	{regexp.MustCompile(`(?m)^\s*return.*$`), ""},                          // drop a return
	{regexp.MustCompile(`(?m)\{$`), "{\n\treturn"},                         // add an early return
	{regexp.MustCompile(`\bgo `), ""},                                      // run a goroutine's body inline
	{regexp.MustCompile(`(?m)^(\s*)(\w+ <- .*)$`), "$1$2\n$1$2"},           // send twice
	{regexp.MustCompile(`(?m)^\s*default:$`), ""},                          // drop a default
	{regexp.MustCompile(`Timeout: [^,}]+`), "Timeout: 0"},                  // zero a timeout
}

// mutate applies ops, read as pairs (mutation, occurrence), to src.
func mutate(src string, ops []byte) string {
	for i := 0; i+1 < len(ops) && i < 16; i += 2 {
		m := mutations[int(ops[i])%len(mutations)]
		locs := m.re.FindAllStringIndex(src, -1)
		if len(locs) == 0 {
			continue
		}
		loc := locs[int(ops[i+1])%len(locs)]
		src = src[:loc[0]] + m.re.ReplaceAllString(src[loc[0]:loc[1]], m.repl) + src[loc[1]:]
	}
	return src
}

// FuzzSuite runs every check on mutants of the seeds: no panic, no
// recovered panic, no analysis error, whatever the mutation.
func FuzzSuite(f *testing.F) {
	for i := range fuzzSeeds {
		f.Add(uint8(i), []byte{})
		f.Add(uint8(i), []byte{0, 0, 2, 1})
		f.Add(uint8(i), []byte{3, 0, 4, 1, 6, 0})
	}
	f.Fuzz(func(t *testing.T, seed uint8, ops []byte) {
		src := mutate(fuzzSeeds[int(seed)%len(fuzzSeeds)], ops)
		before := lint.Crashes()
		findings, err := runSuite(src)
		if err != nil {
			t.Fatalf("%v\nprogram:\n%s", err, src)
		}
		if len(ops) == 0 && findings <= 0 {
			// The seeds are leaky on purpose: a seed that does not
			// type-check or yields nothing means the harness is broken.
			t.Fatalf("seed %d: %d findings (-1: did not type-check), want some", seed, findings)
		}
		if lint.Crashes() != before {
			t.Fatalf("a check panicked (recovered; see stderr) on:\n%s", src)
		}
	})
}

// fuzzImports is shared across fuzz inputs: type-checking the standard
// library's export data once keeps each input cheap.
var fuzzImports = struct {
	sync.Mutex
	fset     *token.FileSet
	importer types.Importer
}{fset: token.NewFileSet()}

// exportsImporter is the gc importer, which asks the go command for a
// package's export data the first time it imports it: those first imports
// take the lock of the module's fixture loads (passtest.LockExports), so
// that with a cold build cache the go command compiles net/http once, not
// here and in another test binary's load at the same time.
type exportsImporter struct {
	gc   types.Importer
	seen map[string]bool // imported before: the gc importer has it
}

func (imp *exportsImporter) Import(path string) (*types.Package, error) {
	if !imp.seen[path] {
		imp.seen[path] = true
		defer passtest.LockExports()()
	}
	return imp.gc.Import(path)
}

// runSuite type-checks src as one package and runs every analyzer of the
// suite, and those they require, on it, with no facts from imports (as a
// driver that does not analyse dependencies would). A mutant that does not
// type-check is skipped. It returns the number of findings, or -1 for a
// skipped mutant.
func runSuite(src string) (int, error) {
	fuzzImports.Lock()
	defer fuzzImports.Unlock()
	fset := fuzzImports.fset
	if fuzzImports.importer == nil {
		fuzzImports.importer = &exportsImporter{gc: importer.ForCompiler(fset, "gc", nil), seen: make(map[string]bool)}
	}
	file, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return -1, nil // not Go: nothing to analyse
	}
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{},
		Implicits: map[ast.Node]types.Object{}, Instances: map[*ast.Ident]types.Instance{}, Scopes: map[ast.Node]*types.Scope{},
		Selections: map[*ast.SelectorExpr]*types.Selection{}, FileVersions: map[*ast.File]string{},
	}
	conf := types.Config{Importer: fuzzImports.importer, Error: func(error) {}}
	pkg, err := conf.Check("p", fset, []*ast.File{file}, info)
	if err != nil {
		return -1, nil // ill-typed mutants are skipped, as drivers skip them
	}
	findings := 0
	results := map[*analysis.Analyzer]any{}
	var run func(a *analysis.Analyzer) error
	run = func(a *analysis.Analyzer) error {
		if _, done := results[a]; done {
			return nil
		}
		inputs := map[*analysis.Analyzer]any{}
		for _, req := range a.Requires {
			if err := run(req); err != nil {
				return err
			}
			inputs[req] = results[req]
		}
		pass := &analysis.Pass{
			Analyzer: a, Fset: fset, Files: []*ast.File{file}, Pkg: pkg, TypesInfo: info,
			TypesSizes: types.SizesFor("gc", "amd64"), ResultOf: inputs, ReadFile: os.ReadFile,
			Report:            func(analysis.Diagnostic) { findings++ },
			ImportObjectFact:  func(types.Object, analysis.Fact) bool { return false },
			ExportObjectFact:  func(types.Object, analysis.Fact) {},
			ImportPackageFact: func(*types.Package, analysis.Fact) bool { return false },
			ExportPackageFact: func(analysis.Fact) {},
			AllObjectFacts:    func() []analysis.ObjectFact { return nil },
			AllPackageFacts:   func() []analysis.PackageFact { return nil },
		}
		res, err := a.Run(pass)
		if err != nil {
			return err
		}
		results[a] = res
		return nil
	}
	for _, a := range analyzer.All(analyzer.DefaultConfig()) {
		if err := run(a); err != nil {
			return findings, err
		}
	}
	return findings, nil
}
