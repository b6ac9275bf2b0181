// Package lib configures clients that its callers in package user build:
// each exported function taking a *http.Client says, as a fact, which of
// them it gives a Timeout.
package lib

import (
	"net/http"
	"time"
)

// Configure sets the client's Timeout.
func Configure(c *http.Client) { // want Configure:`clientParams\(sets Timeout on argument 0\)`
	c.Timeout = 10 * time.Second
}

// Use sends a request and configures nothing.
func Use(c *http.Client, url string) error { // want Use:`clientParams\(sets no Timeout\)`
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// API keeps a copy of the client it is given.
type API struct{ client *http.Client }

// NewAPI keeps a copy of c with a Timeout: the caller's client is covered.
func NewAPI(base string, c *http.Client) *API { // want NewAPI:`clientParams\(sets Timeout on argument 1\)`
	cp := *c
	cp.Timeout = time.Minute
	return &API{client: &cp}
}

// Wrap keeps the client as it is.
func Wrap(c *http.Client) *API { // want Wrap:`clientParams\(sets no Timeout\)`
	return &API{client: c}
}

// ConfigureVia sets the Timeout through an unexported helper.
func ConfigureVia(c *http.Client) { // want ConfigureVia:`clientParams\(sets Timeout on argument 0\)`
	configure(c)
}

func configure(c *http.Client) { c.Timeout = time.Second }

// Apply hands the client to a function value, which may set anything.
func Apply(c *http.Client, opt func(*http.Client)) { // want Apply:`clientParams\(sets Timeout on argument 0\)`
	opt(c)
}

// Reset zeroes the Timeout: that is no Timeout.
func Reset(c *http.Client) { // want Reset:`clientParams\(sets no Timeout\)`
	c.Timeout = 0
}

// Options configures clients through a method.
type Options struct{ Timeout time.Duration }

// Apply sets the Timeout from the options; the receiver is argument 0.
func (o Options) Apply(c *http.Client) { // want Apply:`clientParams\(sets Timeout on argument 1\)`
	c.Timeout = o.Timeout
}
