package testsetup

import "testing"

// TestWaitOnProducer waits for a producer that only the test's setup
// strands in feed.go: not reported.
func TestWaitOnProducer(t *testing.T) {
	f := &Feed{items: make(chan int)}
	done := make(chan struct{})
	go func() {
		f.produce(1)
		close(done)
	}()
	go func() { // ok: only the producer stranded in feed.go keeps done open
		<-done
	}()
}

// TestOwnWait waits on a channel of its own that nothing closes on the
// early return: reported.
func TestOwnWait(t *testing.T) {
	done := make(chan struct{})
	go func() { // want `goroutine started here may never exit`
		<-done
	}()
	if testing.Short() {
		return
	}
	close(done)
}
