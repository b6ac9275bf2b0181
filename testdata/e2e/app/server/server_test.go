package server

import (
	"net/http"
	"testing"
)

func TestNew(t *testing.T) {
	if New().upstream == nil {
		t.Fatal("no client")
	}
	_ = http.Get // ok: tests use the default client against httptest servers
}
