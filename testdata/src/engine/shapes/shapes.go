// Package shapes holds the ways goroutines meet: fields of one object,
// constructors, channels of channels, captured variables, methods.
package shapes

import "time"

type server struct {
	stopc chan struct{}
	reqc  chan int
}

func newServer() *server {
	s := &server{stopc: make(chan struct{}), reqc: make(chan int)}
	go s.loop()
	return s
}

func (s *server) loop() {
	for {
		select {
		case <-s.stopc:
			return
		case r := <-s.reqc:
			_ = r
		}
	}
}

func (s *server) stop() { close(s.stopc) }

func (s *server) do(r int) {
	s.reqc <- r // want "send blocks forever"
}

// The request is sent after the loop stopped.
func useAfterStop() {
	s := newServer()
	s.stop()
	s.do(1)
}

// ok: requests before stop are served.
func useThenStop() {
	s := newServer()
	s.do(1) // ok: the loop serves it before stop
	s.stop()
}

type keeper struct {
	stopCh chan chan struct{}
}

func newKeeper() *keeper {
	k := &keeper{stopCh: make(chan chan struct{})}
	go k.run()
	return k
}

func (k *keeper) run() {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case w := <-k.stopCh:
			w <- struct{}{}
			return
		}
	}
}

func (k *keeper) stop() {
	w := make(chan struct{})
	k.stopCh <- w // want "send blocks forever"
	<-w
}

// Stopping twice: the second stop finds nobody.
func stopTwice() {
	k := newKeeper()
	k.stop()
	k.stop()
}

// ok: stopped once, through a channel of channels.
func stopOnce() {
	k := newKeeper()
	k.stop() // ok: the keeper answers on the channel it receives
}

// Captured variable: the worker waits for a result the spawner never sends
// on the error path.
func captured(fail bool) {
	done := make(chan bool)
	go func() {
		<-done // want "receive blocks forever"
	}()
	if fail {
		return
	}
	done <- true
}

// ok: deferred close releases the worker on every path.
func capturedDeferred(fail bool) {
	done := make(chan bool)
	defer close(done)
	go func() {
		<-done // ok: closed by the deferred close
	}()
	if fail {
		return
	}
}

// A goroutine that waits on its own deferred close.
func ownDeferredClose() {
	go func() {
		ch := make(chan int)
		defer close(ch)
		<-ch // want "receive blocks forever"
	}()
}

// ok: the result escapes to a caller we do not see.
func Exported() *server { return newServer() }

// ok: a parameter channel may be served by the caller.
func param(in chan int) {
	go func() {
		in <- 1 // ok: the caller holds in
	}()
}

// ok: handed to code the engine does not see.
func handOff(f func(chan int)) {
	ch := make(chan int)
	go func() {
		ch <- 1 // ok: f may receive
	}()
	f(ch)
}
