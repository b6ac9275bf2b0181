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
