package main

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"

	"github.com/goroutinelint/goroutinelint/analyzer"
	internallint "github.com/goroutinelint/goroutinelint/internal/lint"
)

// The package-at-a-time driver (-driver=package, the default).
//
// It lists the packages (go list -deps, through go/packages), with the
// compiler's export data for the standard library only, then analyses
// the packages outside the standard library in dependency order, several
// at once, in this process: it parses one, type-checks it against its
// imports' types, runs the suite with the facts of its dependencies,
// keeps its facts and types (both encoded: facts by object path, types as
// export data, as unitchecker's vetx files hold them) and its findings,
// and drops its syntax, types and SSA. Memory is bounded by the largest
// packages analysed at once, not by the program, and no package of the
// user's is compiled, on a first run or after an edit. Each package's
// results go to a cache of our own (pkgcache.go), keyed on the
// executable, the flags, the package's files and what it imports, so that
// an unchanged package is replayed.
//
// The standard library gives types only: no check exports facts for it
// (lint.IsStd), as the other drivers assume (stddeps.go).

// The values of -driver.
const (
	driverVet     = "vet"     // analyzeVet
	driverPackage = "package" // analyzePackages
)

// A unit is one package of the run that the driver analyses: a root, or
// a dependency outside the standard library, analysed for its facts.
type unit struct {
	pkg  *packages.Package
	root bool
	deps []*unit // the units it imports directly
	// users are the units that import it directly.
	users []*unit

	// Set once it is done.
	key     cacheKey
	entry   *cacheEntry
	failure error // the run cannot go on (a type error, say)
	hit     bool  // replayed from the cache

	factsOnce sync.Once
	facts     []decodedFact // entry.Facts decoded, shared by its importers
	factsErr  error
}

// analyzePackages is the package-at-a-time driver, the default. It prints what the
// whole-program driver prints, from the same findings.
func (c *command) analyzePackages(patterns []string) int {
	analyzers := c.selected()
	guardRuns(analyzers, c.stderr)
	deps := analyzer.AsDependency(analyzers)
	guardRuns(deps, c.stderr)
	registerFacts(analyzers)
	cache, err := openCache(c.cacheDir)
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: %v\n", progName, err)
		return exitError
	}
	d := &pkgDriver{c: c, analyzers: analyzers, deps: deps, cache: cache, files: newSourceFiles()}
	// The go command's environment and the executable's identity are
	// needed only once the packages are listed: ask for them meanwhile.
	toolErr := make(chan error, 1)
	go func() {
		goEnv()
		toolErr <- d.toolKey()
	}()
	roots, ok := c.list(patterns, d.files, cache)
	if err := <-toolErr; err != nil && ok {
		fmt.Fprintf(c.stderr, "%s: %v\n", progName, err)
		return exitError
	}
	if !ok {
		return exitError
	}
	d.roots = roots
	units := unitsOf(roots)
	d.units = make(map[*packages.Package]*unit, len(units))
	for _, u := range units {
		d.units[u.pkg] = u
	}
	d.runAll(units)
	for _, u := range units {
		if u.failure != nil {
			// Something the listing did not show (a type error in a
			// package that compiled?): load as the whole-program driver
			// does, which prints it in its words, or say what failed.
			if _, ok := c.load(patterns, analyzers); ok {
				fmt.Fprintf(c.stderr, "%s: %s: %v\n", progName, u.pkg.ID, u.failure)
				fmt.Fprintf(c.stderr, "%s: packages failed to load or type-check; nothing was analyzed\n", progName)
			}
			return exitError
		}
	}
	cache.trim()
	findings, ok := d.findings(units)
	if os.Getenv(envDebug) == "analysed" {
		var ids []string
		for _, u := range units {
			if !u.hit {
				ids = append(ids, u.pkg.ID)
			}
		}
		printAnalysedIDs(c.stderr, ids)
	}
	if !ok {
		return exitError
	}
	return c.render(analyzers, findings)
}

