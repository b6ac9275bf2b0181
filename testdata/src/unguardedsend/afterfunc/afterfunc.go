// Package afterfunc holds timer callbacks: time.AfterFunc runs its
// function in a goroutine of its own, so a send there on a channel the
// creator may stop receiving from is abandoned like a goroutine's.
package afterfunc

import (
	"context"
	"time"
)

func compute() int { return 42 }

// later: the callback's send is stranded when ctx is done first.
func later(ctx context.Context) int {
	ch := make(chan int)
	time.AfterFunc(time.Second, func() {
		ch <- compute() // want `send on ch may block forever: the receiver returns on ctx.Done without receiving`
	})
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// alarm: the callback signals on a channel the caller gives up on.
func alarm(ctx context.Context, d time.Duration) bool {
	fired := make(chan struct{})
	time.AfterFunc(d, func() { fired <- struct{}{} }) // want `send on fired may block forever: the receiver returns on ctx.Done without receiving`
	select {
	case <-fired:
		return true
	case <-ctx.Done():
		return false
	}
}

// buffered: a buffer of one holds the callback's only send.
func buffered(ctx context.Context) int {
	ch := make(chan int, 1)
	time.AfterFunc(time.Second, func() { ch <- compute() }) // ok: the buffer holds the only send
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// received: the creator waits for the callback on every path.
func received() int {
	ch := make(chan int)
	time.AfterFunc(time.Millisecond, func() { ch <- compute() }) // ok: received on every path
	return <-ch
}

// stopped: the timer is stopped on the way out, so the callback may
// never run: unknown, so silent.
func stopped(ctx context.Context) int {
	ch := make(chan int)
	t := time.AfterFunc(time.Second, func() { ch <- compute() }) // ok: the timer is kept and stopped; whether the callback runs is unknown
	defer t.Stop()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// guarded: the callback gives up with ctx.
func guarded(ctx context.Context) int {
	ch := make(chan int)
	time.AfterFunc(time.Second, func() {
		select {
		case ch <- compute(): // ok: the callback gives up when ctx is done
		case <-ctx.Done():
		}
	})
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}
