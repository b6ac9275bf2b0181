package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// loadMode returns what to load for analyzers: typed syntax for the
// packages and the module of each (clienttimeout tells the user's module
// from others by it), and when some analyzer uses facts, typed syntax for
// every dependency too, since such analyzers run on all of them.
func loadMode(analyzers []*analysis.Analyzer) packages.LoadMode {
	mode := packages.LoadSyntax | packages.NeedModule
	if usesFacts(analyzers) {
		mode |= packages.NeedDeps
	}
	return mode
}

// usesFacts reports whether an analyzer or one it requires declares facts.
func usesFacts(analyzers []*analysis.Analyzer) bool {
	for _, a := range analyzers {
		if len(a.FactTypes) > 0 || usesFacts(a.Requires) {
			return true
		}
	}
	return false
}

// load loads the packages matching patterns for analyzers and returns those
// to analyze. It prints load, list and type errors anywhere in the import
// graph and returns false if there were any.
func (c *command) load(patterns []string, analyzers []*analysis.Analyzer) ([]*packages.Package, bool) {
	return c.loadWith(patterns, loadMode(analyzers))
}

// loadWith is load with an explicit mode: the go vet driver loads only
// names and files to word go vet's warnings as this driver does.
func (c *command) loadWith(patterns []string, mode packages.LoadMode) ([]*packages.Package, bool) {
	cfg := &packages.Config{Mode: mode, Tests: c.tests, Dir: c.cwd}
	if mode&packages.NeedDeps != 0 && mode&packages.NeedSyntax != 0 && c.patternsExcludeStd(patterns) {
		cfg.ParseFile = parseStdBodyless // see stddeps.go
		c.stdBodyless = true
	}
	if c.tags != "" {
		cfg.BuildFlags = []string{"-tags=" + c.tags}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: cannot load packages: %v\n", progName, err)
		return nil, false
	}
	if c.printLoadErrors(pkgs) {
		fmt.Fprintf(c.stderr, "%s: packages failed to load or type-check; nothing was analyzed\n", progName)
		return nil, false
	}
	roots, ok := c.rootsOf(patterns, pkgs)
	if !ok {
		return nil, false
	}
	return withoutStdDeps(roots), true
}

// rootsOf returns the packages of pkgs that a run analyses, as go vet
// chooses them (vetRoots), warning of each wildcard pattern that matched
// none; false when none is left.
func (c *command) rootsOf(patterns []string, pkgs []*packages.Package) ([]*packages.Package, bool) {
	roots := vetRoots(pkgs)
	for _, pattern := range c.unmatched(patterns, roots) {
		fmt.Fprintf(c.stderr, "%s: warning: %q matched no packages\n", progName, pattern)
	}
	if len(roots) == 0 {
		fmt.Fprintf(c.stderr, "%s: no packages to analyze\n", progName)
		return nil, false
	}
	return roots, true
}

// unmatched returns the wildcard patterns that match none of roots, which
// the go command only warns about (the warning does not reach us through
// go/packages). Other patterns that match nothing are load errors.
func (c *command) unmatched(patterns []string, roots []*packages.Package) []string {
	var out []string
	for _, pattern := range patterns {
		match := c.matcher(pattern)
		if match == nil {
			continue // not a wildcard, or a meta-pattern such as std
		}
		if !slices.ContainsFunc(roots, match) {
			out = append(out, pattern)
		}
	}
	return out
}

// metaPatterns are the go command's package patterns that are not paths.
var metaPatterns = []string{"all", "std", "cmd", "tool", "work"}

// matcher returns a predicate for the packages that pattern, with "...",
// matches as the go command matches it: a directory pattern by the
// package's directory, an import path pattern by its path. It returns nil
// for patterns without "..." and for meta-patterns.
func (c *command) matcher(pattern string) func(*packages.Package) bool {
	if !strings.Contains(pattern, "...") || slices.Contains(metaPatterns, pattern) {
		return nil
	}
	if isLocalPattern(pattern) {
		dir := pattern
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(c.cwd, dir)
		}
		re := wildcard(filepath.ToSlash(filepath.Clean(dir)))
		return func(p *packages.Package) bool { return p.Dir != "" && re.MatchString(filepath.ToSlash(p.Dir)) }
	}
	re := wildcard(pattern)
	return func(p *packages.Package) bool { return re.MatchString(p.PkgPath) }
}

