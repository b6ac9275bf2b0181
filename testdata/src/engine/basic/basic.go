package basic

import (
	"errors"
	"time"
)

func work() error { return errors.New("x") }

// Abandoned result: the spawner times out and returns.
func abandoned() {
	ch := make(chan int)
	go func() {
		ch <- 1 // want "send blocks forever"
	}()
	select {
	case <-ch:
	case <-time.After(time.Second):
	}
}

// ok: buffered, the send always completes.
func abandonedBuffered() {
	ch := make(chan int, 1)
	go func() {
		ch <- 1 // ok: buffered
	}()
	select {
	case <-ch:
	case <-time.After(time.Second):
	}
}

// Early return on error skips the receive.
func earlyReturn() error {
	ch := make(chan int)
	go func() {
		ch <- 1 // want "send blocks forever"
	}()
	if err := work(); err != nil {
		return err
	}
	<-ch
	return nil
}

// ok: correlated branches: the goroutine sends only when the spawner
// receives.
func correlated(flag bool) {
	ch := make(chan int)
	go func() {
		if flag {
			ch <- 1 // ok: received under the same condition
		}
	}()
	if flag {
		<-ch
	}
}

// Range over a channel nobody closes.
func noClose(items []int) {
	ch := make(chan int)
	go func() {
		for range ch { // want "range blocks forever"
		}
	}()
	for _, it := range items {
		ch <- it
	}
}

// ok: closed after the loop.
func closed(items []int) {
	ch := make(chan int)
	go func() {
		for range ch { // ok: closed by the spawner
		}
	}()
	for _, it := range items {
		ch <- it
	}
	close(ch)
}

// ok: deferred close.
func deferredClose(items []int) {
	ch := make(chan int)
	defer close(ch)
	go func() {
		for range ch { // ok: closed by the deferred close
		}
	}()
	for _, it := range items {
		ch <- it
	}
}

// ok: the channel escapes to the caller, who may receive.
func escapes() chan int {
	ch := make(chan int)
	go func() {
		ch <- 1 // ok: the caller holds ch
	}()
	return ch
}

// A nil channel blocks forever.
func nilChan() {
	var ch chan int
	go func() {
		<-ch // want "nil channel blocks forever"
	}()
}

// select {} in a goroutine.
func noCases() {
	go func() {
		select {} // want "select {} blocks forever"
	}()
}

// A body given only a number, started in a loop, spawns a goroutine that
// sends on a channel nobody receives from.
func selfContainedWithNumber() {
	for i := 0; i < 100; i++ {
		go func(n int) {
			ch := make(chan int)
			go func() {
				ch <- n // want "send blocks forever"
			}()
		}(i)
	}
}
