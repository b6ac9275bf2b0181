package blocked

// waiter is one element of a queue of waiters.
type waiter struct {
	ch chan int
}

// waiters is a queue of waiters held by value in Pool.
type waiters struct {
	s []waiter
}

// take removes the first waiter: a copy of a slice element, whose channel
// is whatever the element held.
func (w *waiters) take() (chan int, bool) {
	if len(w.s) == 0 {
		return nil, false
	}
	e := w.s[0]
	w.s = w.s[1:]
	return e.ch, true
}

// Pool hands values to waiters.
type Pool struct {
	waiters waiters
	stop    chan struct{}
}

// NewPool returns a Pool.
func NewPool() *Pool { return &Pool{stop: make(chan struct{})} }

// Put gives v to the first waiter, or starts a goroutine that waits for
// the pool to stop.
func (p *Pool) Put(v int) {
	if ch, ok := p.waiters.take(); ok {
		ch <- v // ok: the waiter's channel comes from the slice, unknown, not nil
		return
	}
	go func() { <-p.stop }()
}

// Stop stops the pool.
func (p *Pool) Stop() { close(p.stop) }
