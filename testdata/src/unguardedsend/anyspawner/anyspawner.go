// Package anyspawner is checked with -unguardedsend.any-spawner: goroutines
// started by any function count, not only those of HTTP handlers.
package anyspawner

import "context"

var events = make(chan string, 10)

// Pool has a shared results channel.
type Pool struct{ results chan int }

// Submit starts a goroutine per call that sends with no escape.
func (p *Pool) Submit(v int) {
	go func() {
		p.results <- v // want `send on p.results may block forever when its readers fall behind, stranding one goroutine per call`
	}()
}

// Emit starts a goroutine that sends to a package-level channel.
func Emit(msg string) {
	go emit(msg)
}

func emit(msg string) {
	events <- msg // want `send on events may block forever when its readers fall behind, stranding one goroutine per call`
}

// SubmitCtx is fixed: it selects on ctx.Done.
func (p *Pool) SubmitCtx(ctx context.Context, v int) {
	go func() {
		select {
		case p.results <- v: // ok: guarded
		case <-ctx.Done():
		}
	}()
}
