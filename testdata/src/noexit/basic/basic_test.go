package basic

import "testing"

// TestLeak starts a goroutine that outlives the test.
func TestLeak(t *testing.T) {
	go pump() // want `goroutine started here never exits: its loop receives from queue with no way out`
}
