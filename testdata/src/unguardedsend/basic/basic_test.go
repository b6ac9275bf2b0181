package basic

import (
	"testing"
	"time"
)

// TestTimeoutReturns reports the timeout and returns: t.Error does not
// end the test, so the sender is left blocked.
func TestTimeoutReturns(t *testing.T) {
	resc := make(chan int)
	go func() { resc <- compute() }() // want `send on resc may block forever: the receiver returns on a timeout without receiving`
	select {
	case <-resc:
	case <-time.After(time.Second):
		t.Error("timed out")
		return
	}
}
