// Package anyspawner is checked with -unguardedsend.any-spawner: goroutines
// started by any function count, not only those of HTTP handlers.
package anyspawner

import (
	"context"
	"sync"
)

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

// Limiter hands out a fixed number of tokens.
type Limiter struct{ tokens chan struct{} }

// Take waits for a free token.
func (l *Limiter) Take() { <-l.tokens }

// Give returns a token.
func (l *Limiter) Give() {
	l.tokens <- struct{}{} // ok: RunLimited's goroutine gives back the token RunLimited took
}

// RunLimited takes a token and starts a goroutine that gives it back.
func (l *Limiter) RunLimited(f func()) {
	l.Take()
	go func() {
		defer l.Give()
		f()
	}()
}

// Reader answers its caller through a channel of the struct.
type Reader struct {
	lines chan string
	errs  chan error
}

// Next starts a read and waits for its answer, or gives up.
func (r *Reader) Next(ctx context.Context, read func() (string, error)) (string, error) {
	go func() {
		s, err := read()
		if err != nil {
			r.errs <- err // ok: Next reads errs itself; whether it gives up too early is beyond a shared channel's model
			return
		}
		r.lines <- s // ok: Next reads lines itself
	}()
	select {
	case s := <-r.lines:
		return s, nil
	case err := <-r.errs:
		return "", err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

var notifyOnce sync.Once

// StartNotifier starts one notifier per process, whoever calls it.
func StartNotifier() {
	notifyOnce.Do(func() { go notify() })
}

func notify() {
	events <- "up" // want `send on events may block forever when its readers fall behind, stranding one goroutine$`
}

// Notifier starts its announcer once per value.
type Notifier struct{ once sync.Once }

// Start starts n's announcer on first use.
func (n *Notifier) Start() {
	n.once.Do(func() { go announce() })
}

func announce() {
	events <- "hello" // want `send on events may block forever when its readers fall behind, stranding one goroutine per Notifier`
}
