// Package blocked holds goroutines that block on an operation that can
// never complete, so what follows it (a return, a panic, log.Fatal) is
// unreachable and no way out.
package blocked

import (
	"fmt"
	"log"
	"time"
)

// NilRecv receives from a nil channel.
func NilRecv() {
	go func() { // want `goroutine started here never exits, leaking one per call to NilRecv: it blocks forever receiving from ch`
		var ch chan int
		if v := <-ch; v > 0 {
			return
		}
		panic("unreachable")
	}()
}

// NilSend sends on a nil channel.
func NilSend() {
	go func() { // ok: stuck on a send, which unguardedsend reports (unguardedsend/blocked)
		var out chan<- int
		out <- 1
		log.Fatal("unreachable")
	}()
}

// PrivateRecv waits on a channel no one else can reach.
func PrivateRecv() {
	go func() { // want `goroutine started here never exits, leaking one per call to PrivateRecv: it blocks forever receiving from done`
		done := make(chan struct{})
		<-done
		fmt.Println("done")
	}()
}

// PrivateSend sends on an unbuffered channel only it holds.
func PrivateSend() {
	go func() { // ok: stuck on a send, which unguardedsend reports (unguardedsend/blocked)
		ch := make(chan int)
		ch <- 1
		fmt.Println(<-ch)
	}()
}

// EmptyBuffer receives from a buffered channel nothing sends on.
func EmptyBuffer() {
	go func() { // want `goroutine started here never exits, leaking one per call to EmptyBuffer: it blocks forever receiving from ch`
		ch := make(chan int, 4)
		fmt.Println(<-ch)
	}()
}

type emitter struct {
	events chan string // never assigned: nil
}

// Emit sends on a field nothing assigns.
func (e *emitter) Emit() {
	go func() { // want `goroutine started here never exits, leaking one per call to emitter.Emit: it blocks forever sending on e.events`
		e.events <- "x"
	}()
}

func deadlock() {
	ch := make(chan int)
	ch <- 1
}

// ViaHelper calls a helper that deadlocks.
func ViaHelper() {
	go func() { // ok: stuck on a send, which unguardedsend reports (unguardedsend/blocked)
		deadlock()
	}()
}

// ---- Safe twins.

// BufferedSend has room for its send.
func BufferedSend() {
	go func() { // ok: the buffer holds the send, the receive finds it
		ch := make(chan int, 1)
		ch <- 1
		fmt.Println(<-ch)
	}()
}

// ClosedRecv receives from a channel it closed.
func ClosedRecv() {
	go func() { // ok: a closed channel delivers its zero value
		ch := make(chan int)
		close(ch)
		fmt.Println(<-ch)
	}()
}

// Shared hands its channel to another goroutine.
func Shared() {
	go func() { // ok: the inner goroutine sends
		ch := make(chan int)
		go func() { ch <- 1 }()
		fmt.Println(<-ch)
	}()
}

// NilCase selects on a nil channel and a timer.
func NilCase() {
	go func() { // ok: the timer case fires
		var ch chan int
		select {
		case <-ch:
		case <-time.After(time.Second):
		}
	}()
}

// Helper passes its channel to a function.
func Helper() {
	go func() { // ok: fill sends on it
		ch := make(chan int, 1)
		fill(ch)
		fmt.Println(<-ch)
	}()
}

func fill(ch chan<- int) { ch <- 1 }

type listener struct {
	events chan string
}

func newListener() *listener { return &listener{events: make(chan string, 1)} }

// Emit sends on a field the constructor fills.
func (l *listener) Emit() {
	go func() { // ok: the field holds a channel someone may receive from
		l.events <- "x"
	}()
}
