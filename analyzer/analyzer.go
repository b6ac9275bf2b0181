// Package analyzer assembles the goroutinelint suite: every pass, each with
// its own configuration, for the command, the golangci-lint plugin and tests.
package analyzer

import (
	"slices"

	"golang.org/x/tools/go/analysis"

	"github.com/goroutinelint/goroutinelint/passes/clienttimeout"
	"github.com/goroutinelint/goroutinelint/passes/noexit"
	"github.com/goroutinelint/goroutinelint/passes/unguardedsend"
)

// Config aggregates the configuration of every pass.
type Config struct {
	ClientTimeout clienttimeout.Config
	NoExit        noexit.Config
	UnguardedSend unguardedsend.Config
}

// DefaultConfig returns every pass's default configuration.
func DefaultConfig() Config {
	return Config{
		ClientTimeout: clienttimeout.DefaultConfig(),
		NoExit:        noexit.DefaultConfig(),
		UnguardedSend: unguardedsend.DefaultConfig(),
	}
}

// All returns fresh analyzers for every pass, sorted by name, with flags
// bound to copies of cfg's settings. Each call returns new values, so callers
// may set flags without affecting each other.
func All(cfg Config) []*analysis.Analyzer {
	return []*analysis.Analyzer{
		clienttimeout.New(cfg.ClientTimeout),
		noexit.New(cfg.NoExit),
		unguardedsend.New(cfg.UnguardedSend),
	}
}

// ForStdDependency returns the suite as go vet needs it for a package of the
// standard library that it analyzes only for facts (a dependency of the
// packages being vetted): every pass with its name and flags, so that vet's
// flags still parse, and the requirement graph reduced to the analyzers
// that declare facts (ours and x/tools' ctrlflow), each an inert copy that
// keeps its fact types and runs nothing. No pass exports facts for the
// standard library (see lint.IsStd), so the result is the same as running
// the suite, without building SSA for std, which is most of a vet run's
// cost.
//
// The fact types must stay registered: the vetx files of the package's
// dependencies may hold facts (a std package vetted as the root of go vet
// runs the whole suite, and ctrlflow exports facts for std), and
// unitchecker decodes them all, re-exporting them in the package's own
// vetx file. An unregistered type fails that decoding, and in facts-only
// mode unitchecker then exits silently without a vetx file, so every
// importer fails with "no package vetx file".
func ForStdDependency(cfg Config) []*analysis.Analyzer {
	inert := make(map[*analysis.Analyzer]*analysis.Analyzer)
	var copyInert func(a *analysis.Analyzer) *analysis.Analyzer
	copyInert = func(a *analysis.Analyzer) *analysis.Analyzer {
		if c, ok := inert[a]; ok {
			return c
		}
		c := *a
		c.Requires = nil
		for _, req := range a.Requires {
			if declaresFacts(req) {
				c.Requires = append(c.Requires, copyInert(req))
			}
		}
		c.ResultType = nil
		c.Run = func(*analysis.Pass) (any, error) { return nil, nil }
		inert[a] = &c
		return &c
	}
	all := All(cfg)
	for i, a := range all {
		all[i] = copyInert(a)
	}
	return all
}

// ForDependency returns the suite as go vet needs it for a package outside
// the standard library that it analyzes only for facts: the analyzers that
// declare facts (clienttimeout, the channel model, ctrlflow) as they are,
// and every pass that declares none (noexit, unguardedsend) as a copy that
// keeps its name, flags and the fact-declaring part of its requirements
// but runs nothing. Such a pass can export nothing, and go vet prints no
// diagnostic of a facts-only package, so the package's facts are those of
// the whole suite; what is saved is the passes' work and the interaction
// engine's search, which only reports.
func ForDependency(cfg Config) []*analysis.Analyzer {
	return AsDependency(All(cfg))
}

// AsDependency returns analyzers as ForDependency does for the suite: the
// ones that declare facts as they are, the others as inert copies that
// keep their names and flags and require only what declares facts. The
// standalone driver calls it on the analyzers its flags are bound to.
func AsDependency(analyzers []*analysis.Analyzer) []*analysis.Analyzer {
	all := slices.Clone(analyzers)
	for i, a := range all {
		if len(a.FactTypes) > 0 {
			continue
		}
		c := *a
		c.Requires = factDeclarers(a.Requires)
		c.ResultType = nil
		c.Run = func(*analysis.Pass) (any, error) { return nil, nil }
		all[i] = &c
	}
	return all
}

// factDeclarers returns the analyzers of reqs' requirement graph that
// declare fact types themselves, once each, so that they run (and export
// their facts) without what only reports.
func factDeclarers(reqs []*analysis.Analyzer) []*analysis.Analyzer {
	seen := make(map[*analysis.Analyzer]bool)
	var out []*analysis.Analyzer
	var visit func(a *analysis.Analyzer)
	visit = func(a *analysis.Analyzer) {
		if seen[a] {
			return
		}
		seen[a] = true
		if len(a.FactTypes) > 0 {
			out = append(out, a)
			return // it requires what it needs itself
		}
		for _, req := range a.Requires {
			visit(req)
		}
	}
	for _, req := range reqs {
		visit(req)
	}
	return out
}

// declaresFacts reports whether a or an analyzer it requires, transitively,
// declares fact types.
func declaresFacts(a *analysis.Analyzer) bool {
	if len(a.FactTypes) > 0 {
		return true
	}
	for _, req := range a.Requires {
		if declaresFacts(req) {
			return true
		}
	}
	return false
}