// list lists the packages matching patterns and returns the roots, as go
// vet chooses them; files holds what it has read of their files, and the
// cache the listing hint. It prints what is wrong, as the whole-program
// driver does, and returns false if the run cannot go on.
func (c *command) list(patterns []string, files *sourceFiles, cache *cache) ([]*packages.Package, bool) {
	// cgo's output (the compiled Go files) costs the go command most of an
	// unchanged rerun's listing (it asks every tool and the C compiler for
	// its version), and only a package the driver parses that has cgo
	// files needs it: it is asked for again only then, or when a pattern
	// can name the standard library, whose cgo packages the driver would
	// parse; or when the last such run needed them (the listing hint).
	// Asking for type sizes would ask for compiled files too
	// (go/packages ties them), so the sizes are the gc compiler's for
	// GOARCH: the driver reads the gc compiler's export data anyway.
	mode := packages.NeedName | packages.NeedFiles | packages.NeedImports |
		packages.NeedDeps | packages.NeedModule
	excludeStd := c.patternsExcludeStd(patterns)
	hint := c.hintKey(patterns)
	hinted := excludeStd && cache.hintCompiled(hint)
	if !excludeStd || hinted {
		mode |= packages.NeedCompiledGoFiles
	}
	cfg := &packages.Config{Mode: mode, Tests: c.tests, Dir: c.cwd}
	if c.tags != "" {
		cfg.BuildFlags = []string{"-tags=" + c.tags}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err == nil {
		if mode&packages.NeedCompiledGoFiles == 0 {
			// Without cgo, the files compiled are the Go files.
			packages.Visit(pkgs, nil, func(p *packages.Package) { p.CompiledGoFiles = p.GoFiles })
		}
		// The files' hashes for the cache keys, read once for the cgo
		// check too.
		modCache := goEnv().modCache
		if files.scan(pkgs, modCache) && mode&packages.NeedCompiledGoFiles == 0 {
			cfg.Mode |= packages.NeedCompiledGoFiles
			if pkgs, err = packages.Load(cfg, patterns...); err == nil {
				files.scan(pkgs, modCache)
			}
		}
		if err == nil && excludeStd {
			cache.setHintCompiled(hint, cfg.Mode&packages.NeedCompiledGoFiles != 0 && cgoCompiled(pkgs), hinted)
		}
	}
	if err == nil {
		goarch := goEnv().goarch
		sizes := types.SizesFor("gc", goarch)
		if sizes == nil {
			fmt.Fprintf(c.stderr, "%s: cannot tell the type sizes of GOARCH %q\n", progName, goarch)
			return nil, false
		}
		packages.Visit(pkgs, nil, func(p *packages.Package) { p.TypesSizes = sizes })
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: cannot load packages: %v\n", progName, err)
		return nil, false
	}
	broken := false
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if len(p.Errors) > 0 {
			broken = true
		}
	})
	if broken {
		// The whole-program driver's load prints the errors in the
		// words the bad-input table expects, type errors included.
		if _, ok := c.load(patterns, c.selected()); ok {
			fmt.Fprintf(c.stderr, "%s: the go command lists errors that type-checking does not show; nothing was analyzed\n", progName)
		}
		return nil, false
	}
	return c.rootsOf(patterns, pkgs)
}

// stdExportFiles sets the ExportFile of the standard-library packages in
// the graph of roots, which the go command has compiled into its build
// cache (or compiles now, once for all runs). Only these come from the
// compiler: asking for the export data of every package (go list
// -export) would compile the user's packages too, on every edit, for
// types this driver gets from its own type-checking (unit.entry.Types).
// The driver asks only when a package is to be analysed: a run that
// replays everything skips the go command's hashing of the standard
// library (stdKey stands for the export data in cache keys).
func (c *command) stdExportFiles(roots []*packages.Package) error {
	byPath := make(map[string][]*packages.Package)
	packages.Visit(roots, nil, func(p *packages.Package) {
		if p.PkgPath != "unsafe" && fromExportData(p) {
			byPath[p.PkgPath] = append(byPath[p.PkgPath], p)
		}
	})
	if len(byPath) == 0 {
		return nil
	}
	args := []string{"list", "-e", "-export", "-f", "{{.ImportPath}}\t{{.Export}}{{with .Error}}\t{{.Err}}{{end}}"}
	if c.tags != "" {
		args = append(args, "-tags="+c.tags)
	}
	args = append(args, "--")
	args = append(args, sortedKeys(byPath)...)
	cmd := exec.Command("go", args...)
	cmd.Dir = c.cwd
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go list -export of the standard library: %v\n%s", err, stderr.Bytes())
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, file, _ := strings.Cut(line, "\t")
		if file == "" || strings.Contains(file, "\t") {
			continue // no export data, or an error
		}
		for _, p := range byPath[path] {
			p.ExportFile = file
		}
	}
	return nil
}

