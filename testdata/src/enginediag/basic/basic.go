// Package basic holds stuck goroutines whose findings' positions and
// related locations the enginediag test states.
package basic

// captured: the goroutine waits on done, which the early return leaves
// open; reported at the go statement, the wait first among the related.
func captured(fail bool) {
	done := make(chan struct{})
	go func() { // want `wait: it waits to receive from done, and captured can return without sending on or closing it \[blocked\] related: blocks here@10, channel made here@8, returns here@13`
		<-done
	}()
	if fail {
		return
	}
	close(done)
}

// abandoned: the send of the goroutine strands when the spawner returns
// on its error path; reported at the send.
func abandoned(fail bool) int {
	ch := make(chan int)
	go func() {
		ch <- 1 // want `send: send on ch may block forever: abandoned can return without receiving from it \[stranded\] related: goroutine started here@22, channel made here@21, returns here@26`
	}()
	if fail {
		return 0
	}
	return <-ch
}
