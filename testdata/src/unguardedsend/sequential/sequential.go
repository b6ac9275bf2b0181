// Package sequential holds sends that follow each other: a goroutine
// started after the spawner received every send before it, and sends made
// one after the other by one goroutine. Only the send that can be left
// over is reported.
package sequential

import (
	"context"
	"errors"
	"time"
)

func compute() int { return 42 }

func work() error { return errors.New("failed") }

// receiveBetween receives the first goroutine's value before it starts the
// second: only the second can be left blocked on ctx.Done.
func receiveBetween(ctx context.Context) int {
	ch := make(chan int)
	go func() { ch <- compute() }() // ok: received before the second goroutine starts
	a := <-ch
	go func() { ch <- compute() }() // want `send on ch may block forever: the receiver returns on ctx.Done without receiving`
	select {
	case b := <-ch:
		return a + b
	case <-ctx.Done():
		return 0
	}
}

// receiveBetweenBuffered is receiveBetween with a buffer of one: the two
// sends are never pending at once, so the buffer holds the second.
func receiveBetweenBuffered(ctx context.Context) int {
	ch := make(chan int, 1)
	go func() { ch <- compute() }() // ok: received before the second goroutine starts
	a := <-ch
	go func() { ch <- compute() }() // ok: the buffer holds the only send still pending
	select {
	case b := <-ch:
		return a + b
	case <-ctx.Done():
		return 0
	}
}

// stages runs two stages in turn, each with its own deadline: the first
// stage's send is taken before the second starts.
func stages(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- work() }() // ok: the buffer holds it when the first stage times out
	select {
	case err := <-errc:
		if err != nil {
			return err
		}
	case <-ctx.Done():
		return ctx.Err()
	}
	go func() { errc <- work() }() // ok: the first stage's send was received, so the buffer is free for this one
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stagesTimeout lets the second stage start after the first timed out:
// the first's value may still fill the buffer, so both may be pending.
func stagesTimeout(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- work() }() // want `send on errc may block forever: the receiver returns on a timeout without receiving`
	select {
	case err := <-errc:
		if err != nil {
			return err
		}
	case <-time.After(time.Second):
	}
	go func() { errc <- work() }() // want `send on errc may block forever: the receiver returns on a timeout without receiving`
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// chained: the goroutine sends, then starts the next sender. The first
// send fills the empty buffer; only the second can block.
func chained(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() {
		errc <- work() // ok: the first send into an empty buffer of one
		go func() {
			errc <- work() // want `send on errc may block forever: the receiver returns on ctx.Done without receiving`
		}()
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// twice: one goroutine sends two values; the spawner takes the first and
// may leave the second.
func twice(ctx context.Context) int {
	ch := make(chan int)
	go func() {
		ch <- 1 // ok: received before the spawner can return
		ch <- 2 // want `send on ch may block forever: the receiver returns on ctx.Done without receiving`
	}()
	a := <-ch
	select {
	case b := <-ch:
		return a + b
	case <-ctx.Done():
		return a
	}
}

// twiceBuffered: a buffer of one holds the second value.
func twiceBuffered(ctx context.Context) int {
	ch := make(chan int, 1)
	go func() {
		ch <- 1 // ok: received
		ch <- 2 // ok: the buffer holds it
	}()
	a := <-ch
	select {
	case b := <-ch:
		return a + b
	case <-ctx.Done():
		return a
	}
}

// perIteration starts one goroutine per iteration and receives from it
// in the same iteration; only the iteration that returns on ctx.Done
// leaves its goroutine.
func perIteration(ctx context.Context, n int) error {
	errc := make(chan error, 1)
	for range n {
		go func() { errc <- work() }() // ok: one pending send at a time, and the buffer holds it
		select {
		case err := <-errc:
			if err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// sendTwiceOnError sends nil on error and then, with its return missing,
// its value too.
func sendTwiceOnError(ch chan any, err error) {
	if err != nil {
		ch <- nil // ok: the first of the two sends is received
	}
	ch <- struct{}{} // want `send on ch may block forever: the receiver can return before receiving from every sender`
}

// twoStages receives once per goroutine, each started after the previous
// one's value was taken: the send left blocked is the second goroutine's
// second send, the one after the missing return.
func twoStages() {
	ch := make(chan any)
	go func() {
		sendTwiceOnError(ch, nil)
	}()
	<-ch
	go func() {
		sendTwiceOnError(ch, errors.New("failed"))
	}()
	<-ch
}
