// Package helper exists for tests: a non-test file imports testing, so its
// clients are left alone unless -clienttimeout.tests is set.
package helper

import (
	"net/http"
	"testing"
)

// Get fetches url for a test.
func Get(t testing.TB, url string) *http.Response {
	c := &http.Client{} // ok: a package for tests
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// NewClient returns a client for tests; no fact is exported for it.
func NewClient() *http.Client {
	return &http.Client{} // ok: a package for tests
}

// Fetch uses the default client.
func Fetch(url string) (*http.Response, error) {
	return http.Get(url) // ok: a package for tests
}
