package unreachable

import "testing"

func TestTested(t *testing.T) {
	tt := &Tested{}
	if tt.hc != nil {
		t.Fatal("want no client")
	}
}
