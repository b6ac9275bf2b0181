// Package fix holds diagnostics with suggested fixes.
package fix

import (
	"context"
	"net/http"
)

func compute() int { return 1 }

// fetch abandons a single result: a buffer of one fixes it.
func fetch(ctx context.Context) int {
	resc := make(chan int)
	go func() { resc <- compute() }() // want `send on resc may block forever: the receiver returns on ctx.Done without receiving`
	select {
	case v := <-resc:
		return v
	case <-ctx.Done():
		return 0
	}
}

var queue = make(chan string, 10)

// handle sends to a shared queue; the request's context is in scope.
func handle(w http.ResponseWriter, r *http.Request) {
	queue <- r.URL.Path // want `send on queue may block the handler forever`
}

// handleAsync sends from a goroutine; ctx is in scope.
func handleAsync(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	go func() {
		queue <- "async" // want `send on queue may block forever when its readers fall behind`
	}()
	_ = ctx
}
