package server

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"time"
)

// relay copies the upstream's answer to w, or answers 502 for err.
func relay(w http.ResponseWriter, resp *http.Response, err error) {
	if err != nil {
		http.Error(w, "upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// getWithContext gets url with client, bounded by ctx.
func getWithContext(ctx context.Context, client *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return client.Do(req)
}

// handleStatusLeaky reports the upstream's status.
//
// Leak: http.Get uses http.DefaultClient, which has no Timeout, and its
// request has no context. An upstream that accepts the connection and never
// answers holds the handler's goroutine forever, long after the client has
// gone.
func (s *Server) handleStatusLeaky(w http.ResponseWriter, r *http.Request) {
	resp, err := http.Get(s.cfg.UpstreamURL + "/status") // want `http.Get uses http.DefaultClient, which has no Timeout`
	relay(w, resp, err)
}

// handleStatusFixed reports the upstream's status.
//
// Fixed: the server's client has a Timeout, and the request carries the
// handler's context, so the call ends when the client goes away or the
// timeout passes, whichever is first.
func (s *Server) handleStatusFixed(w http.ResponseWriter, r *http.Request) {
	resp, err := getWithContext(r.Context(), s.client, s.cfg.UpstreamURL+"/status")
	relay(w, resp, err)
}

// handlePriceLeaky reports a price from the upstream.
//
// Leak: http.DefaultClient has no Timeout and the request no context, so,
// as in handleStatusLeaky, a silent upstream holds the goroutine forever.
func (s *Server) handlePriceLeaky(w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequest(http.MethodGet, s.cfg.UpstreamURL+"/price", nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	resp, err := http.DefaultClient.Do(req) // want `http.DefaultClient has no Timeout`
	relay(w, resp, err)
}

// handlePriceFixed reports a price from the upstream.
//
// Fixed: the server's client, which has a Timeout, and the request's
// context bound the call.
func (s *Server) handlePriceFixed(w http.ResponseWriter, r *http.Request) {
	resp, err := getWithContext(r.Context(), s.client, s.cfg.UpstreamURL+"/price")
	relay(w, resp, err)
}

// newInventoryClientLeaky builds the client of handleInventoryLeaky.
//
// Leak: the client has no Timeout. It is reported here, where it is built,
// not where it is used: this is where the fix goes.
func newInventoryClientLeaky() *http.Client {
	return &http.Client{ // want `http.Client has no Timeout`
		Transport: &http.Transport{MaxIdleConnsPerHost: 8},
	}
}

// newInventoryClientFixed builds the client of handleInventoryFixed, with
// the Timeout it is given.
func newInventoryClientFixed(timeout time.Duration) *http.Client {
	return &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 8},
		Timeout:   timeout,
	}
}

// handleInventoryLeaky reports the upstream's stock for an item.
//
// Leak: its client, from newInventoryClientLeaky, has no Timeout, and the
// request has no context: a silent upstream holds the goroutine forever.
func (s *Server) handleInventoryLeaky(w http.ResponseWriter, r *http.Request) {
	resp, err := s.inventoryLeaky.Get(s.inventoryURL(r))
	relay(w, resp, err)
}

// handleInventoryFixed reports the upstream's stock for an item.
//
// Fixed: its client, from newInventoryClientFixed, has a Timeout, and the
// request carries the handler's context.
func (s *Server) handleInventoryFixed(w http.ResponseWriter, r *http.Request) {
	resp, err := getWithContext(r.Context(), s.inventory, s.inventoryURL(r))
	relay(w, resp, err)
}

// inventoryURL is the upstream URL for the item r asks about.
func (s *Server) inventoryURL(r *http.Request) string {
	return s.cfg.UpstreamURL + "/inventory?" + url.Values{"item": {r.URL.Query().Get("item")}}.Encode()
}
