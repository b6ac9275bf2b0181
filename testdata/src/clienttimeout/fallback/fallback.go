// Package fallback uses the default client, or a client without a Timeout,
// only when its caller passed none, in functions whose requests carry the
// caller's context: the caller chose that context and could have passed a
// client.
package fallback

import (
	"context"
	"net/http"
	"time"
)

// API lets its user choose the client and the context.
type API struct {
	Client *http.Client
	Base   string
	ctx    context.Context
}

func (a *API) get(ctx context.Context, path string) (*http.Response, error) {
	hc := a.Client
	if hc == nil {
		hc = http.DefaultClient // ok: a nil fallback; the request carries the caller's ctx
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.Base+path, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req)
}

func send(hc *http.Client, req *http.Request) (*http.Response, error) {
	if hc == nil {
		hc = http.DefaultClient // ok: the caller built the request, and its context
	}
	return hc.Do(req)
}

func withContext(ctx context.Context, hc *http.Client, url string) (*http.Response, error) {
	if hc == nil {
		hc = &http.Client{} // ok: a nil fallback; the request carries the caller's ctx
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req.WithContext(ctx))
}

func derived(ctx context.Context, hc *http.Client, url string) (*http.Response, error) {
	if hc == nil {
		hc = new(http.Client) // ok: the context derives from the caller's
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req)
}

func (a *API) stored(hc *http.Client, url string) (*http.Response, error) {
	if hc == nil {
		hc = http.DefaultClient // ok: the context is a field its builder set
	}
	req, err := http.NewRequestWithContext(a.ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req)
}

func handler(hc *http.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if hc == nil {
			hc = http.DefaultClient // ok: the request's context ends with the incoming request
		}
		req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, "http://upstream", nil)
		if err != nil {
			return
		}
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
		}
	}
}

func background(hc *http.Client, url string) (*http.Response, error) {
	if hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req)
}

func todo(hc *http.Client, url string) (*http.Response, error) {
	if hc == nil {
		hc = &http.Client{} // want `http.Client has no Timeout`
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req.WithContext(context.TODO()))
}

func noContext(hc *http.Client, url string) (*http.Response, error) {
	if hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req)
}

func getHelper(ctx context.Context, hc *http.Client, url string) (*http.Response, error) {
	if hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if _, err := hc.Do(req); err != nil {
		return nil, err
	}
	return hc.Get(url) // no context: not bound
}

func noRequest(hc *http.Client) *http.Client {
	if hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	return hc // the requests are sent elsewhere, with whatever context
}

func (a *API) field(ctx context.Context, url string) (*http.Response, error) {
	if a.Client == nil {
		a.Client = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return a.Client.Do(req) // the field keeps the client for other methods
}

func notFallback(ctx context.Context, url string) (*http.Response, error) {
	hc := http.DefaultClient // want `http.DefaultClient has no Timeout`
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req)
}

func deadline(hc *http.Client, url string) (*http.Response, error) {
	if hc == nil {
		hc = http.DefaultClient // ok: the request carries a deadline of its own
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req)
}

func withoutCancel(ctx context.Context, hc *http.Client, url string) (*http.Response, error) {
	if hc == nil {
		hc = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return hc.Do(req)
}

// getter is the part of a client this package uses.
type getter interface {
	Do(*http.Request) (*http.Response, error)
	Get(url string) (*http.Response, error)
}

func throughInterface(ctx context.Context, g getter, url string) (*http.Response, error) {
	if g == nil {
		g = http.DefaultClient // want `http.DefaultClient has no Timeout`
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if _, err := g.Do(req); err != nil {
		return nil, err
	}
	return g.Get(url) // an interface's Get answering an *http.Response: no context
}

func doerOnly(ctx context.Context, g getter, url string) (*http.Response, error) {
	if g == nil {
		g = http.DefaultClient // ok: the interface's Do sends a request with the caller's ctx
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return g.Do(req)
}
