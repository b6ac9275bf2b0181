// Package wrap gives http.Client other names for package indirect, which
// builds clients without ever naming net/http.
package wrap

import "net/http"

// API embeds a client.
type API struct {
	http.Client
	Base string
}

// Client is another name for http.Client.
type Client = http.Client
