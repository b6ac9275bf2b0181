// Package negative holds the safe idioms: nothing here is reported.
package negative

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

func compute() int { return 42 }

func work(i int) error {
	if i < 0 {
		return errors.New("negative")
	}
	return nil
}

// guardedCtx: the goroutine selects on ctx.Done.
func guardedCtx(ctx context.Context) int {
	resc := make(chan int)
	go func() {
		select {
		case resc <- compute(): // ok: the goroutine gives up when ctx is done
		case <-ctx.Done():
		}
	}()
	select {
	case v := <-resc:
		return v
	case <-ctx.Done():
		return 0
	}
}

// guardedTimer: the goroutine gives up after a timeout.
func guardedTimer(ctx context.Context) int {
	resc := make(chan int)
	go func() {
		select {
		case resc <- compute(): // ok: time.After bounds the wait
		case <-time.After(time.Second):
		}
	}()
	select {
	case v := <-resc:
		return v
	case <-ctx.Done():
		return 0
	}
}

// guardedDefault: the goroutine drops the value.
func guardedDefault(ctx context.Context) int {
	resc := make(chan int)
	go func() {
		select {
		case resc <- compute(): // ok: default never blocks
		default:
		}
	}()
	select {
	case v := <-resc:
		return v
	case <-ctx.Done():
		return 0
	}
}

// guardedQuit: the goroutine also watches a quit channel closed on shutdown.
func guardedQuit(ctx context.Context, quit chan struct{}) int {
	resc := make(chan int)
	go func() {
		select {
		case resc <- compute(): // ok: quit is closed on shutdown
		case <-quit:
		}
	}()
	select {
	case v := <-resc:
		return v
	case <-ctx.Done():
		return 0
	}
}

// buffered: a buffer of one covers the only send.
func buffered(ctx context.Context) int {
	resc := make(chan int, 1)
	go func() { resc <- compute() }() // ok: the buffer holds the only send
	select {
	case v := <-resc:
		return v
	case <-ctx.Done():
		return 0
	}
}

// bufferedPerItem: the buffer is sized for one send per item.
func bufferedPerItem(items []int) error {
	errc := make(chan error, len(items))
	for _, it := range items {
		go func() { errc <- work(it) }() // ok: one buffer slot per sender
	}
	for range items {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// receivesAlways receives on every path before returning.
func receivesAlways(bad bool) (int, error) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: received on every path
	v := <-resc
	if bad {
		return 0, errors.New("bad")
	}
	return v, nil
}

// deferredReceive drains the channel in a deferred function.
func deferredReceive(ctx context.Context) int {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: the deferred function receives
	defer func() { <-resc }()
	if ctx.Err() != nil {
		return 0
	}
	return 1
}

// drain receives from its parameter.
func drain(ch <-chan int) {
	for range ch {
	}
}

// helperReceives hands the channel to a helper that receives.
func helperReceives(bad bool) error {
	ch := make(chan int)
	go func() {
		ch <- compute() // ok: drain receives
		close(ch)
	}()
	if bad {
		drain(ch)
		return errors.New("bad")
	}
	drain(ch)
	return nil
}

// pipeline: WaitGroup senders, a closer, a consumer ranging to the end.
func pipeline(items []int) int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out <- it * 2 // ok: the consumer ranges until close
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	sum := 0
	for v := range out {
		sum += v
	}
	return sum
}

