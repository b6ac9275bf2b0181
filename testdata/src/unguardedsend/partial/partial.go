// Package partial holds receivers that receive in a helper: a helper that
// can return without receiving on some path (on a timeout or a ticker)
// does not count as a receive; one that receives on every path does.
package partial

import (
	"context"
	"time"

	"unguardedsend/partial/lib"
)

func compute() int { return 42 }

// waitFor gives up after d without receiving.
func waitFor(ch <-chan int, d time.Duration) (int, bool) {
	select {
	case v := <-ch:
		return v, true
	case <-time.After(d):
		return 0, false
	}
}

// timeout: the helper returns on its timeout and the sender is left.
func timeout() int {
	ch := make(chan int)
	go func() { ch <- compute() }() // want `send on ch may block forever: a function the receiver calls can return without receiving`
	v, _ := waitFor(ch, time.Second)
	return v
}

// poll tries a few ticks, then gives up without receiving.
func poll(ch <-chan int, tick *time.Ticker) int {
	for tries := 0; ; tries++ {
		select {
		case v := <-ch:
			return v
		case <-tick.C:
			if tries > 3 {
				return -1
			}
		}
	}
}

// ticker: the helper gives up on a ticker.
func ticker() int {
	ch := make(chan int)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	go func() { ch <- compute() }() // want `send on ch may block forever: a function the receiver calls can return without receiving`
	return poll(ch, t)
}

// otherPackage: lib.WaitFor can return without receiving.
func otherPackage() int {
	ch := make(chan int)
	go func() { ch <- compute() }() // want `send on ch may block forever: a function the receiver calls can return without receiving`
	v, _ := lib.WaitFor(ch, time.Second)
	return v
}

// twoSends: the helper receives once on every path, the goroutine sends
// twice.
func twoSends() int {
	ch := make(chan int)
	go func() {
		ch <- 1
		ch <- 2 // want `send on ch may block forever: the receiver can return before receiving from every sender`
	}()
	return lib.Next(ch)
}

// always: lib.Next receives on every path.
func always() int {
	ch := make(chan int)
	go func() { ch <- compute() }() // ok: lib.Next receives on every path
	return lib.Next(ch)
}

// drainAll ranges until the channel is closed.
func drainAll(ch <-chan int) (sum int) {
	for v := range ch {
		sum += v
	}
	return sum
}

// ranged: the helper receives until close.
func ranged(xs []int) int {
	ch := make(chan int)
	go func() {
		for _, x := range xs {
			ch <- x // ok: drainAll receives until close
		}
		close(ch)
	}()
	return drainAll(ch)
}

// collect receives n values.
func collect(ch <-chan int, n int) []int {
	var out []int
	for range n {
		out = append(out, <-ch)
	}
	return out
}

// counted: the helper's loop is assumed to run once per sender.
func counted(xs []int) []int {
	ch := make(chan int)
	for _, x := range xs {
		go func() { ch <- x }() // ok: collect receives once per sender
	}
	return collect(ch, len(xs))
}

// waitOrDie gives up by ending the process, never by returning.
func waitOrDie(ch <-chan int) int {
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		panic("no value")
	}
}

// orDie: every path of waitOrDie that returns has received.
func orDie() int {
	ch := make(chan int)
	go func() { ch <- compute() }() // ok: waitOrDie receives on every path that returns
	return waitOrDie(ch)
}

// ctxWait gives up when ctx is done.
func ctxWait(ctx context.Context, ch <-chan int) int {
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// deferred: a deferred helper receives on every path.
func deferred(ctx context.Context) int {
	ch := make(chan int)
	go func() { ch <- compute() }() // ok: the deferred receive takes it on every path
	defer func() { <-ch }()
	if ctx.Err() != nil {
		return 0
	}
	return 1
}

// viaCtx: the helper gives up on ctx.Done.
func viaCtx(ctx context.Context) int {
	ch := make(chan int)
	go func() { ch <- compute() }() // want `send on ch may block forever: a function the receiver calls can return without receiving`
	return ctxWait(ctx, ch)
}

// gatherN receives n values, and none when n is 0.
func gatherN(ch <-chan int, n int) (sum int) {
	if n == 0 {
		return 0
	}
	for i := 0; i < n; i++ {
		sum += <-ch
	}
	return sum
}

// guardedCount: gatherN skips its receives on a plain condition, taken
// to mean there is no sender, not on a timeout.
func guardedCount(xs []int) int {
	ch := make(chan int)
	for _, x := range xs {
		go func() { ch <- x }() // ok: gatherN receives once per sender, skipping only when there is none
	}
	return gatherN(ch, len(xs))
}

// tryRecv takes a value if one is ready.
func tryRecv(errc <-chan error) error {
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// checked polls twice for the errors of two goroutines: when both polls
// come before either goroutine sends, the first value fills the buffer and
// the other goroutine's send waits forever.
func checked(run func() error) error {
	errc := make(chan error, 1)
	go func() { errc <- run() }() // want `send on errc may block forever: checked and the goroutines it starts can return without receiving from it`
	if err := tryRecv(errc); err != nil {
		return err
	}
	go func() { errc <- run() }() // want `send on errc may block forever: checked and the goroutines it starts can return without receiving from it`
	return tryRecv(errc)
}
