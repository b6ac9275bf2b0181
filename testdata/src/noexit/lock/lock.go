// Package lock holds goroutines stuck waiting for a sync.Mutex that the
// goroutine holding it never unlocks, and their safe twins. The findings
// name the holder: where it took the lock and where it went instead of
// unlocking.
package lock

import (
	"context"
	"strconv"
	"sync"
)

// sendLocked's producer holds mu across its send; when ctx ends, the
// consumer stops receiving and waits for mu, and neither can go on.
func sendLocked(ctx context.Context, ids []string) int {
	var mu sync.Mutex
	sent := 0
	rows := make(chan string)
	go func() {
		for _, id := range ids {
			mu.Lock()
			rows <- id
			sent++
			mu.Unlock()
		}
		close(rows)
	}()
	for {
		select {
		case _, ok := <-rows:
			if !ok {
				return sent
			}
		case <-ctx.Done():
			mu.Lock() // want `sendLocked may never return: it waits to lock mu, and the goroutine holding it can block forever sending on rows`
			defer mu.Unlock()
			return sent
		}
	}
}

// sendUnlocked holds mu only to count, and sends in a select with
// ctx.Done.
func sendUnlocked(ctx context.Context, ids []string) int {
	var mu sync.Mutex
	sent := 0
	rows := make(chan string)
	go func() {
		defer close(rows)
		for _, id := range ids {
			select {
			case rows <- id:
			case <-ctx.Done():
				return
			}
			mu.Lock()
			sent++
			mu.Unlock()
		}
	}()
	for {
		select {
		case _, ok := <-rows:
			if !ok {
				return sent
			}
		case <-ctx.Done():
			mu.Lock() // ok: no goroutine holds mu while it waits
			defer mu.Unlock()
			return sent
		}
	}
}

// returnLocked's workers return on a parse error with mu held: the next
// worker waits for mu forever.
func returnLocked(items []string) {
	var mu sync.Mutex
	total := 0
	for _, it := range items {
		go func() { // want `goroutine started here may never exit, leaking one per call to returnLocked: it waits to lock mu, and the goroutine holding it can return without unlocking it`
			mu.Lock()
			n, err := strconv.Atoi(it)
			if err != nil {
				return
			}
			total += n
			mu.Unlock()
		}()
	}
}

// returnUnlocked unlocks with defer, on every path.
func returnUnlocked(items []string) {
	var mu sync.Mutex
	total := 0
	for _, it := range items {
		go func() { // ok: the deferred Unlock runs on the error path too
			mu.Lock()
			defer mu.Unlock()
			n, err := strconv.Atoi(it)
			if err != nil {
				return
			}
			total += n
		}()
	}
}

// waitLocked holds mu while it waits for a goroutine that needs mu first.
func waitLocked() {
	var mu sync.Mutex
	done := make(chan struct{})
	mu.Lock()
	go func() { // want `goroutine started here may never exit, leaking one per call to waitLocked: it waits to lock mu, and waitLocked, which holds it, can block forever receiving from done`
		mu.Lock()
		mu.Unlock()
		close(done)
	}()
	<-done // want `waitLocked may never return: it waits to receive from done, and every goroutine that could send on or close it is blocked or has returned`
	mu.Unlock()
}

// waitUnlocked lets go of mu before it waits.
func waitUnlocked() {
	var mu sync.Mutex
	done := make(chan struct{})
	mu.Lock()
	go func() { // ok: mu is unlocked before the spawner waits
		mu.Lock()
		mu.Unlock()
		close(done)
	}()
	mu.Unlock()
	<-done
}

// lockTwice locks mu again before unlocking it.
func lockTwice() {
	var mu sync.Mutex
	go func() { // want `goroutine started here may never exit, leaking one per call to lockTwice: it waits to lock mu, which it already holds`
		mu.Lock()
		mu.Lock()
		mu.Unlock()
	}()
}

// returnHolding returns on its error path with mu held.
func returnHolding(fail bool) {
	var mu sync.Mutex
	mu.Lock()
	go func() { // want `goroutine started here may never exit, leaking one per call to returnHolding: it waits to lock mu, and returnHolding can return without unlocking it`
		mu.Lock()
		mu.Unlock()
	}()
	if fail {
		return
	}
	mu.Unlock()
}

// returnUnlocking unlocks with defer.
func returnUnlocking(fail bool) {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	go func() { // ok: the deferred Unlock runs on the error path too
		mu.Lock()
		mu.Unlock()
	}()
	if fail {
		return
	}
}

// waitHolding holds mu while it waits for a worker that needs mu before
// Done.
func waitHolding() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // want `goroutine started here may never exit, leaking one per call to waitHolding: it waits to lock mu, and waitHolding, which holds it, can block forever waiting on wg`
		defer wg.Done()
		mu.Lock()
		mu.Unlock()
	}()
	mu.Lock()
	wg.Wait() // want `waitHolding may never return: it waits on wg, and every goroutine that could call Done is blocked or has returned`
	mu.Unlock()
}

// readTwice read-locks mu again while a writer may be waiting: the sync
// docs forbid it, since the writer waits for the first read lock and the
// second waits for the writer.
func readTwice() {
	var mu sync.RWMutex
	go func() { // want `goroutine started here may never exit, leaking one per call to readTwice: it waits to read-lock mu, and no goroutine that can still run unlocks it`
		mu.RLock()
		mu.RLock()
		mu.RUnlock()
		mu.RUnlock()
	}()
	mu.Lock() // want `readTwice may never return: it waits to lock mu, and no goroutine that can still run unlocks it`
	mu.Unlock()
}

// readOnce read-locks once.
func readOnce() {
	var mu sync.RWMutex
	go func() { // ok: the writer waits for one read lock, which is released
		mu.RLock()
		mu.RUnlock()
	}()
	mu.Lock()
	mu.Unlock()
}
