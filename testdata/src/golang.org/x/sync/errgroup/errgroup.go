// Package errgroup is a minimal stub of golang.org/x/sync/errgroup for
// fixtures: only the API the analyzers look at.
package errgroup

import "context"

// A Group is a collection of goroutines working on one task.
type Group struct{ err error }

// WithContext returns a new Group and a derived Context.
func WithContext(ctx context.Context) (*Group, context.Context) { return &Group{}, ctx }

// Go calls f in a new goroutine.
func (g *Group) Go(f func() error) { go func() { _ = f() }() }

// TryGo calls f in a new goroutine if the limit allows.
func (g *Group) TryGo(f func() error) bool { g.Go(f); return true }

// Wait blocks until all goroutines started with Go have returned.
func (g *Group) Wait() error { return g.err }
