// Package analyzer assembles the goroutinelint suite: every pass, each with
// its own configuration, for the command, the golangci-lint plugin and tests.
package analyzer

import (
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
// packages being vetted): every pass with its name, flags and fact types,
// so that vet's flags still parse, but requiring and running nothing. No
// pass exports facts for the standard library (see lint.IsStd), so the
// result is the same as running the suite, without building SSA for
// std, which is most of a vet run's cost.
func ForStdDependency(cfg Config) []*analysis.Analyzer {
	all := All(cfg)
	for i, a := range all {
		inert := *a
		inert.Requires = nil
		inert.ResultType = nil
		inert.Run = func(*analysis.Pass) (any, error) { return nil, nil }
		all[i] = &inert
	}
	return all
}
