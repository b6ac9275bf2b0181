package testsflag

import (
	"net/http"
	"testing"
)

func TestGet(t *testing.T) {
	resp, err := http.Get("http://127.0.0.1:1") // want `http.Get uses http.DefaultClient`
	if err == nil {
		resp.Body.Close()
	}
	c := &http.Client{} // want `http.Client has no Timeout`
	_ = c
	//goroutinelint:ignore clienttimeout talks to an httptest server
	d := &http.Client{} // ok: silenced by the directive, which is used
	_ = d
}
