// Package odd holds unusual code the analyzer must survive: iterators,
// aliases, recursion, select with no cases, labeled loops.
package odd

import (
	"context"
	"iter"
)

// Chan is an alias of a channel type.
type Chan = chan int

// seq yields values received from a channel.
func seq(ch <-chan int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for v := range ch {
			if !yield(v) {
				return
			}
		}
	}
}

// rangeFunc ranges over an iterator and stops early.
func rangeFunc(ctx context.Context) int {
	var ch Chan = make(Chan)
	go func() {
		for i := range 3 {
			ch <- i // ok: the channel escapes into an iterator the model cannot follow
		}
		close(ch)
	}()
	for v := range seq(ch) {
		if v > 1 {
			return v
		}
	}
	return 0
}

// forever blocks in an empty select.
func forever() {
	select {}
}

// rec recurses with a channel.
func rec(n int, ch chan int) {
	if n == 0 {
		ch <- 0 // want `send on ch may block forever: the receiver returns on ctx.Done without receiving`
		return
	}
	rec(n-1, ch)
}

// useRec abandons the recursive sender.
func useRec(ctx context.Context) int {
	ch := make(chan int)
	go rec(3, ch)
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// labeled breaks out of a receive loop with a label.
func labeled(xs []int) int {
	ch := make(chan int, len(xs))
	for _, x := range xs {
		go func() { ch <- x }() // ok: buffered per item
	}
	sum := 0
outer:
	for range xs {
		select {
		case v := <-ch:
			if v < 0 {
				break outer
			}
			sum += v
		}
	}
	return sum
}
