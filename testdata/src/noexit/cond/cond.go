// Package cond holds goroutines stuck in Cond.Wait that nothing signals
// after they wait, and their safe twins.
package cond

import "sync"

// signalEarly may signal before the goroutine waits: the wake-up is lost.
func signalEarly() {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	go func() { // want `goroutine started here may never exit, leaking one per call to signalEarly: it waits on c, and signalEarly can return without signalling it after it waits`
		mu.Lock()
		c.Wait()
		mu.Unlock()
	}()
	c.Signal()
}

// signalReady waits in a loop on a condition set under the lock before
// the broadcast.
func signalReady() {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ready := false
	go func() { // ok: the goroutine waits only while ready is false, and ready is set before the broadcast
		mu.Lock()
		for !ready {
			c.Wait()
		}
		mu.Unlock()
	}()
	mu.Lock()
	ready = true
	mu.Unlock()
	c.Broadcast()
}
