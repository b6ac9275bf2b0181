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

// A Daemon runs one goroutine at a time; stop waits for it to signal.
type Daemon struct {
	stop chan struct{}
	done chan struct{}
	jobs chan int
}

// NewDaemon makes the jobs queue once, for every goroutine Submit starts.
func NewDaemon() *Daemon {
	return &Daemon{jobs: make(chan int, 8)}
}

// Run gives each goroutine it starts a done channel of its own, with room
// for the one signal the goroutine sends when it ends.
func (d *Daemon) Run() {
	if d.stop != nil {
		return
	}
	d.stop = make(chan struct{})
	d.done = make(chan struct{}, 1)
	go func() {
		defer func() { d.done <- struct{}{} }()
		<-d.stop
	}()
}

// Submit starts a goroutine that queues a job on the queue made once.
func (d *Daemon) Submit(job int) {
	go func() { d.jobs <- job }()
}