// fromExportData reports whether an importer takes p's types from the
// compiler's export data: a standard-library package, unless it is the
// variant of one that its own tests recompile (with export_test.go, under
// goroutinelint std), whose types only its own analysis has.
func fromExportData(p *packages.Package) bool {
	return isStdDep(p) && p.ID == p.PkgPath
}

// unitsOf returns the units of the run in dependency order: the roots and
// the packages outside the standard library that they import, directly or
// not. A standard-library root is a unit; its standard-library imports are
// not, as in the whole-program driver (withoutStdDeps).
func unitsOf(roots []*packages.Package) []*unit {
	byPkg := make(map[*packages.Package]*unit)
	var order []*unit
	var visit func(p *packages.Package) *unit
	visit = func(p *packages.Package) *unit {
		if u, ok := byPkg[p]; ok {
			return u
		}
		u := &unit{pkg: p}
		byPkg[p] = u
		for _, path := range sortedKeys(p.Imports) {
			imp := p.Imports[path]
			if imp.PkgPath == "unsafe" || fromExportData(imp) {
				continue // types only
			}
			dep := visit(imp)
			u.deps = append(u.deps, dep)
			dep.users = append(dep.users, u)
		}
		order = append(order, u)
		return u
	}
	for _, p := range roots {
		visit(p).root = true
	}
	return order
}

// A pkgDriver holds what every unit's analysis shares.
type pkgDriver struct {
	c         *command
	analyzers []*analysis.Analyzer // for the roots
	deps      []*analysis.Analyzer // for dependencies: those with facts
	cache     *cache
	files     *sourceFiles
	tool      []byte                      // the executable's hash and the flags
	units     map[*packages.Package]*unit // every unit, by its package
	roots     []*packages.Package

	stdOnce sync.Once // sets the standard library's export files
	stdErr  error
	stdKeys sync.Map // *packages.Package -> []byte (stdKey)
}

// runAll analyses units, each once its dependencies are done, at most
// GOMAXPROCS at a time. A unit whose dependency failed fails too.
func (d *pkgDriver) runAll(units []*unit) {
	pending := make(map[*unit]int, len(units))
	ready := make(chan *unit, len(units))
	for _, u := range units {
		pending[u] = len(u.deps)
		if len(u.deps) == 0 {
			ready <- u
		}
	}
	done := make(chan *unit)
	workers := min(runtime.GOMAXPROCS(0), len(units))
	for range workers {
		go func() {
			for u := range ready {
				d.runUnit(u)
				done <- u
			}
		}()
	}
	for range units {
		u := <-done
		for _, user := range u.users {
			if pending[user]--; pending[user] == 0 {
				ready <- user
			}
		}
	}
	close(ready)
}

// runUnit replays u from the cache or analyses it and stores the result.
func (d *pkgDriver) runUnit(u *unit) {
	for _, dep := range u.deps {
		if dep.failure != nil {
			u.failure = fmt.Errorf("dependency %s failed", dep.pkg.ID)
			return
		}
	}
	key, err := d.keyOf(u)
	if err != nil {
		u.failure = err
		return
	}
	u.key = key
	if e, ok := d.cache.get(key); ok {
		u.entry, u.hit = e, true
		return
	}
	crashes := internallint.Crashes()
	e, err := d.analyse(u)
	if err != nil {
		u.failure = err
		return
	}
	u.entry = e
	// A function skipped after a panic (lint.Guard) is reported on stderr
	// as it happens; a replay would not say it again, so a package that
	// may have had one (the count is the process's: another package's
	// counts too) is analysed again next time, as a failed pass is.
	if e.cacheable() && internallint.Crashes() == crashes {
		d.cache.put(key, e)
	}
}

// checked is one package parsed and type-checked.
type checked struct {
	fset    *token.FileSet
	files   []*ast.File
	pkg     *types.Package
	info    *types.Info
	imports map[string]*types.Package // by package path, as export data names them
}

