// Package slices holds arrays and slices of channels and locks made in the
// scope: their elements are tracked at known indices (constants, or a
// loop's bounded counter), and given up at an unknown one.
package slices

import "sync"

// arrayOfChans receives from the first channel only: the sender on the
// second blocks.
func arrayOfChans() {
	chs := [2]chan int{make(chan int), make(chan int)}
	for i := range chs {
		go func() {
			chs[i] <- i // want "send blocks forever"
		}()
	}
	<-chs[0]
}

// ok: every channel of the array is received from.
func arrayAllReceived() {
	chs := [2]chan int{make(chan int), make(chan int)}
	for i := range chs {
		go func() {
			chs[i] <- i // ok: received below
		}()
	}
	for i := range chs {
		<-chs[i]
	}
}

// appendedChans appends three channels, starts a sender on each, and
// receives from the first only.
func appendedChans() {
	var chs []chan int
	for range 3 {
		chs = append(chs, make(chan int))
	}
	for _, ch := range chs {
		go func() {
			ch <- 1 // want "send blocks forever"
		}()
	}
	<-chs[0]
}

// ok: an index the scope does not know may be any element.
func unknownIndex(n int) {
	var chs []chan int
	for range 3 {
		chs = append(chs, make(chan int))
	}
	for _, ch := range chs {
		go func() {
			ch <- 1 // ok: <-chs[n] may be any of them
		}()
	}
	for range 3 {
		<-chs[n]
	}
}

// ok: a slice from make is not tracked element by element; what goes in
// escapes.
func madeSlice() {
	chs := make([]chan int, 2)
	chs[0], chs[1] = make(chan int), make(chan int)
	for _, ch := range chs {
		go func() {
			ch <- 1 // ok: untracked elements
		}()
	}
	<-chs[0]
}

// sliceOfLocks takes two locks of a slice in opposite orders.
func sliceOfLocks() {
	mus := []*sync.Mutex{new(sync.Mutex), new(sync.Mutex)}
	mus[0].Lock()
	go func() {
		mus[1].Lock() // want "lock blocks forever"
		mus[0].Lock() // want "lock blocks forever"
	}()
	mus[1].Lock() // want "lock blocks forever"
}

// ok: the same order in both.
func sliceOfLocksOrdered() {
	mus := []*sync.Mutex{new(sync.Mutex), new(sync.Mutex)}
	done := make(chan bool)
	go func() {
		mus[0].Lock()
		mus[1].Lock() // ok: same order
		mus[1].Unlock()
		mus[0].Unlock()
		done <- true
	}()
	mus[0].Lock()
	mus[1].Lock()
	mus[1].Unlock()
	mus[0].Unlock()
	<-done
}
