// Package basic holds goroutines with no way out.
package basic

import "time"

var queue = make(chan int)

// Submit feeds queue.
func Submit(v int) { queue <- v }

// Start starts a worker whose loop has no exit.
func Start() {
	go func() { // want `goroutine started here never exits, leaking one per call to Start: its loop receives from queue with no way out`
		for {
			v := <-queue
			_ = v
		}
	}()
}

// StartFlusher sleeps and flushes forever.
func StartFlusher(d time.Duration) {
	go func() { // want `goroutine started here never exits, leaking one per call to StartFlusher: its loop sleeps and repeats with no way out`
		for {
			time.Sleep(d)
			flush()
		}
	}()
}

func flush() {}

// Block parks a goroutine in an empty select.
func Block() {
	go func() { // want `goroutine started here never exits, leaking one per call to Block: it blocks forever in a select with no case that can proceed`
		select {}
	}()
}

// pump loops forever.
func pump() {
	for {
		v := <-queue
		_ = v
	}
}

// StartPump starts pump directly and through a literal.
func StartPump() {
	go pump()   // want `goroutine started here never exits, leaking one per call to StartPump: its loop receives from queue with no way out`
	go func() { // want `goroutine started here never exits, leaking one per call to StartPump: pump's loop receives from queue with no way out`
		pump()
	}()
}

// cache is evicted by a janitor that can never be stopped.
type cache struct{ m map[string]int }

// newCache starts one janitor per call: the canonical per-call leak.
func newCache() *cache {
	c := &cache{m: map[string]int{}}
	go c.janitor() // want `goroutine started here never exits, leaking one per call to newCache: its loop ranges over t.C, which is never closed`
	return c
}

func (c *cache) janitor() {
	t := time.NewTicker(time.Minute)
	for range t.C {
		clear(c.m)
	}
}

// Poll loops on a ticker and a queue, and never stops.
func Poll() {
	t := time.NewTicker(time.Second)
	go func() { // want `goroutine started here never exits, leaking one per call to Poll: its loop receives from t.C and queue with no way out`
		for {
			select {
			case <-t.C:
				flush()
			case v := <-queue:
				_ = v
			}
		}
	}()
}

// Serve starts a handler goroutine per call from a literal.
func Serve(handle func(func())) {
	handle(func() {
		go pump() // want `goroutine started here never exits, leaking one per call of the function literal in Serve: its loop receives from queue with no way out`
	})
}

// Ignored is silenced with a reason.
func Ignored() {
	//goroutinelint:ignore noexit the pump runs for the whole process
	go pump()
}

var _ = newCache
