// Package lib holds receiving helpers of another package: how many values
// they receive on every path reaches their callers as facts.
package lib

import "time"

// WaitFor returns the value, or gives up after d without receiving.
func WaitFor(ch <-chan int, d time.Duration) (int, bool) {
	select {
	case v := <-ch:
		return v, true
	case <-time.After(d):
		return 0, false
	}
}

// Next receives one value on every path.
func Next(ch <-chan int) int {
	return <-ch
}