// receiveAll receives once per sender.
func receiveAll(items []int) error {
	errc := make(chan error)
	for _, it := range items {
		go func() { errc <- work(it) }() // ok: every sender is received from
	}
	var first error
	for range items {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// groupWaited: errgroup spawns that the spawner waits for.
func groupWaited(ctx context.Context, items []int) error {
	g, ctx := errgroup.WithContext(ctx)
	res := make(chan int, 1)
	for _, it := range items {
		g.Go(func() error {
			select {
			case res <- it: // ok: guarded
			case <-ctx.Done():
			}
			return nil
		})
	}
	return g.Wait()
}

// waitGroupGo: sync.WaitGroup.Go spawns that are waited for, but the
// channel holds one value and is read only after Wait: with two items the
// second send and Wait wait for each other forever.
func waitGroupGo(items []int) int {
	ch := make(chan int, 1)
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Go(func() { ch <- it }) // want `send on ch may block forever: every goroutine that could receive from it is blocked or has returned`
	}
	wg.Wait()
	return len(ch)
}

// returned: the channel escapes to the caller, who may receive.
func returned() <-chan int {
	ch := make(chan int)
	go func() { ch <- compute() }() // ok: the caller owns the channel
	return ch
}

// toStdlib: the channel goes where the model cannot see.
func toStdlib() {
	ch := make(chan os.Signal)
	go func() { ch <- os.Interrupt }() // ok: unknown fate, so silent
	signal.Notify(ch, os.Interrupt)
}

// consumerGoroutine: another goroutine receives.
func consumerGoroutine(ctx context.Context) {
	ch := make(chan int)
	go func() { ch <- compute() }() // ok: the consumer goroutine receives
	go func() {
		for v := range ch {
			_ = v
		}
	}()
	<-ctx.Done()
}

// loopEach spawns and receives in the same iteration.
func loopEach(items []int) error {
	ch := make(chan error)
	for _, it := range items {
		go func() { ch <- work(it) }() // ok: received in the same iteration
		if err := <-ch; err != nil {
			return err
		}
	}
	return nil
}

// dynamic: the sender is a function value.
func dynamic(ctx context.Context, f func(chan int)) int {
	ch := make(chan int)
	go f(ch) // ok: unknown function
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// branches sends once on either branch: a buffer of one is enough.
func branches(ctx context.Context, fast bool) int {
	ch := make(chan int, 1)
	go func() {
		if fast {
			ch <- 1 // ok: one send per path
		} else {
			ch <- 2 // ok: one send per path
		}
	}()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// resultOrError: the goroutine sends on exactly one of two channels.
func resultOrError() (int, error) {
	resc := make(chan int)
	errc := make(chan error)
	go func() {
		v, err := compute(), work(1)
		if err != nil {
			errc <- err
			return
		}
		resc <- v // ok: errc is taken only when this send does not happen
	}()
	select {
	case v := <-resc:
		return v, nil
	case err := <-errc:
		return 0, err
	}
}

// doneClosed: the producer closes done after its last send.
func doneClosed(xs []int) int {
	ch := make(chan int)
	done := make(chan struct{})
	go func() {
		for _, x := range xs {
			ch <- x // ok: done is closed only after every send
		}
		close(done)
	}()
	sum := 0
	for {
		select {
		case v := <-ch:
			sum += v
		case <-done:
			return sum
		}
	}
}

// oneOfTwo: the goroutine answers once, on either ready or failed; the
// spawner waits for ready and, if it does not come in time, for failed.
// When the work succeeds after the timeout, the spawner waits on failed
// and the goroutine on ready, forever.
func oneOfTwo(ctx context.Context) error {
	ready := make(chan struct{})
	failed := make(chan error)
	go func() {
		if err := work(compute()); err != nil {
			failed <- err
			return
		}
		ready <- struct{}{} // want `send on ready may block forever: every goroutine that could receive from it is blocked or has returned`
	}()
	select {
	case <-ready:
		return nil
	case <-time.After(time.Second):
	}
	return <-failed
}

// oneOfTwoPerStage: two goroutines in turn answer once on the shared
// ready or failed; each receive from failed happens while only one of
// them has started. As in oneOfTwo, a first stage that succeeds after the
// timeout leaves it sending on ready while the spawner waits on failed.
func oneOfTwoPerStage() error {
	ready := make(chan struct{})
	failed := make(chan error)
	go func() {
		if err := work(1); err != nil {
			failed <- err
			return
		}
		ready <- struct{}{} // want `send on ready may block forever: every goroutine that could receive from it is blocked or has returned`
	}()
	select {
	case <-ready:
	case <-time.After(time.Second):
		if err := <-failed; err != nil {
			return err
		}
	}
	go func() {
		if err := work(2); err != nil {
			failed <- err
			return
		}
		ready <- struct{}{} // ok: the second stage's answer is taken from failed or ready
	}()
	select {
	case <-ready:
		return nil
	case err := <-failed:
		return err
	}
}
