// Package mk is a helper in the same module as its caller.
package mk

import "net/http"

// NewClient returns a client without a Timeout; reported here, once.
func NewClient() *http.Client { // want NewClient:`returnsBareClient\(an http.Client\)`
	return &http.Client{} // want `http.Client has no Timeout`
}
