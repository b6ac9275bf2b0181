package basic

import (
	"net/http"
	"testing"
)

func TestAgainstHTTPTest(t *testing.T) {
	// ok: the default client against an httptest server is normal in tests.
	resp, err := http.Get("http://127.0.0.1:1")
	if err == nil {
		resp.Body.Close()
	}
	_ = http.DefaultClient
	c := &http.Client{} // ok: clients in _test.go files are left alone by default
	_ = c
	//goroutinelint:ignore clienttimeout talks to an httptest server
	d := &http.Client{} // ok: a directive in a test file is not called useless either
	_ = d
}
