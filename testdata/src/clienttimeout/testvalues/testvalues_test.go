package testvalues

import "testing"

func TestService(t *testing.T) {
	s := &Service{}
	if s.hc != nil {
		t.Fatal("want no client")
	}
}
