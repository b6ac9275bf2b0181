// Package engine holds goroutines that only exploring how the goroutines
// of a function interleave shows to be stuck: on a struct field shared by
// methods, a lock, a WaitGroup, a Cond; and their safe twins.
package engine

import (
	"errors"
	"sync"
)

var errFail = errors.New("fail")

// stopper's loop waits on a channel held in a field, which stop closes.
type stopper struct {
	stopc chan struct{}
}

func newStopper() *stopper { return &stopper{stopc: make(chan struct{})} }

func (s *stopper) loop() { <-s.stopc }

func (s *stopper) stop() { close(s.stopc) }

// runStopper forgets to stop the loop on its error path.
func runStopper(fail bool) error {
	s := newStopper()
	go s.loop() // want `goroutine started here may never exit, leaking one per call to runStopper: it waits to receive from s.stopc, and runStopper can return without sending on or closing it`
	if fail {
		return errFail
	}
	s.stop()
	return nil
}

// runStopperDeferred stops the loop on every path.
func runStopperDeferred(fail bool) error {
	s := newStopper()
	defer s.stop()
	go s.loop() // ok: the deferred stop closes the field on every path
	if fail {
		return errFail
	}
	return nil
}

// lockTwice locks a mutex it already holds.
func lockTwice() {
	var mu sync.Mutex
	go func() { // want `goroutine started here may never exit, leaking one per call to lockTwice: it waits to lock mu, which it already holds`
		mu.Lock()
		mu.Lock()
		mu.Unlock()
	}()
}

// lockDeferred unlocks with defer.
func lockDeferred() {
	var mu sync.Mutex
	for range 2 {
		go func() { // ok: each goroutine unlocks before the other locks
			mu.Lock()
			defer mu.Unlock()
		}()
	}
}

// skipDone's worker returns early without calling Done.
func skipDone(fail bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if fail {
			return
		}
		wg.Done()
	}()
	wg.Wait() // want `skipDone may never return: it waits on wg, and the goroutines that could call Done can return without doing so`
}

// deferDone calls Done with defer.
func deferDone(fail bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if fail {
			return
		}
	}()
	wg.Wait() // ok: Done runs on every path
}

// condNoSignal waits on a Cond that nothing signals.
func condNoSignal() {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	go func() { // want `goroutine started here may never exit, leaking one per call to condNoSignal: it waits on c, and condNoSignal can return without signalling it after it waits`
		mu.Lock()
		c.Wait()
		mu.Unlock()
	}()
}

// condBroadcast waits in a loop on a condition its spawner sets.
func condBroadcast() {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ready := false
	go func() { // ok: the spawner sets ready and broadcasts
		mu.Lock()
		for !ready {
			c.Wait()
		}
		mu.Unlock()
	}()
	mu.Lock()
	ready = true
	c.Broadcast()
	mu.Unlock()
}

// selfContained starts copies of a body that shares nothing with it; the
// body's own goroutine and the body itself are stuck, reported at their go
// statements.
func selfContained() {
	for range 10 {
		go func() { // want `goroutine started here may never exit, leaking one per call to selfContained: it waits to lock mu, which it already holds`
			var mu sync.Mutex
			mu.Lock()
			go func() { // want `goroutine started here may never exit, leaking one per call of the function literal in selfContained: it waits to lock mu, and the goroutine holding it can block forever locking mu`
				mu.Lock()
			}()
			mu.Lock()
		}()
	}
}

// selfContainedSafe's body releases the lock it hands over.
func selfContainedSafe() {
	for range 10 {
		go func() { // ok: the body unlocks before waiting
			var mu sync.Mutex
			var wg sync.WaitGroup
			mu.Lock()
			wg.Add(1)
			go func() { // ok: the lock is released
				defer wg.Done()
				mu.Lock()
				mu.Unlock()
			}()
			mu.Unlock()
			wg.Wait()
		}()
	}
}

// namedBodies starts copies of an unexported function that shares nothing
// with it; each copy locks a mutex it holds.
func namedBodies() {
	for range 3 {
		go namedBody() // want `goroutine started here may never exit, leaking one per call to namedBodies: it waits to lock mu, which it already holds`
	}
}

func namedBody() {
	var mu sync.Mutex
	mu.Lock()
	go func() { // want `goroutine started here may never exit, leaking one per call to namedBody: it waits to lock mu, and the goroutine holding it can block forever locking mu`
		mu.Lock()
	}()
	mu.Lock()
}
