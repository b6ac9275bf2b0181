// Package leaky holds code an editor shows findings on.
package leaky

import (
	"context"
	"net/http"
)

// Fetch waits forever for a silent server.
func Fetch(url string) (*http.Response, error) {
	client := &http.Client{}
	return client.Get(url)
}

// Status uses the default client.
func Status(url string) (*http.Response, error) {
	return http.Get(url)
}

// First abandons its goroutine when ctx ends first.
func First(ctx context.Context, url string) error {
	errc := make(chan error)
	go func() {
		_, err := Fetch(url)
		errc <- err
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
