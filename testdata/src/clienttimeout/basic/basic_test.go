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
	c := &http.Client{} // want `http.Client has no Timeout`
	_ = c
}
