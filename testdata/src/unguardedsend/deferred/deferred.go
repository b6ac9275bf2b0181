// Package deferred holds goroutines that send on different paths, one of
// them after a deferred call.
package deferred

import (
	"context"
	"io"
	"net/http"
)

type result struct {
	body []byte
	err  error
}

// Fetch sends on its error path and on its normal path; both block once
// Fetch has returned on ctx.Done.
func Fetch(ctx context.Context, url string) []byte {
	ch := make(chan result)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			ch <- result{err: err} // want `send on ch may block forever: the receiver returns on ctx.Done without receiving`
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		ch <- result{body: b, err: err} // want `send on ch may block forever: the receiver returns on ctx.Done without receiving`
	}()
	select {
	case r := <-ch:
		return r.body
	case <-ctx.Done():
		return nil
	}
}

// FetchBuffered has room for the one send each path makes.
func FetchBuffered(ctx context.Context, url string) []byte {
	ch := make(chan result, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			ch <- result{err: err} // ok: the buffer holds it
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		ch <- result{body: b, err: err} // ok: the buffer holds it
	}()
	select {
	case r := <-ch:
		return r.body
	case <-ctx.Done():
		return nil
	}
}

// Twice sends twice on one path: only the second blocks with a buffer of one.
func Twice(ctx context.Context) int {
	ch := make(chan int, 1)
	go func() {
		defer func() { recover() }()
		ch <- 1 // ok: the buffer holds the first
		ch <- 2 // want `send on ch may block forever`
	}()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}
