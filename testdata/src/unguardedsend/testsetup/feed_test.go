package testsetup

import "testing"

// TestProduce strands produce's send in feed.go: not reported there.
func TestProduce(t *testing.T) {
	f := &Feed{items: make(chan int)}
	go f.produce(1)
}

// TestOwnSend strands a send of the test's own: reported, in the test file.
func TestOwnSend(t *testing.T) {
	done := make(chan bool)
	go func() {
		done <- true // want `send on done may block forever`
	}()
	if testing.Short() {
		return
	}
	<-done
}
