// Package generics holds leaks with type parameters.
package generics

import "context"

// first returns the first result or gives up when ctx is done.
func first[T any](ctx context.Context, f func() T) (T, bool) {
	ch := make(chan T)
	go func() {
		ch <- f() // want `send on ch may block forever: the receiver returns on ctx.Done without receiving`
	}()
	select {
	case v := <-ch:
		return v, true
	case <-ctx.Done():
		var zero T
		return zero, false
	}
}

// send sends on a channel of a type parameter.
func send[T any](ch chan<- T, v T) {
	ch <- v // want `send on ch may block forever: the receiver can return without receiving`
}

// Box is a generic type whose method leaks.
type Box[T any] struct{ v T }

// Get spawns a generic sender and can return early.
func (b *Box[T]) Get(skip bool) (T, bool) {
	ch := make(chan T)
	go send(ch, b.v)
	if skip {
		var zero T
		return zero, false
	}
	return <-ch, true
}

// firstOK receives on every path: not reported.
func firstOK[T any](f func() T) T {
	ch := make(chan T, 1)
	go func() { ch <- f() }() // ok: buffered for the one send
	return <-ch
}

func use(ctx context.Context) {
	_, _ = first(ctx, func() int { return 1 })
	_ = firstOK(func() string { return "" })
	b := &Box[int]{}
	_, _ = b.Get(true)
}
