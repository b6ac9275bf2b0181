// Package indirect builds clients only through another package's names for
// them: the pass must not skip it for never naming net/http itself.
package indirect

import "clienttimeout/indirect/wrap"

func newAPI() *wrap.API {
	return &wrap.API{Base: "http://example.com"} // want `wrap.API embeds an http.Client with no Timeout`
}

func newClient() *wrap.Client {
	return &wrap.Client{} // want `http.Client has no Timeout`
}

// ok: the alias with a Timeout is fine.
func newBoundedClient() *wrap.Client {
	return &wrap.Client{Timeout: 1}
}
