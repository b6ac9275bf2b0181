// Package generics uses type-parameterised channels.
package generics

import "context"

// Merge forwards every value to one channel.
func Merge[T any](ctx context.Context, ins ...<-chan T) <-chan T {
	out := make(chan T)
	for _, in := range ins {
		go func(in <-chan T) {
			for v := range in {
				select {
				case out <- v:
				case <-ctx.Done():
					return
				}
			}
		}(in)
	}
	return out
}

// Pipe is a generic struct holding a channel.
type Pipe[T any] struct{ ch chan T }

// Push sends through a method of a generic type.
func (p *Pipe[T]) Push(v T) { p.ch <- v }

// Start runs Push in a goroutine through a method value.
func Start[T comparable](p *Pipe[T], v T) {
	push := p.Push
	go push(v)
}

// First returns the first result of any worker.
func First[T any](work ...func() T) T {
	ch := make(chan T, len(work))
	for _, w := range work {
		go func() { ch <- w() }()
	}
	return <-ch
}
