// Package generics builds clients in generic code.
package generics

import (
	"net/http"
	"time"
)

// Pool embeds a client in a generic struct.
type Pool[T any] struct {
	http.Client
	items []T
}

func newClient[T any](v T) *http.Client {
	_ = v
	return &http.Client{} // want `http.Client has no Timeout`
}

func newPool[T any]() *Pool[T] {
	return &Pool[T]{} // want `Pool\[T\] embeds an http.Client with no Timeout`
}

func newPoolOK[T any]() *Pool[T] {
	return &Pool[T]{Client: http.Client{Timeout: time.Second}} // ok: has a Timeout
}

func use() {
	newClient(1)
	newClient("s")
	newPool[int]()
	newPoolOK[string]()
}