// typeCheck parses p's files and type-checks them against the export data
// of its imports, as the whole-program driver's load would (same parser
// mode, sizes and language version).
func (d *pkgDriver) typeCheck(p *packages.Package) (*checked, error) {
	ck := &checked{fset: token.NewFileSet(), imports: make(map[string]*types.Package)}
	for _, name := range p.CompiledGoFiles {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(ck.fset, name, src, parser.AllErrors|parser.ParseComments)
		if err != nil {
			return nil, err
		}
		ck.files = append(ck.files, f)
	}
	conf := &types.Config{
		Sizes: p.TypesSizes,
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			imp, ok := p.Imports[path]
			if !ok {
				return nil, fmt.Errorf("can't resolve import %q", path)
			}
			if pkg, ok := ck.imports[imp.PkgPath]; ok && pkg.Complete() {
				return pkg, nil
			}
			if dep, ok := d.units[imp]; ok && !fromExportData(imp) {
				// A package analysed in this run: the types it left.
				types, err := dep.entry.types()
				if err != nil {
					return nil, err
				}
				return gcexportdata.Read(bytes.NewReader(types), ck.fset, ck.imports, imp.PkgPath)
			}
			if imp.ExportFile == "" {
				return nil, fmt.Errorf("no export data for %s", imp.ID)
			}
			// The file is the compiled package, object code and all (50
			// MB for a large one): read the export data at its start, not
			// the whole file.
			f, err := os.Open(imp.ExportFile)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			r, err := gcexportdata.NewReader(bufio.NewReader(f))
			if err != nil {
				return nil, fmt.Errorf("reading export data of %s: %v", imp.PkgPath, err)
			}
			return gcexportdata.Read(r, ck.fset, ck.imports, imp.PkgPath)
		}),
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	ck.info = &types.Info{
		Types:        make(map[ast.Expr]types.TypeAndValue),
		Defs:         make(map[*ast.Ident]types.Object),
		Uses:         make(map[*ast.Ident]types.Object),
		Implicits:    make(map[ast.Node]types.Object),
		Instances:    make(map[*ast.Ident]types.Instance),
		Scopes:       make(map[ast.Node]*types.Scope),
		Selections:   make(map[*ast.SelectorExpr]*types.Selection),
		FileVersions: make(map[*ast.File]string),
	}
	pkg, err := conf.Check(p.PkgPath, ck.fset, ck.files, ck.info)
	if err != nil {
		return nil, err
	}
	ck.pkg = pkg
	return ck, nil
}

// analyse type-checks u and runs the suite on it: all of it on a root,
// what declares facts on a dependency. It returns u's facts and, for a
// root, its findings and the passes that failed.
func (d *pkgDriver) analyse(u *unit) (*cacheEntry, error) {
	d.stdOnce.Do(func() { d.stdErr = d.c.stdExportFiles(d.roots) })
	if d.stdErr != nil {
		return nil, d.stdErr
	}
	ck, err := d.typeCheck(u.pkg)
	if err != nil {
		return nil, err
	}
	facts := newFactSet(ck.pkg)
	for _, dep := range transitiveDeps(u) {
		decoded, err := dep.decodedFacts()
		if err != nil {
			return nil, err
		}
		facts.importFrom(decoded, ck.imports)
	}
	analyzers := d.deps
	if u.root {
		analyzers = d.analyzers
	}
	actions := d.runAnalyzers(u, ck, facts, analyzers)
	encoded, err := facts.encode()
	if err != nil {
		return nil, err
	}
	var exported bytes.Buffer
	if err := gcexportdata.Write(&exported, ck.fset, ck.pkg); err != nil {
		return nil, fmt.Errorf("exporting the types of %s: %v", u.pkg.ID, err)
	}
	var failures []passFailure
	for _, a := range sortedActions(actions) {
		act := actions[a]
		if act.err != nil && !act.depFailed {
			// Failed itself, not through a prerequisite, as
			// reportFailures counts them.
			failures = append(failures, passFailure{Pass: a.Name, Err: act.err.Error(), Panicked: act.panicked})
		}
	}
	var diags []cachedDiag
	if u.root {
		for _, a := range analyzers {
			for _, diag := range actions[a].diags {
				f := finding{analyzer: a.Name, pkgPath: u.pkg.PkgPath, fset: ck.fset, diag: diag}
				diags = append(diags, cachedDiag{Pass: a.Name, Diag: toJSON(f)})
			}
		}
	}
	return newCacheEntry(u.root, encoded, exported.Bytes(), diags, failures), nil
}

