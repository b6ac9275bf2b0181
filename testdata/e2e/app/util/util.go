// Package util builds a client in the app's own module.
package util

import (
	"net/http"
)

// NewClient returns a client with no Timeout: reported here, at the literal.
func NewClient() *http.Client {
	return &http.Client{}
}

// Fetch uses the default client.
func Fetch(url string) (*http.Response, error) {
	return http.Get(url)
}
