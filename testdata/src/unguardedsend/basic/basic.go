// Package basic holds abandoned result channels that leak their sender.
package basic

import (
	"context"
	"errors"
	"time"
)

func compute() int { return 42 }

// fetch is the canonical leak: the select can return on ctx.Done.
func fetch(ctx context.Context) (int, error) {
	resc := make(chan int)
	go func() {
		resc <- compute() // want `send on resc may block forever: the receiver returns on ctx.Done without receiving`
	}()
	select {
	case v := <-resc:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// timeout returns on time.After.
func timeout() (int, error) {
	resc := make(chan int)
	go func() { resc <- compute() }() // want `send on resc may block forever: the receiver returns on a timeout without receiving`
	select {
	case v := <-resc:
		return v, nil
	case <-time.After(time.Second):
		return 0, errors.New("timeout")
	}
}

// other returns on another case.
func other(quit chan struct{}) int {
	resc := make(chan int)
	go func() { resc <- compute() }() // want `the receiver returns on another select case without receiving`
	select {
	case v := <-resc:
		return v
	case <-quit:
		return 0
	}
}

// earlyReturn returns on an error before it receives.
func earlyReturn(bad bool) (int, error) {
	resc := make(chan int)
	go func() { resc <- compute() }() // want `send on resc may block forever: the receiver can return without receiving`
	if bad {
		return 0, errors.New("bad input")
	}
	return <-resc, nil
}

// worker sends on its parameter.
func worker(out chan<- int) {
	out <- compute() // want `send on out may block forever: the receiver returns on ctx.Done without receiving`
}

// named starts a named function that sends.
func named(ctx context.Context) int {
	ch := make(chan int)
	go worker(ch)
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// fanOut returns on the first error while other senders are pending.
func fanOut(items []int) error {
	errc := make(chan error)
	for _, it := range items {
		go func() {
			var err error
			if it < 0 {
				err = errors.New("negative")
			}
			errc <- err // want `send on errc may block forever: the receiver can return before receiving from every sender`
		}()
	}
	for range items {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// twoSends fills a buffer of one with two sends.
func twoSends(ctx context.Context) int {
	ch := make(chan int, 1)
	go func() {
		ch <- 1
		ch <- 2 // want `send on ch may block forever: the receiver returns on ctx.Done without receiving`
	}()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// producer stops ranging early.
func producer(xs []int) int {
	ch := make(chan int)
	go func() {
		for _, x := range xs {
			ch <- x // want `send on ch may block forever: the receiver can return before receiving from every sender`
		}
		close(ch)
	}()
	for v := range ch {
		if v > 10 {
			return v
		}
	}
	return 0
}

// S has a method spawner.
type S struct{}

// Get is a method with the leak.
func (s *S) Get(ctx context.Context) int {
	ch := make(chan int)
	go func() { ch <- compute() }() // want `send on ch may block forever`
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// bothSignals: the goroutine sends on failed and then on ready too, so a
// value from failed does not mean that ready's send is off; and a value
// from ready leaves failed's send blocked.
func bothSignals() error {
	ready := make(chan struct{})
	failed := make(chan error)
	go func() {
		failed <- work()    // want `send on failed may block forever: the receiver can return without receiving`
		ready <- struct{}{} // want `send on ready may block forever: the receiver returns on a timeout without receiving`
	}()
	select {
	case <-ready:
		return nil
	case <-time.After(time.Second):
	}
	return <-failed
}

// twoOnFailed: a value from failed may come from the first goroutine, so
// it does not tell that the second made its one send there.
func twoOnFailed() error {
	ready := make(chan struct{})
	failed := make(chan error)
	go func() {
		failed <- work() // want `send on failed may block forever`
	}()
	go func() {
		if err := work(); err != nil {
			failed <- err // want `send on failed may block forever`
			return
		}
		ready <- struct{}{} // want `send on ready may block forever: the receiver returns on a timeout without receiving`
	}()
	select {
	case <-ready:
		return nil
	case <-time.After(time.Second):
	}
	return <-failed
}

func work() error { return nil }

// emptyCases: both cases leave the select at once; only one receives.
func emptyCases(ctx context.Context) {
	resc := make(chan int)
	go func() { resc <- compute() }() // want `send on resc may block forever: the receiver returns on ctx.Done without receiving`
	select {
	case <-resc:
	case <-ctx.Done():
	}
}
