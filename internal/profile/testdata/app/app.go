// Package app is the analysed source of the profile package's matching
// tests. Comments "// at NAME" mark the lines the tests refer to; the
// tests build the profiles' frames from them.
package app

import (
	"context"
	"net/http"
)

type service struct {
	client *http.Client
}

func newClient() *http.Client {
	return &http.Client{} // at literal
}

func newService() *service {
	return &service{client: newClient()}
}

// fetch calls through a parameter: the client comes from the caller.
func fetch(c *http.Client, url string) (*http.Response, error) {
	return c.Get(url) // at fetch
}

func (s *service) viaField(url string) {
	resp, err := s.client.Get(url) // at field
	if err == nil {
		resp.Body.Close()
	}
}

func (s *service) viaParam(url string) {
	resp, err := fetch(s.client, url) // at param
	if err == nil {
		resp.Body.Close()
	}
}

func viaDefault(url string) {
	resp, err := http.Get(url) // at default
	if err == nil {
		resp.Body.Close()
	}
}

func timed(url string) {
	c := &http.Client{Timeout: 1} // at timed literal
	resp, err := c.Get(url)       // at timed
	if err == nil {
		resp.Body.Close()
	}
}

func results(ctx context.Context, ok bool) {
	ch := make(chan int)
	go func() {
		if ok {
			ch <- 1 // at send
			return
		}
		ch <- 2 // at other send
	}()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

var work = make(chan int)

func worker() {
	for range work { // at worker loop
	}
}

func start() {
	go worker() // at go worker
	go func() { // at go literal
		<-work // at literal receive
	}()
}
