// Package spawns holds goroutines started by errgroup.Group.Go and
// sync.WaitGroup.Go.
package spawns

import (
	"context"
	"errors"
	"sync"

	"golang.org/x/sync/errgroup"
)

// viaGroup starts the sender with errgroup and never waits for it.
func viaGroup(ctx context.Context, g *errgroup.Group) (int, error) {
	ch := make(chan int)
	g.Go(func() error {
		ch <- 1 // want `send on ch may block forever: the receiver returns on ctx.Done without receiving`
		return nil
	})
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// viaWaitGroup starts the sender with sync.WaitGroup.Go.
func viaWaitGroup(wg *sync.WaitGroup, bad bool) (int, error) {
	ch := make(chan int)
	wg.Go(func() {
		ch <- 1 // want `send on ch may block forever: the receiver can return without receiving`
	})
	if bad {
		return 0, errors.New("bad")
	}
	return <-ch, nil
}

// viaGroupWaited waits for the group: not reported.
func viaGroupWaited(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	ch := make(chan int, 1)
	g.Go(func() error {
		ch <- 1 // ok: buffered, and the spawner waits
		return nil
	})
	return g.Wait()
}
