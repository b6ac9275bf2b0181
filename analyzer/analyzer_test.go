package analyzer_test

import (
	"flag"
	"reflect"
	"slices"
	"testing"

	"github.com/goroutinelint/goroutinelint/analyzer"
)

// TestForStdDependency checks that the inert suite go vet runs on a
// standard-library dependency matches the real one in everything vet sees
// (names, flags, fact types) and runs nothing.
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
		if len(b.FactTypes) != len(a.FactTypes) {
			t.Errorf("%s: %d inert fact types, want %d", a.Name, len(b.FactTypes), len(a.FactTypes))
		}
		for j := range b.FactTypes {
			if reflect.TypeOf(b.FactTypes[j]) != reflect.TypeOf(a.FactTypes[j]) {
				t.Errorf("%s: inert fact type %T, want %T", a.Name, b.FactTypes[j], a.FactTypes[j])
			}
		}
		if len(b.Requires) != 0 {
			t.Errorf("%s: the inert analyzer requires %v, want nothing (no SSA for std)", a.Name, b.Requires)
		}
		if res, err := b.Run(nil); res != nil || err != nil {
			t.Errorf("%s: the inert analyzer's Run returned %v, %v", a.Name, res, err)
		}
		if len(a.Requires) == 0 {
			t.Errorf("%s: the real analyzer requires nothing; did ForStdDependency change it?", a.Name)
		}
	}
}
