// Package correlated holds bugs that correlated branches make impossible:
// the engine must stay silent.
package correlated

import (
	"errors"
	"sync/atomic"
)

func try() error { return errors.New("x") }

// ok: one error tested by both sides.
func sameErr() {
	ch := make(chan int)
	err := try()
	go func() {
		if err != nil {
			return
		}
		ch <- 1 // ok: the spawner receives when err is nil
	}()
	if err == nil {
		<-ch // ok: the goroutine sends when err is nil
	}
}

// ok: the same comparison written twice.
func sameCompare(n int) {
	ch := make(chan int)
	go func() {
		if n > 0 {
			ch <- n // ok: received under n > 0
		}
	}()
	if 0 < n {
		<-ch // ok: sent under n > 0
	}
}

// ok: a constant decides the loop: three sends, three receives.
func constLoop() {
	ch := make(chan int)
	for i := 0; i < 3; i++ {
		go func() {
			ch <- i // ok: three receives
		}()
	}
	for i := 0; i < 3; i++ {
		<-ch
	}
}

// ok: a flag set before the goroutine starts.
func flagSet() {
	ch := make(chan int)
	wait := true
	go func() {
		ch <- 1 // ok: wait is true
	}()
	if wait {
		<-ch
	}
}

// ok: an atomic flag set before the goroutine starts decides its send.
func atomicFlag() {
	var waiting atomic.Bool
	ch := make(chan int)
	waiting.Store(true)
	go func() {
		if waiting.Load() {
			ch <- 1
		}
	}()
	<-ch // ok: the goroutine sees the flag set
}

// ok: the same with the function form.
func atomicInt() {
	var state int32
	ch := make(chan int)
	atomic.StoreInt32(&state, 1)
	go func() {
		if atomic.LoadInt32(&state) == 1 {
			ch <- 1
		}
	}()
	<-ch // ok: the goroutine sees state 1
}

// ok: two loops over the same slice run as many times as each other.
func twoLoops(items []int) {
	errc := make(chan error)
	for range items {
		go func() {
			errc <- try()
		}()
	}
	for range items {
		<-errc // ok: one receive per sender
	}
}

type batch struct{ jobs []string }

// ok: a field read twice through an unknown receiver has one length.
func (b *batch) counted() {
	errc := make(chan error)
	for i := 0; i < len(b.jobs); i++ {
		go func() {
			errc <- try()
		}()
	}
	for range b.jobs {
		<-errc // ok: one receive per sender
	}
}

// gather receives n values, and none when n is 0.
func gather(ch <-chan int, n int) (sum int) {
	if n == 0 {
		return 0
	}
	for i := 0; i < n; i++ {
		sum += <-ch
	}
	return sum
}

// ok: one sender per element, and a loop to len of the same slice
// receives once per sender; the n == 0 test agrees with the range.
func lenLoop(xs []int) int {
	ch := make(chan int)
	for _, x := range xs {
		go func() { ch <- x }() // ok: received once per element
	}
	return gather(ch, len(xs))
}

// firstOfTwo starts one sender per item of a slice of two and takes the
// first result: the other sender is stuck, the receive never is (the
// range runs twice, never zero times).
func firstOfTwo() {
	items := make([]int, 2)
	ch := make(chan int)
	for range items {
		go func() { ch <- 1 }() // want "send blocks forever"
	}
	<-ch // ok: two senders
}

// group runs fn once per key at a time; a second caller waits for the
// first.
type group struct {
	m map[string]chan struct{}
}

func (g *group) do(key string, fn func()) {
	if g.m == nil {
		g.m = make(map[string]chan struct{})
	}
	if done, ok := g.m[key]; ok {
		<-done
		return
	}
	done := make(chan struct{})
	g.m[key] = done
	fn()
	close(done)
}

// ok: the group is new, so the first do finds no entry and runs fn, which
// closes started.
func freshGroup() {
	g := new(group)
	started := make(chan struct{})
	go g.do("k", func() { close(started) })
	<-started // ok: fn runs in the first call of a new group
}
