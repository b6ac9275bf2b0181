// Package leaky holds code an editor shows findings on.
package leaky

import "net/http"

// Fetch waits forever for a silent server.
func Fetch(url string) (*http.Response, error) {
	client := &http.Client{}
	return client.Get(url)
}

// Status uses the default client.
func Status(url string) (*http.Response, error) {
	return http.Get(url)
}
