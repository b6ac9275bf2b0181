// Package server uses clients built by util (same module) and by
// upstreamlib (another module).
package server

import (
	"net/http"

	"example.com/app/util"
	"example.com/upstreamlib"
)

// Server holds two clients.
type Server struct {
	upstream *http.Client
	local    *http.Client
}

// New builds a Server.
func New() *Server {
	return &Server{
		upstream: upstreamlib.NewClient(), // reported: upstreamlib cannot be fixed here
		local:    util.NewClient(),        // ok: reported in util, where the client is built
	}
}
