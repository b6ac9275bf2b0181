//go:build !goroutinelint_never

// Package buildtags has a file excluded by its build constraint.
package buildtags

import "net/http"

var Client = &http.Client{} // finding: clienttimeout
