package tests

import "testing"

func skip(tb testing.TB, bad bool) {
	if bad {
		tb.Skip("bad")
	}
}

// ok: the only path that skips the close ends the test.
func TestSkipThroughTB(t *testing.T) {
	release := make(chan struct{})
	go func() {
		<-release // ok: closed unless the test is skipped
	}()
	skip(t, t.Name() == "")
	close(release)
}
