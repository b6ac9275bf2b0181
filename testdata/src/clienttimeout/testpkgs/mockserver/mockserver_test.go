package mockserver

import (
	"net/http"
	"testing"
)

func TestStart(t *testing.T) {
	s := Start(http.NotFoundHandler())
	defer s.Close()
	resp, err := http.Get(s.URL) // ok: a test file
	if err == nil {
		resp.Body.Close()
	}
}
