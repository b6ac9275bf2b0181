// Package transport builds clients whose Transport is a type of its own:
// one whose RoundTrip answers in-process is not a network client.
package transport

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// canned answers every request with the same body.
type canned struct{ body string }

func (c canned) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil {
		return nil, errors.New("no URL")
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"text/plain"}},
		Body:       io.NopCloser(strings.NewReader(c.body)),
		Request:    req,
	}, nil
}

// local serves requests with a handler of this package.
type local struct{}

func (*local) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	serve(rec, req)
	return rec.Result(), nil
}

func serve(w *httptest.ResponseRecorder, req *http.Request) {
	w.WriteHeader(http.StatusNoContent)
	w.Body = bytes.NewBufferString(req.Method)
}

func inProcess() []*http.Client {
	return []*http.Client{
		&http.Client{Transport: canned{body: "ok"}}, // ok: canned answers in-process
		&http.Client{Transport: &local{}},           // ok: local serves with a function of this package
	}
}

func literal() *http.Client {
	return &http.Client{Transport: canned{}} // ok: canned answers in-process
}

// wrapping adds a header and hands the request on.
type wrapping struct{ next http.RoundTripper }

func (w wrapping) RoundTrip(req *http.Request) (*http.Response, error) {
	req.Header.Set("X-Trace", "1")
	return w.next.RoundTrip(req)
}

// defaults hands the request to the default transport.
type defaults struct{}

func (defaults) RoundTrip(req *http.Request) (*http.Response, error) {
	return http.DefaultTransport.RoundTrip(req)
}

// dialing opens a connection itself, through a helper.
type dialing struct{ addr string }

func (d dialing) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := d.connect(); err != nil {
		return nil, err
	}
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
}

func (d dialing) connect() error {
	conn, err := net.Dial("tcp", d.addr)
	if err != nil {
		return err
	}
	return conn.Close()
}

// funcTransport calls a function value, which may do anything.
type funcTransport func(*http.Request) (*http.Response, error)

func (f funcTransport) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func network(rt http.RoundTripper, f func(*http.Request) (*http.Response, error)) []*http.Client {
	return []*http.Client{
		&http.Client{Transport: wrapping{next: http.DefaultTransport}}, // want `http.Client has no Timeout`
		&http.Client{Transport: defaults{}},                            // want `http.Client has no Timeout`
		&http.Client{Transport: dialing{addr: "example.com:80"}},       // want `http.Client has no Timeout`
		&http.Client{Transport: funcTransport(f)},                      // want `http.Client has no Timeout`
		&http.Client{Transport: rt},                                    // want `http.Client has no Timeout`
		&http.Client{Transport: &http.Transport{}},                     // want `http.Client has no Timeout`
	}
}

// Settings carries a caller's transport, which may be nil.
type Settings struct {
	Transport http.RoundTripper
}

// headerTransport is the package default: a server that never answers
// fails after the response-header timeout.
func headerTransport() (*http.Transport, error) {
	tr := &http.Transport{ResponseHeaderTimeout: time.Minute}
	if tr.Proxy != nil {
		return nil, errors.New("proxy set")
	}
	return tr, nil
}

// newTransport is a package variable holding the default's builder.
var newTransport = func() (*http.Transport, error) {
	return &http.Transport{ResponseHeaderTimeout: 30 * time.Second}, nil
}

// bareTransport is a package default with no response-header timeout.
func bareTransport() *http.Transport {
	return &http.Transport{IdleConnTimeout: time.Minute}
}

func callerOrDefault(opts *Settings) (*http.Client, error) {
	t := opts.Transport
	if t == nil {
		tr, err := headerTransport()
		if err != nil {
			return nil, err
		}
		t = tr
	}
	return &http.Client{Transport: t}, nil // ok: the caller's transport, or a default with a header timeout
}

func callerOrVar(rt http.RoundTripper) (*http.Client, error) {
	if rt == nil {
		tr, err := newTransport()
		if err != nil {
			return nil, err
		}
		rt = tr
	}
	return &http.Client{Transport: rt}, nil // ok: the default's builder sets a header timeout
}

func ownDefault() *http.Client {
	return &http.Client{Transport: &http.Transport{ResponseHeaderTimeout: time.Minute}} // ok: a header timeout bounds the wait
}

func callerOrBare(opts Settings) *http.Client {
	t := opts.Transport
	if t == nil {
		t = bareTransport()
	}
	return &http.Client{Transport: t} // want `http.Client has no Timeout`
}

func callerOnly(opts *Settings) *http.Client {
	return &http.Client{Transport: opts.Transport} // want `http.Client has no Timeout`
}

func zeroHeader() *http.Client {
	tr := &http.Transport{ResponseHeaderTimeout: 0}
	return &http.Client{Transport: tr} // want `http.Client has no Timeout`
}

func callerOrDefaultTransport(rt http.RoundTripper) *http.Client {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return &http.Client{Transport: rt} // want `http.Client has no Timeout`
}
