// Package waitgroup holds functions stuck in WaitGroup.Wait because a
// goroutine they wait for skips Done or is blocked, and their safe twins.
// The findings name the path that skipped Done.
package waitgroup

import (
	"fmt"
	"strconv"
	"sync"
)

// skipDone's worker returns on a parse error before Done.
func skipDone(items []string) []int {
	out := make([]int, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		go func() {
			n, err := strconv.Atoi(it)
			if err != nil {
				return
			}
			out[i] = n
			wg.Done()
		}()
	}
	wg.Wait() // want `skipDone may never return: it waits on wg, and the goroutines that could call Done can return without doing so`
	return out
}

// deferDone defers Done first.
func deferDone(items []string) []int {
	out := make([]int, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := strconv.Atoi(it)
			if err != nil {
				return
			}
			out[i] = n
		}()
	}
	wg.Wait() // ok: Done runs on every path
	return out
}

// wrapped's worker returns a wrapped error: fmt.Errorf never returns nil,
// so it always reaches Done.
func wrapped(item string) error {
	var err error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if _, perr := strconv.Atoi(item); perr != nil {
			err = fmt.Errorf("item %q: %w", item, perr)
		}
		if e := fmt.Errorf("checked %q", item); e == nil {
			return // never taken: a new error is not nil
		}
		wg.Done()
	}()
	wg.Wait() // ok: the return before Done cannot happen
	return err
}

// waitBeforeReceive waits for a worker that is blocked sending its result
// to the receive that comes after Wait.
func waitBeforeReceive() int {
	var wg sync.WaitGroup
	results := make(chan int)
	wg.Add(1)
	go func() {
		defer wg.Done()
		results <- 1
	}()
	wg.Wait() // want `waitBeforeReceive may never return: it waits on wg, and every goroutine that could call Done is blocked or has returned`
	return <-results
}

// receiveBeforeWait receives first.
func receiveBeforeWait() int {
	var wg sync.WaitGroup
	results := make(chan int)
	wg.Add(1)
	go func() {
		defer wg.Done()
		results <- 1
	}()
	n := <-results
	wg.Wait() // ok: the worker's send completes before Wait
	return n
}

// goDone starts its worker with WaitGroup.Go, which calls Done.
func goDone(item string) int {
	var wg sync.WaitGroup
	n := 0
	wg.Go(func() {
		v, err := strconv.Atoi(item)
		if err != nil {
			return
		}
		n = v
	})
	wg.Wait() // ok: Go calls Done when the function returns
	return n
}

// addTooMany adds two for the one goroutine it starts.
func addTooMany() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
	}()
	wg.Wait() // want `addTooMany may never return: it waits on wg, and Add counts more than the Done calls its goroutines make`
}

// addOne adds one per goroutine.
func addOne() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
	}()
	wg.Wait() // ok: the count matches the goroutines started
}
