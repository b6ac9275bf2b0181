// Package generics holds generic goroutine leaks.
package generics

import "fmt"

// Pool is a generic pool whose loop never ends.
type Pool[T any] struct{ in chan T }

// NewPool starts the loop.
func NewPool[T any]() *Pool[T] {
	p := &Pool[T]{in: make(chan T)}
	go p.loop() // want `goroutine started here never exits, leaking one per call to NewPool: its loop receives from p.in with no way out`
	return p
}

func (p *Pool[T]) loop() {
	for {
		v := <-p.in
		fmt.Println(v)
	}
}

// Consume never closes its channel.
func Consume[T any](xs []T) {
	ch := make(chan T)
	go func() { // want `goroutine started here never exits, leaking one per call to Consume: it ranges over ch, which nothing closes`
		for v := range ch {
			fmt.Println(v)
		}
	}()
	for _, x := range xs {
		ch <- x
	}
}

// ConsumeFixed closes it.
func ConsumeFixed[T any](xs []T) {
	ch := make(chan T)
	go func() { // ok: closed below
		for v := range ch {
			fmt.Println(v)
		}
	}()
	for _, x := range xs {
		ch <- x
	}
	close(ch)
}

// Use instantiates the generics.
func Use() {
	_ = NewPool[int]()
	Consume([]string{"a"})
	ConsumeFixed([]int{1})
}
