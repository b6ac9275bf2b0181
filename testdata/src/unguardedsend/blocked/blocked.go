// Package blocked holds goroutines stuck on a send that nothing can ever
// receive: unguardedsend reports them at the send (noexit leaves them to
// it, one finding per goroutine).
package blocked

import (
	"fmt"
	"log"
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