// sortedActions returns the analyzers of actions by name.
func sortedActions(actions map[*analysis.Analyzer]*action) []*analysis.Analyzer {
	out := make([]*analysis.Analyzer, 0, len(actions))
	for a := range actions {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *analysis.Analyzer) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// transitiveDeps returns the units u imports, directly or not, once each.
func transitiveDeps(u *unit) []*unit {
	seen := make(map[*unit]bool)
	var out []*unit
	var visit func(u *unit)
	visit = func(u *unit) {
		for _, dep := range u.deps {
			if !seen[dep] {
				seen[dep] = true
				out = append(out, dep)
				visit(dep)
			}
		}
	}
	visit(u)
	return out
}

// An action is one analyzer run on one package.
type action struct {
	done      bool
	result    any
	err       error
	depFailed bool // err is a failed prerequisite's
	panicked  bool // err is a panic guardRuns has printed
	diags     []analysis.Diagnostic
}

// runAnalyzers runs analyzers and what they require on ck, one after the
// other, and returns their actions.
func (d *pkgDriver) runAnalyzers(u *unit, ck *checked, facts *factSet, analyzers []*analysis.Analyzer) map[*analysis.Analyzer]*action {
	actions := make(map[*analysis.Analyzer]*action)
	var exec func(a *analysis.Analyzer) *action
	exec = func(a *analysis.Analyzer) *action {
		act, ok := actions[a]
		if ok {
			return act
		}
		act = new(action)
		actions[a] = act
		inputs := make(map[*analysis.Analyzer]any, len(a.Requires))
		var failed []string
		for _, req := range a.Requires {
			r := exec(req)
			if r.err != nil {
				failed = append(failed, req.String())
				continue
			}
			inputs[req] = r.result
		}
		if len(failed) > 0 {
			slices.Sort(failed)
			act.err, act.depFailed = fmt.Errorf("failed prerequisites: %v", failed), true
			return act
		}
		pass := d.newPass(u, ck, facts, a, inputs, act)
		act.result, act.err = a.Run(pass)
		if _, ok := act.err.(*panicError); ok {
			act.panicked = true
		}
		pass.ExportObjectFact, pass.ExportPackageFact = nil, nil
		return act
	}
	for _, a := range analyzers {
		exec(a)
	}
	return actions
}

// newPass returns the pass of analyzer a on ck.
func (d *pkgDriver) newPass(u *unit, ck *checked, facts *factSet, a *analysis.Analyzer, inputs map[*analysis.Analyzer]any, act *action) *analysis.Pass {
	p := u.pkg
	var module *analysis.Module
	if p.Module != nil {
		module = &analysis.Module{Path: p.Module.Path, Version: p.Module.Version, GoVersion: p.Module.GoVersion}
	}
	pass := &analysis.Pass{
		Analyzer:     a,
		Fset:         ck.fset,
		Files:        ck.files,
		OtherFiles:   p.OtherFiles,
		IgnoredFiles: p.IgnoredFiles,
		Pkg:          ck.pkg,
		TypesInfo:    ck.info,
		TypesSizes:   p.TypesSizes,
		ResultOf:     inputs,
		Report: func(diag analysis.Diagnostic) {
			if err := checkFixes(ck.fset, diag.SuggestedFixes); err != nil {
				// As the whole-program driver's checker does: a bug in
				// the pass, which guardRuns turns into its failure.
				panic(fmt.Sprintf("%s suggests an invalid fix: %v", a.Name, err))
			}
			act.diags = append(act.diags, diag)
		},
		Module: module,
	}
	filter := factFilter(a)
	pass.ImportObjectFact = facts.importObjectFact
	pass.ImportPackageFact = facts.importPackageFact
	pass.ExportObjectFact = func(obj types.Object, fact analysis.Fact) {
		if obj.Pkg() != ck.pkg {
			panic(fmt.Sprintf("%s: fact %T for %s, an object of another package", a.Name, fact, obj))
		}
		facts.exportObjectFact(obj, fact)
	}
	pass.ExportPackageFact = facts.exportPackageFact
	pass.AllObjectFacts = func() []analysis.ObjectFact { return facts.allObjectFacts(filter) }
	pass.AllPackageFacts = func() []analysis.PackageFact { return facts.allPackageFacts(filter) }
	pass.ReadFile = func(name string) ([]byte, error) {
		if !slices.Contains(p.CompiledGoFiles, name) && !slices.Contains(p.GoFiles, name) &&
			!slices.Contains(p.OtherFiles, name) && !slices.Contains(p.IgnoredFiles, name) {
			return nil, fmt.Errorf("%s: not a file of package %s", name, p.PkgPath)
		}
		return os.ReadFile(name)
	}
	return pass
}

// findings returns the findings of the roots, as the go vet driver builds
// them from go vet's JSON, and prints the passes that failed as the
// whole-program driver does (reportFailures). It reports whether none did.
func (d *pkgDriver) findings(units []*unit) ([]finding, bool) {
	var entries []vetEntry
	ok := true
	for _, u := range units {
		for _, f := range u.entry.Failures {
			ok = false
			if !f.Panicked {
				fmt.Fprintf(d.c.stderr, "%s: %s on %s: %s\n", progName, f.Pass, u.pkg.ID, f.Err)
			}
		}
		for _, diag := range u.entry.Diags {
			entries = append(entries, vetEntry{id: u.pkg.ID, pass: diag.Pass, diag: diag.Diag})
		}
	}
	return findingsOf(entries), ok
}

// checkFixes puts the edits of each fix in the order of their positions
// (insertions at one point keep theirs), gives every edit an end and
// reports an edit that leaves its file or overlaps the one before, as the
// checker of the whole-program driver does. An end that falls a few bytes
// past the end of its file, as computed ends of some syntax nodes do, is
// moved back to it.
func checkFixes(fset *token.FileSet, fixes []analysis.SuggestedFix) error {
	seen := make(map[string]bool)
	for i := range fixes {
		fix := &fixes[i]
		if seen[fix.Message] {
			return fmt.Errorf("two fixes named %q", fix.Message)
		}
		seen[fix.Message] = true
		slices.SortStableFunc(fix.TextEdits, func(x, y analysis.TextEdit) int {
			return cmp.Or(cmp.Compare(x.Pos, y.Pos), cmp.Compare(x.End, y.End))
		})
		var prevEnd token.Pos
		for j := range fix.TextEdits {
			e := &fix.TextEdits[j]
			file := fset.File(e.Pos)
			if file == nil {
				return fmt.Errorf("edit at %v: no file", e.Pos)
			}
			eof := token.Pos(file.Base() + file.Size())
			switch {
			case !e.End.IsValid():
				e.End = e.Pos
			case e.End < e.Pos:
				return fmt.Errorf("edit at %v ends before it starts", fset.Position(e.Pos))
			case fset.File(e.End) != file && e.End < eof+10:
				e.End = eof
			case fset.File(e.End) != file:
				return fmt.Errorf("edit at %v spans files", fset.Position(e.Pos))
			}
			if e.End > eof {
				return fmt.Errorf("edit at %v ends past its file", fset.Position(e.Pos))
			}
			if j > 0 && e.Pos < prevEnd {
				return fmt.Errorf("overlapping edits at %v", fset.Position(e.Pos))
			}
			prevEnd = e.End
		}
	}
	return nil
}

// cgoCompiled reports whether a package the driver parses in the graph of
// pkgs, listed with compiled files, compiles files it does not list as Go
// files: cgo's output.
func cgoCompiled(pkgs []*packages.Package) bool {
	found := false
	packages.Visit(pkgs, func(p *packages.Package) bool {
		if found || isStdDep(p) {
			return false // the standard library's types come from export data
		}
		if !isTestMain(p) {
			for _, name := range p.CompiledGoFiles {
				if !slices.Contains(p.GoFiles, name) {
					found = true
					return false
				}
			}
		}
		return true
	}, nil)
	return found
}
