// Package cmdapp calls helpers from its own module and from a dependency.
package cmdapp

import (
	"example.com/app/internal/mk"
	"example.com/lib"
)

func clients() {
	lib.NewClient()        // want `lib.NewClient returns an http.Client with no Timeout: a request to an unresponsive server blocks forever`
	lib.NewAPI()           // want `lib.NewAPI returns a lib.API embedding an http.Client with no Timeout`
	lib.Factory{}.Client() // want `\(lib.Factory\).Client returns an http.Client with no Timeout`
	lib.NewSafeClient()    // ok: the dependency sets a Timeout
	mk.NewClient()         // ok: same module, reported where the client is built
}
