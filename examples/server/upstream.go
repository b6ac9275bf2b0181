package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// quoteResult is what the quote goroutine hands back to its handler.
type quoteResult struct {
	body []byte
	err  error
}

// maxQuoteSize caps the upstream's answer.
const maxQuoteSize = 1 << 20

// handleQuoteLeaky fetches a quote from the upstream API on a goroutine and
// waits for it or for the request to end, whichever comes first.
//
// Leak: when the request ends first, the handler returns and nobody will
// ever receive from the unbuffered responseCh, so the goroutine blocks on its
// send forever. Until then it waits on a client with no Timeout and a request
// with no context, so an upstream that never answers holds it even before
// the send. Every such request strands one goroutine.
func (s *Server) handleQuoteLeaky(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	responseCh := make(chan quoteResult)
	go func() {
		client := &http.Client{} // want `http.Client has no Timeout`
		resp, err := client.Get(s.cfg.UpstreamURL + "/quote")
		if err != nil {
			responseCh <- quoteResult{err: err} // want `send on responseCh may block forever`
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxQuoteSize))
		responseCh <- quoteResult{body: body, err: err} // want `send on responseCh may block forever`
	}()
	select {
	case res := <-responseCh:
		writeQuote(w, res)
	case <-ctx.Done():
		http.Error(w, "quote: "+ctx.Err().Error(), http.StatusGatewayTimeout)
	}
}

// handleQuoteFixed is handleQuoteLeaky without the leak.
//
// Fixed: the request carries the handler's context and goes through a
// client with a Timeout, so the call ends when the handler gives up or the
// timeout passes; and every send on responseCh sits in a select with
// ctx.Done, so the goroutine returns even when nobody receives. (With the
// context on the request a plain call would do; the goroutine stays to keep
// the shape of handlers that do other work while the call runs.)
func (s *Server) handleQuoteFixed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	responseCh := make(chan quoteResult)
	go func() {
		res := fetchQuote(ctx, s.client, s.cfg.UpstreamURL+"/quote")
		select {
		case responseCh <- res:
		case <-ctx.Done(): // the handler has returned: drop the result
		}
	}()
	select {
	case res := <-responseCh:
		writeQuote(w, res)
	case <-ctx.Done():
		http.Error(w, "quote: "+ctx.Err().Error(), http.StatusGatewayTimeout)
	}
}

// fetchQuote gets url with client, bounded by ctx.
func fetchQuote(ctx context.Context, client *http.Client, url string) quoteResult {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return quoteResult{err: err}
	}
	resp, err := client.Do(req)
	if err != nil {
		return quoteResult{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxQuoteSize))
	return quoteResult{body: body, err: err}
}

// writeQuote writes the upstream's answer, or a 502 for its error.
func writeQuote(w http.ResponseWriter, res quoteResult) {
	if res.err != nil {
		http.Error(w, fmt.Sprintf("quote: %v", res.err), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(res.body)
}
