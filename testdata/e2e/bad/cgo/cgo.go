// Package cgo calls C from a goroutine whose result may be abandoned: the
// finding is reported in this file, not in the code cgo generates from it.
package cgo

/*
static int answer(void) { return 42; }
*/
import "C"

import "context"

// Answer returns 0 when ctx ends before C answers, and the goroutine then
// blocks on its send forever.
func Answer(ctx context.Context) int {
	ch := make(chan int)
	go func() { ch <- int(C.answer()) }()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}
