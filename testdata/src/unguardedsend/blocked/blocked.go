// Package blocked holds goroutines stuck on a send that nothing can ever
// receive: unguardedsend reports them at the send (noexit leaves them to
// it, one finding per goroutine).
package blocked

import (
	"fmt"
	"log"
	"sync"
	"time"
)

// NilSend sends on a nil channel.
func NilSend() {
	go func() {
		var out chan<- int
		out <- 1 // want `send on out blocks forever: out is nil here`
		log.Fatal("unreachable")
	}()
}

// PrivateSend sends on an unbuffered channel only it holds.
func PrivateSend() {
	go func() {
		ch := make(chan int)
		ch <- 1 // want `send on ch may block forever: nothing else can receive from it`
		fmt.Println(<-ch)
	}()
}

func deadlock() {
	ch := make(chan int)
	ch <- 1 // want `send on ch may block forever: nothing else can receive from it`
}

// ViaHelper calls a helper that deadlocks.
func ViaHelper() {
	go func() {
		deadlock()
	}()
}

// ---- Safe twins.

// BufferedSend has room for its send.
func BufferedSend() {
	go func() {
		ch := make(chan int, 1)
		ch <- 1 // ok: the buffer holds the send, the receive finds it
		fmt.Println(<-ch)
	}()
}

// Shared hands its channel to another goroutine.
func Shared() {
	go func() {
		ch := make(chan int)
		go func() { ch <- 1 }() // ok: the outer goroutine receives
		fmt.Println(<-ch)
	}()
}

type registry struct {
	mu    sync.Mutex
	items int
}

// prune returns with the lock held when there is nothing to prune.
func (r *registry) prune() {
	r.mu.Lock()
	if r.items == 0 {
		return
	}
	r.mu.Unlock()
}

// lockedBeforeSend: the goroutine waits forever on the lock prune kept
// before it reaches its send, so the send is not where it is stuck; noexit
// reports it at the go statement.
func lockedBeforeSend() {
	r := &registry{}
	r.prune()
	done := make(chan bool)
	go func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		done <- true // ok: never reached, the goroutine waits on r.mu before
	}()
	select {
	case <-time.After(time.Millisecond):
	case <-done:
	}
}
