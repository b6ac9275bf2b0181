package analyzer_test

import (
	"flag"
	"reflect"
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/goroutinelint/goroutinelint/analyzer"
)

// TestForStdDependency checks that the inert suite go vet runs on a
// standard-library dependency matches the real one in everything vet sees
// (names, flags, and the fact types of the whole requirement graph, which
// unitchecker needs registered to decode the dependencies' facts) and runs
// nothing anywhere in its graph.
func TestForStdDependency(t *testing.T) {
	t.Parallel()
	all := analyzer.All(analyzer.DefaultConfig())
	inert := analyzer.ForStdDependency(analyzer.DefaultConfig())
	if len(inert) != len(all) {
		t.Fatalf("%d inert analyzers, want %d", len(inert), len(all))
	}
	flagNames := func(fs *flag.FlagSet) []string {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		return names
	}
	for i, a := range all {
		b := inert[i]
		if b.Name != a.Name {
			t.Errorf("inert analyzer %d is %s, want %s", i, b.Name, a.Name)
		}
		if !slices.Equal(flagNames(&b.Flags), flagNames(&a.Flags)) {
			t.Errorf("%s: inert flags %v, want %v", a.Name, flagNames(&b.Flags), flagNames(&a.Flags))
		}
		if len(a.Requires) == 0 {
			t.Errorf("%s: the real analyzer requires nothing; did ForStdDependency change it?", a.Name)
		}
	}
	if got, want := factTypes(inert), factTypes(all); !slices.Equal(got, want) {
		t.Errorf("fact types of the inert graph:\n%v\nwant those of the real graph:\n%v", got, want)
	}
	for _, b := range graph(inert) {
		if res, err := b.Run(nil); res != nil || err != nil {
			t.Errorf("%s: the inert analyzer's Run returned %v, %v", b.Name, res, err)
		}
		if b.ResultType != nil {
			t.Errorf("%s: the inert analyzer has result type %v", b.Name, b.ResultType)
		}
	}
}

// graph returns every analyzer in roots' requirement graph, once each.
func graph(roots []*analysis.Analyzer) []*analysis.Analyzer {
	seen := make(map[*analysis.Analyzer]bool)
	var all []*analysis.Analyzer
	var visit func(a *analysis.Analyzer)
	visit = func(a *analysis.Analyzer) {
		if seen[a] {
			return
		}
		seen[a] = true
		all = append(all, a)
		for _, req := range a.Requires {
			visit(req)
		}
	}
	for _, a := range roots {
		visit(a)
	}
	return all
}

// factTypes returns the sorted names of the fact types declared in roots'
// requirement graph.
func factTypes(roots []*analysis.Analyzer) []string {
	var names []string
	for _, a := range graph(roots) {
		for _, f := range a.FactTypes {
			names = append(names, reflect.TypeOf(f).String())
		}
	}
	slices.Sort(names)
	return names
}

// TestForDependency checks the suite go vet runs on a dependency outside the
// standard library: the same names, flags and fact types as the real one;
// the analyzers that declare facts real; the passes that declare none
// inert, and the interaction engine, which only reports, not run at all.
func TestForDependency(t *testing.T) {
	t.Parallel()
	all := analyzer.All(analyzer.DefaultConfig())
	dep := analyzer.ForDependency(analyzer.DefaultConfig())
	if len(dep) != len(all) {
		t.Fatalf("%d analyzers, want %d", len(dep), len(all))
	}
	if got, want := factTypes(dep), factTypes(all); !slices.Equal(got, want) {
		t.Errorf("fact types:\n%v\nwant:\n%v", got, want)
	}
	for i, a := range all {
		b := dep[i]
		if b.Name != a.Name || !reflect.DeepEqual(b.Flags.Lookup("generated") != nil, a.Flags.Lookup("generated") != nil) {
			t.Errorf("analyzer %d is %s, want %s with the same flags", i, b.Name, a.Name)
		}
		if len(a.FactTypes) > 0 && (len(b.Requires) != len(a.Requires) || b.ResultType != a.ResultType) {
			t.Errorf("%s declares facts and must run as it is", a.Name)
		}
		if len(a.FactTypes) == 0 {
			if res, err := b.Run(nil); res != nil || err != nil {
				t.Errorf("%s: the facts-only copy's Run returned %v, %v", b.Name, res, err)
			}
		}
	}
	for _, b := range graph(dep) {
		if b.Name == "engine" {
			t.Errorf("the interaction engine runs on a facts-only dependency (required by the graph)")
		}
	}
}
