package main

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"

	internallint "github.com/goroutinelint/goroutinelint/internal/lint"
)

// The standard library as a dependency.
//
// No check exports facts for the standard library (lint.IsStd), so a
// standard-library package that is only a dependency contributes nothing
// but its types: go vet runs an inert suite on it (analyzer.ForStdDependency),
// and a standalone run neither analyzes it (withoutStdDeps) nor, when no
// pattern can name a standard-library package, type-checks its function
// bodies (stdBodyless). Both cut the cost of a run on code that imports
// net/http to a fraction, and neither changes a finding.

// patternsExcludeStd reports whether no pattern can name a package of the
// standard library, so that every standard-library package of the run is a
// dependency: a pattern whose first element has a dot (a module path), a
// path with no directory in GOROOT/src (a GOPATH package), or a directory
// outside GOROOT.
func (c *command) patternsExcludeStd(patterns []string) bool {
	for _, pattern := range patterns {
		if isLocalPattern(pattern) {
			dir := strings.TrimSuffix(pattern, "...")
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(c.cwd, dir)
			}
			if underGOROOT(dir) {
				return false
			}
			continue
		}
		if slices.Contains(metaPatterns, pattern) {
			return false // std, all, cmd, ...
		}
		first, _, _ := strings.Cut(pattern, "/")
		if strings.Contains(strings.ReplaceAll(first, "...", ""), ".") {
			continue // a module path
		}
		// A path without a dot names a standard-library package only if
		// GOROOT/src holds its directory (or, with "...", its prefix's);
		// otherwise it is a GOPATH package.
		prefix, _, _ := strings.Cut(pattern, "...")
		if _, err := os.Stat(filepath.Join(build.Default.GOROOT, "src", filepath.FromSlash(prefix))); err == nil || build.Default.GOROOT == "" {
			return false
		}
	}
	return true
}

// underGOROOT reports whether path lies in GOROOT's source tree.
func underGOROOT(path string) bool {
	return internallint.IsStdPackage("std", path)
}

// parseStdBodyless parses a file as go/packages does, except that a file of
// the standard library loses its function bodies: type-checking them is
// most of the cost of loading a dependency from source, and the bodies of
// a dependency are never analyzed. The type checker then reports imports
// that only those bodies used; printLoadErrors ignores the errors of such
// packages (isStdDep).
func parseStdBodyless(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
	const mode = parser.AllErrors | parser.ParseComments
	if !underGOROOT(filename) {
		return parser.ParseFile(fset, filename, src, mode)
	}
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if f != nil {
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok {
				fn.Body = nil
			}
		}
	}
	return f, err
}

// isStdDep reports whether p is a standard-library package loaded without
// function bodies: a dependency whose errors are artifacts of the stripping.
func isStdDep(p *packages.Package) bool {
	return len(p.CompiledGoFiles) > 0 && internallint.IsStdPackage(p.PkgPath, p.CompiledGoFiles[0]) ||
		len(p.GoFiles) > 0 && internallint.IsStdPackage(p.PkgPath, p.GoFiles[0])
}

// withoutStdDeps returns copies of roots whose import graph leaves out the
// standard-library dependencies, so that the checker analyzes none of
// them; the types they define stay, complete, in the packages' type
// information. A standard-library root (goroutinelint std) is kept.
func withoutStdDeps(roots []*packages.Package) []*packages.Package {
	copies := make(map[*packages.Package]*packages.Package)
	var prune func(p *packages.Package) *packages.Package
	prune = func(p *packages.Package) *packages.Package {
		if c, ok := copies[p]; ok {
			return c
		}
		c := *p
		copies[p] = &c
		c.Imports = make(map[string]*packages.Package, len(p.Imports))
		// go/packages marks a package ill-typed when a dependency is; a
		// standard-library dependency is only ill-typed for the imports of
		// the bodies it lost, so count the packages left in the graph.
		c.IllTyped = len(p.Errors) > 0
		for path, imp := range p.Imports {
			if imp.PkgPath != "unsafe" && !isStdDep(imp) {
				c.Imports[path] = prune(imp)
				c.IllTyped = c.IllTyped || c.Imports[path].IllTyped
			}
		}
		return &c
	}
	out := make([]*packages.Package, len(roots))
	for i, p := range roots {
		out[i] = prune(p)
	}
	return out
}
