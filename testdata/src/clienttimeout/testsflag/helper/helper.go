// Package helper exists for tests and is linted with -clienttimeout.tests:
// its clients are reported.
package helper

import (
	"net/http"
	"testing"
)

// Get fetches url for a test.
func Get(t testing.TB, url string) *http.Response {
	c := &http.Client{} // want `http.Client has no Timeout`
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// NewClient returns a client for tests.
func NewClient() *http.Client { // want NewClient:`returnsBareClient\(an http.Client\)`
	return &http.Client{} // want `http.Client has no Timeout`
}

// Fetch uses the default client.
func Fetch(url string) (*http.Response, error) {
	return http.Get(url) // want `http.Get uses http.DefaultClient`
}
