package early

import (
	"testing"
	"time"
)

func produce(ch chan<- int) {
	for i := range 3 {
		ch <- i
	}
}

// TestFirstValueReleases releases the worker on the first value it sees,
// inside the loop that also reads the later ones.
func TestFirstValueReleases(t *testing.T) {
	values := make(chan int, 6) // room for every value: the loop may stop reading early
	release := make(chan struct{})
	go func() { // ok: release is closed on the first iteration that sees a value; later iterations cannot tell
		produce(values)
		<-release
		produce(values)
	}()
	first := -1
	for {
		select {
		case v := <-values:
			if v == 0 {
				continue
			}
			if first == -1 {
				first = v
				close(release)
				continue
			}
			if v < first {
				t.Errorf("went down: %d < %d", v, first)
			}
		case <-time.After(time.Second):
			t.Fatalf("no value in time")
		}
		break
	}
}

// TestFatalBeforeRelease fails the test before it releases the worker.
func TestFatalBeforeRelease(t *testing.T) {
	release := make(chan struct{})
	go func() { // ok: the only path that skips close(release) ends the test with t.Fatal
		<-release
	}()
	if testing.Short() {
		t.Fatal("needs the long mode")
	}
	close(release)
}

// TestErrorBeforeRelease reports the failure and returns: t.Errorf does not
// end the test, so the worker is left waiting.
func TestErrorBeforeRelease(t *testing.T) {
	release := make(chan struct{})
	go func() { // want `goroutine started here may never exit: it waits to receive from release, which TestErrorBeforeRelease does not close or send on when it returns early`
		<-release
	}()
	if testing.Short() {
		t.Errorf("needs the long mode")
		return
	}
	close(release)
}

// TestSkipThroughTB skips through the testing.TB interface.
func TestSkipThroughTB(t *testing.T) {
	var tb testing.TB = t
	release := make(chan struct{})
	go func() { // ok: the only path that skips close(release) ends the test with tb.Skip
		<-release
	}()
	if testing.Short() {
		tb.Skip("needs the long mode")
		return
	}
	close(release)
}
