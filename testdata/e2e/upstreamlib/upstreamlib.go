// Package upstreamlib stands for a dependency in another module: its users
// cannot fix it, so clienttimeout reports their calls instead.
package upstreamlib

import "net/http"

// NewClient returns a client with no Timeout.
func NewClient() *http.Client {
	return &http.Client{}
}
