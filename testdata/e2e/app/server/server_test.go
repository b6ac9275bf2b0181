package server

import "net/http"

// fetch is a helper of the package's tests, which talk to httptest servers.
// It imports no testing package: that would add testing's 20 dependencies
// to every go vet run of the end-to-end tests.
func fetch(url string) (*http.Response, error) {
	return http.Get(url) // ok: tests use the default client against httptest servers
}
