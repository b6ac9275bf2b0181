// Package ssafloor defines the benchmark's floor: an analyzer that asks for
// everything a goroutinelint pass pays for before it does any work of its
// own, and then does nothing.
//
// It requires buildssa, so the driver type-checks the package and builds
// its SSA, and it declares a fact type, so the driver runs it on every
// dependency (std included) and ships facts between packages, as it does
// for the real passes. It never exports a fact. A goroutinelint pass cannot
// cost less than this; the benchmark measures how much more it costs.
package ssafloor

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
)

// Analyzer builds SSA, declares a fact type and reports nothing.
var Analyzer = &analysis.Analyzer{
	Name:      "ssafloor",
	Doc:       "build SSA and declare a fact type, nothing more (the benchmark's floor)",
	Requires:  []*analysis.Analyzer{buildssa.Analyzer},
	FactTypes: []analysis.Fact{new(unused)},
	Run:       run,
}

// unused is the declared fact type. Declaring it is what matters: it makes
// the driver analyze dependencies and exchange (empty) fact sets.
type unused struct{}

// AFact marks unused as an analysis fact.
func (*unused) AFact() {}

// String describes the fact for drivers that print facts.
func (*unused) String() string { return "unused" }

// run touches the SSA result so that nothing about it is optimised away.
func run(pass *analysis.Pass) (any, error) {
	_ = pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA).SrcFuncs
	return nil, nil
}
