package negative

import (
	"log"
	"testing"
	"time"
)

// TestTimeoutFails: the only path that does not receive fails the test.
func TestTimeoutFails(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: the timeout path ends the test with t.Fatal, it does not return
	select {
	case v := <-resc:
		if v != 42 {
			t.Errorf("got %d", v)
		}
	case <-time.After(time.Second):
		t.Fatal("timed out")
	}
}

// TestTimeoutFailsThroughTB fails through the testing.TB interface.
func TestTimeoutFailsThroughTB(t *testing.T) {
	var tb testing.TB = t
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: the timeout path ends the test with tb.FailNow
	select {
	case <-resc:
	case <-time.After(time.Second):
		tb.FailNow()
	}
}

// TestExitHelper gives up through a helper that ends the process.
func TestExitHelper(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // ok: the timeout path calls giveUp, which never returns
	select {
	case <-resc:
	case <-time.After(time.Second):
		giveUp()
	}
}

// giveUp ends the process.
func giveUp() { log.Fatal("timed out") }
