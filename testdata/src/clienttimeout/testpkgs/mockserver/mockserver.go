// Package mockserver starts an httptest server in a non-test file: it
// exists for tests, and its clients talk to that server.
package mockserver

import (
	"net/http"
	"net/http/httptest"
)

// Server is a fake upstream and a client for it.
type Server struct {
	*httptest.Server
	Client *http.Client
}

// Start starts the fake upstream.
func Start(h http.Handler) *Server {
	s := httptest.NewServer(h)
	return &Server{Server: s, Client: &http.Client{}} // ok: a package for tests
}
