// Package basic holds clients that can wait forever.
package basic

import (
	"net/http"
	"time"
)

// HTTPClient is an alias; the analyzer sees through it.
type HTTPClient = http.Client

// API embeds a client and forgets its Timeout.
type API struct {
	http.Client
	base string
}

var shared = &http.Client{} // want `http.Client has no Timeout: a request to an unresponsive server blocks forever`

var zeroGlobal http.Client // want `http.Client variable zeroGlobal has no Timeout`

func pointerLiteral() *http.Client {
	return &http.Client{Transport: http.DefaultTransport} // want `http.Client has no Timeout`
}

func valueLiteral() {
	c := http.Client{} // want `http.Client has no Timeout`
	c.Get("http://example.com")
}

func zeroTimeout() *http.Client {
	return &http.Client{Timeout: 0} // want `http.Client Timeout is zero, which means none`
}

func zeroConstTimeout() *http.Client {
	const none = 0 * time.Second
	return &http.Client{Timeout: none} // want `http.Client Timeout is zero`
}

func newClient() *http.Client {
	return new(http.Client) // want `new\(http.Client\) has no Timeout`
}

func zeroVar() {
	var c http.Client // want `http.Client variable c has no Timeout`
	c.Do(nil)
}

func alias() *HTTPClient {
	return &HTTPClient{} // want `http.Client has no Timeout`
}

func embedded() *API {
	return &API{base: "http://example.com"} // want `API embeds an http.Client with no Timeout`
}

func embeddedExplicit() *API {
	return &API{Client: http.Client{}, base: "x"} // want `http.Client has no Timeout`
}

func useZeroGlobal() { zeroGlobal.Get("http://example.com") }

func defaultClient(url string) {
	http.DefaultClient.Get(url)        // want `http.DefaultClient has no Timeout`
	http.Get(url)                      // want `http.Get uses http.DefaultClient, which has no Timeout`
	http.Head(url)                     // want `http.Head uses http.DefaultClient`
	http.Post(url, "text/plain", nil)  // want `http.Post uses http.DefaultClient`
	http.PostForm(url, nil)            // want `http.PostForm uses http.DefaultClient`
	get := http.Get                    // want `http.Get uses http.DefaultClient`
	_ = get
}

// inClosure builds the client inside a goroutine body.
func inClosure(done chan struct{}) {
	go func() {
		defer close(done)
		c := &http.Client{} // want `http.Client has no Timeout`
		c.Get("http://example.com")
	}()
}

// configure hands the client to a helper of another package that does not
// set a Timeout: still reported.
func configure() {
	c := &http.Client{} // want `http.Client has no Timeout`
	http.NewRequest("GET", "/", nil)
	_ = c
}
