// Package gclmod is linted by a custom golangci-lint in the integration test.
package gclmod

import "net/http"

// leaky builds a client that waits forever; the fix adds a Timeout.
func leaky() *http.Client {
	return &http.Client{}
}

// status uses the default client; a setting turns this report off.
func status(url string) (*http.Response, error) {
	return http.Get(url)
}

// nolinted is silenced the golangci-lint way.
func nolinted() *http.Client {
	return &http.Client{} //nolint:goroutinelint // long-poll client
}

// ignored is silenced with goroutinelint's own directive.
func ignored() *http.Client {
	//goroutinelint:ignore clienttimeout long-poll client
	return &http.Client{}
}

var _ = []any{leaky, status, nolinted, ignored}
