// Package lib is a dependency in another module that builds clients.
package lib

import (
	"net/http"
	"time"
)

// API embeds a client.
type API struct{ http.Client }

// NewClient returns a client without a Timeout.
func NewClient() *http.Client { return &http.Client{} }

// NewAPI returns an API whose client has no Timeout.
func NewAPI() *API { return &API{} }

// NewSafeClient returns a client with a Timeout.
func NewSafeClient() *http.Client { return &http.Client{Timeout: time.Second} }

// Factory builds clients through a method.
type Factory struct{}

// Client returns a client without a Timeout.
func (Factory) Client() http.Client { return http.Client{} }
