// Command floorcheck is the standalone twin of the floor vet tool: it loads
// packages as goroutinelint's standalone mode does (go/packages, typed
// syntax for the packages and every dependency, tests included, test
// variants standing for their packages) and runs only ssafloor over them
// with go/analysis/checker. Its peak memory is the floor of goroutinelint's
// standalone mode; see scripts/bench.
//
//	floorcheck [packages]
//
// It exits 0, or 2 if packages fail to load or analysis fails.
package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/goroutinelint/goroutinelint/scripts/bench/internal/ssafloor"
)

func main() {
	patterns := os.Args[1:]
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	os.Exit(run(patterns))
}

// run loads patterns, analyzes them and returns the exit code.
func run(patterns []string) int {
	cfg := &packages.Config{
		// The same load as goroutinelint's with a fact-using pass: typed
		// syntax everywhere, since the floor analyzer runs on every
		// dependency.
		Mode:  packages.LoadSyntax | packages.NeedModule | packages.NeedDeps,
		Tests: true,
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "floorcheck: %v\n", err)
		return 2
	}
	if packages.PrintErrors(pkgs) > 0 {
		return 2
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{ssafloor.Analyzer}, roots(pkgs), nil)
	if err != nil {
		fmt.Fprintf(os.Stderr, "floorcheck: %v\n", err)
		return 2
	}
	code := 0
	for act := range graph.All() {
		if act.Err != nil {
			fmt.Fprintf(os.Stderr, "floorcheck: %s on %s: %v\n", act.Analyzer.Name, act.Package.ID, act.Err)
			code = 2
		}
	}
	return code
}

// roots picks the packages to analyze as go vet (and goroutinelint) picks
// them: a package with a test variant "p [p.test]" is analyzed as that
// variant only, and generated test mains are skipped.
func roots(pkgs []*packages.Package) []*packages.Package {
	hasVariant := make(map[string]bool)
	for _, p := range pkgs {
		if base, rest, ok := strings.Cut(p.ID, " ["); ok && base == p.PkgPath && rest == base+".test]" {
			hasVariant[base] = true
		}
	}
	var out []*packages.Package
	for _, p := range pkgs {
		if hasVariant[p.ID] || (p.Name == "main" && strings.HasSuffix(p.PkgPath, ".test")) {
			continue // analyzed as its test variant, or a generated test main
		}
		out = append(out, p)
	}
	return out
}
