//go:build goroutinelint_never

package buildtags

import "net/http"

var Other = &http.Client{} // not built, never analyzed
