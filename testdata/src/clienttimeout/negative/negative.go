// Package negative holds clients that are safe.
package negative

import (
	"net/http"
	"time"
)

// Config carries a timeout chosen at run time.
type Config struct{ Timeout time.Duration }

// API embeds a client that gets a Timeout.
type API struct {
	http.Client
	base string
}

var shared = &http.Client{Timeout: 10 * time.Second} // ok: has a Timeout

var configured http.Client // ok: init gives it a Timeout

func init() { configured.Timeout = time.Minute }

func useConfigured() { configured.Get("http://example.com") }

func withTimeout() *http.Client {
	return &http.Client{Timeout: 5 * time.Second} // ok: has a Timeout
}

func setLater(d time.Duration) *http.Client {
	c := &http.Client{} // ok: Timeout assigned before the client escapes
	c.Timeout = d
	return c
}

func setLaterValue() http.Client {
	c := http.Client{} // ok: Timeout assigned on the same variable
	c.Timeout = time.Second
	return c
}

func fromConfig(cfg Config) *http.Client {
	return &http.Client{Timeout: cfg.Timeout} // ok: non-constant Timeout
}

func copyOf(other *http.Client) *http.Client {
	c := *other // ok: a copy of a client that may have one
	return &c
}

func embeddedSet() *API {
	return &API{Client: http.Client{Timeout: time.Second}} // ok: the embedded client has one
}

func embeddedLater() *API {
	a := &API{base: "x"} // ok: Timeout assigned through the embedding
	a.Timeout = time.Second
	return a
}

func applyTimeout(c *http.Client) { c.Timeout = 3 * time.Second }

func viaHelper() *http.Client {
	c := &http.Client{} // ok: applyTimeout sets it
	applyTimeout(c)
	return c
}

func viaOption(opts ...func(*http.Client)) *http.Client {
	c := &http.Client{} // ok: an option function may set it, unknown means silent
	for _, o := range opts {
		o(c)
	}
	return c
}

func assignedLater(other *http.Client) {
	var c http.Client // ok: overwritten by a copy of another client
	c = *other
	c.Get("http://example.com")
}

func param(c http.Client) {
	c.Get("http://example.com") // ok: the caller's client, reported where it is built
}

func rangeOver(cs []http.Client) {
	for _, c := range cs {
		c.Get("http://example.com") // ok: copies of clients built elsewhere
	}
}

func notAClient() *http.Transport {
	return &http.Transport{} // ok: a transport is not a client
}
