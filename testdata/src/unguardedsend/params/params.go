// Package params decides parameter channels where they are made.
package params

import (
	"context"
	"errors"
)

func compute() int { return 1 }

// startSender starts a goroutine that sends on its parameter: it cannot
// know whether its caller receives, so the caller is judged.
func startSender(out chan<- int) {
	go func() {
		out <- compute() // want `send on out may block forever: the receiver returns on ctx.Done without receiving`
	}()
}

// useStart makes the channel and abandons it.
func useStart(ctx context.Context) int {
	ch := make(chan int)
	startSender(ch)
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// useStartOK receives on every path.
func useStartOK() int {
	ch := make(chan int)
	startSender(ch)
	return <-ch
}

// forward passes the channel on to the goroutine's real sender.
func forward(out chan<- int) {
	relay(out)
}

func relay(out chan<- int) {
	out <- compute() // want `send on out may block forever: the receiver can return without receiving`
}

// deep abandons a channel sent on two calls below the goroutine.
func deep(bad bool) (int, error) {
	ch := make(chan int)
	go forward(ch)
	if bad {
		return 0, errors.New("bad")
	}
	return <-ch, nil
}

// suppressed is known to be safe by its author.
func suppressed(ctx context.Context) int {
	ch := make(chan int)
	go func() {
		//goroutinelint:ignore unguardedsend the caller's ctx is never cancelled in this program
		ch <- compute()
	}()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}