// isLocalPattern reports whether pattern names directories, as the go
// command decides: ".", "..", or a path starting with one of them or
// absolute.
func isLocalPattern(pattern string) bool {
	return pattern == "." || pattern == ".." || filepath.IsAbs(pattern) ||
		strings.HasPrefix(pattern, "./") || strings.HasPrefix(pattern, "../") ||
		strings.HasPrefix(pattern, "."+string(filepath.Separator)) || strings.HasPrefix(pattern, ".."+string(filepath.Separator))
}

// wildcard compiles a slash-separated pattern in which "..." matches any
// string, and a trailing "/..." also the empty string ("x/..." matches x).
func wildcard(pattern string) *regexp.Regexp {
	quoted := regexp.QuoteMeta(pattern)
	quoted = strings.ReplaceAll(quoted, `\.\.\.`, `.*`)
	if rest, ok := strings.CutSuffix(quoted, `/.*`); ok {
		quoted = rest + `(/.*)?`
	}
	return regexp.MustCompile(`^` + quoted + `$`)
}

// printLoadErrors prints each distinct error of pkgs and their
// dependencies, and reports whether there was one.
func (c *command) printLoadErrors(pkgs []*packages.Package) bool {
	seen := make(map[string]bool)
	atPos := make(map[string]bool) // positions of the errors printed
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if c.stdBodyless && isStdDep(p) {
			return // unused imports of the bodies left out (see stddeps.go)
		}
		for _, e := range p.Errors {
			msg := e.Msg
			if e.Pos != "" && e.Pos != "-" {
				pos := c.relPos(e.Pos)
				if atPos[pos] && strings.HasPrefix(e.Msg, "could not import ") {
					continue // the type checker's echo of the import error printed there
				}
				atPos[pos] = true
				msg = pos + ": " + e.Msg
			}
			if !seen[msg] {
				seen[msg] = true // a package and its test variant share errors
				fmt.Fprintln(c.stderr, msg)
			}
		}
	})
	return len(seen) > 0
}

// posPattern splits "file:line:col" or "file:line".
var posPattern = regexp.MustCompile(`^(.*?)(:\d+(?::\d+)?)$`)

// relPos returns a "file:line:col" position with the file relative to the
// working directory when it lies under it.
func (c *command) relPos(pos string) string {
	m := posPattern.FindStringSubmatch(pos)
	if m == nil {
		return c.relFile(pos)
	}
	return c.relFile(m[1]) + m[2]
}

// relFile returns name relative to the working directory when it lies
// under it, and unchanged otherwise.
func (c *command) relFile(name string) string {
	if c.cwd == "" || !filepath.IsAbs(name) {
		return name
	}
	rel, err := filepath.Rel(c.cwd, name)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return name
	}
	return rel
}

// vetRoots returns the packages to report on, as go vet chooses them: the
// test variant "p [p.test]" stands for p, since it holds all of p's files
// and reporting both would report p's files twice; the generated test
// main "p.test" is left out.
func vetRoots(pkgs []*packages.Package) []*packages.Package {
	variants := make(map[string]bool) // IDs of packages that have a test variant
	for _, p := range pkgs {
		if base, ok := testVariantOf(p); ok {
			variants[base] = true
		}
	}
	var out []*packages.Package
	for _, p := range pkgs {
		if variants[p.ID] || isTestMain(p) {
			continue // analyzed as its test variant, or generated
		}
		out = append(out, p)
	}
	return out
}

// testVariantOf returns p's import path if p is p's own test variant,
// "p [p.test]", which includes p's _test.go files of package p.
func testVariantOf(p *packages.Package) (string, bool) {
	base, rest, ok := strings.Cut(p.ID, " [")
	return base, ok && base == p.PkgPath && rest == base+".test]"
}

// isTestMain reports whether p is the main package the go command
// generates to run a package's tests.
func isTestMain(p *packages.Package) bool {
	if p.Name != "main" || !strings.HasSuffix(p.PkgPath, ".test") || len(p.GoFiles) == 0 {
		return false
	}
	for _, f := range p.GoFiles {
		// Listed with export data, the go command names the file by
		// its content in the build cache, without an extension.
		if base := filepath.Base(f); base != "_testmain.go" && strings.HasSuffix(base, ".go") {
			return false
		}
	}
	return true
}
