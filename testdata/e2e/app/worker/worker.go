// Package worker runs a computation that the caller may stop waiting for.
package worker

import "context"

// compute stands for slow work.
func compute() int { return 42 }

// Fetch returns when ctx ends first, and nobody then receives from the
// unbuffered channel: the goroutine blocks on its send forever. The
// channel's name is not ASCII, so SARIF's UTF-16 columns differ from
// Go's byte columns on the send's line.
func Fetch(ctx context.Context) int {
	résultat := make(chan int)
	go func() { résultat <- compute() }()
	select {
	case v := <-résultat:
		return v
	case <-ctx.Done():
		return 0
	}
}
