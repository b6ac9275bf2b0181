// Package lib holds the bottom of cross-package chains.
package lib

var logCh = make(chan string, 64)

// Send queues msg for the logger with no escape.
func Send(msg string) {
	logCh <- msg
}

// SendCtx is the fixed form: it gives up when done is closed.
func SendCtx(done <-chan struct{}, msg string) {
	select {
	case logCh <- msg:
	case <-done:
	}
}

// Produce sends one value on out.
func Produce(out chan<- int) {
	out <- 1
}

// Start starts a goroutine that sends one value on out.
func Start(out chan<- int) {
	go func() { out <- 2 }()
}

// Collect receives from in.
func Collect(in <-chan int) int {
	return <-in
}

// Drain consumes the log.
func Drain() {
	for m := range logCh {
		_ = m
	}
}
