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
