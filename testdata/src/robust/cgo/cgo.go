// Package cgo mixes cgo with a client and a goroutine.
package cgo

/*
static int twice(int x) { return 2 * x; }
*/
import "C"

import "net/http"

// Twice calls C from a goroutine and builds a client.
func Twice(x int) int {
	done := make(chan int, 1)
	go func() { done <- int(C.twice(C.int(x))) }()
	_ = &http.Client{} // finding: clienttimeout
	return <-done
}
