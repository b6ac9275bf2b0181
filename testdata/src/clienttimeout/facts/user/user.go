// Package user hands clients to package lib.
package user

import (
	"net/http"
	"time"

	"clienttimeout/facts/fortests"
	"clienttimeout/facts/lib"
)

func configured() *http.Client {
	c := &http.Client{} // ok: lib.Configure sets its Timeout
	lib.Configure(c)
	return c
}

func used() error {
	c := &http.Client{} // want `http.Client has no Timeout`
	return lib.Use(c, "http://example.com")
}

func copied() *lib.API {
	c := &http.Client{} // ok: lib.NewAPI keeps a copy with a Timeout
	return lib.NewAPI("http://example.com", c)
}

func wrapped() *lib.API {
	c := &http.Client{} // want `http.Client has no Timeout`
	return lib.Wrap(c)
}

func viaHelper() *http.Client {
	c := &http.Client{} // ok: lib.ConfigureVia sets it through its own helper
	lib.ConfigureVia(c)
	return c
}

func option(opt func(*http.Client)) *http.Client {
	c := &http.Client{} // ok: lib.Apply hands it to a function value: unknown
	lib.Apply(c, opt)
	return c
}

func reset() *http.Client {
	c := &http.Client{} // want `http.Client has no Timeout`
	lib.Reset(c)
	return c
}

func method() *http.Client {
	c := &http.Client{} // ok: Options.Apply sets it
	lib.Options{Timeout: time.Second}.Apply(c)
	return c
}

func zeroVar() {
	var c http.Client // ok: lib.Configure sets its Timeout
	lib.Configure(&c)
	c.Get("http://example.com")
}

func unanalysed() *http.Client {
	c := &http.Client{} // ok: a package for tests has no facts: unknown
	fortests.Configure(c)
	return c
}
