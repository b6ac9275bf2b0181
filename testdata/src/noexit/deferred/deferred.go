// Package deferred holds goroutines whose deferred calls must not hide a
// loop with no way out.
package deferred

import (
	"io"
	"net/http"
	"sync"
)

var tasks = make(chan func(), 16)

// Submit queues t.
func Submit(t func()) { tasks <- t }

var wg sync.WaitGroup

func init() {
	wg.Add(1)
	go func() { // want `goroutine started in init never exits: its loop receives from tasks with no way out`
		defer wg.Done()
		for {
			t := <-tasks
			t()
		}
	}()
}

// Poll reads a body, then polls forever.
func Poll(url string, in <-chan int) {
	go func() { // want `goroutine started here never exits, leaking one per call to Poll: its loop receives from in with no way out`
		if resp, err := http.Get(url); err == nil {
			defer resp.Body.Close()
			_, _ = io.Copy(io.Discard, resp.Body)
		}
		for {
			v := <-in
			_ = v
		}
	}()
}

// Guard recovers from panics in a loop with no exit.
func Guard(in <-chan func()) {
	go func() { // want `goroutine started here never exits, leaking one per call to Guard: its loop receives from in with no way out`
		defer func() { recover() }()
		for {
			f := <-in
			f()
		}
	}()
}

// Pipe forwards forever; its deferred close never runs.
func Pipe(in <-chan int) <-chan int {
	out := make(chan int, 1)
	go func() { // want `goroutine started here never exits, leaking one per call to Pipe: its loop receives from in with no way out`
		defer close(out)
		for {
			v := <-in
			select {
			case out <- v:
			default:
			}
		}
	}()
	return out
}

// ---- Safe twins: the same deferred calls, with a way out.

// PipeRange returns when in is closed, then closes out.
func PipeRange(in <-chan int) <-chan int {
	out := make(chan int)
	go func() { // ok: the range ends when the caller closes in
		defer close(out)
		for v := range in {
			out <- v
		}
	}()
	return out
}

// GuardStop returns on stop.
func GuardStop(in <-chan func(), stop <-chan struct{}) {
	go func() { // ok: returns when stop is closed
		defer func() { recover() }()
		for {
			select {
			case f := <-in:
				f()
			case <-stop:
				return
			}
		}
	}()
}

// Crash panics out of its loop; the deferred recover returns.
func Crash(in <-chan int) {
	go func() { // ok: a negative value panics, and the recovered panic returns
		defer func() { recover() }()
		for {
			if v := <-in; v < 0 {
				panic("negative")
			}
		}
	}()
}

// Workers wait for their group; each returns on a closed queue.
func Workers(q <-chan func()) {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { // ok: returns when q is closed
			defer wg.Done()
			for f := range q {
				f()
			}
		}()
	}
	wg.Wait()
}

type parser struct{ in <-chan byte }

func (p *parser) next() byte {
	b, ok := <-p.in
	if !ok {
		panic(errEOF)
	}
	return b
}

var errEOF = &struct{ s string }{"eof"}

// parse reads until next panics at the end of input; the deferred
// recover turns that into a return.
func (p *parser) parse() (n int) {
	defer func() {
		if r := recover(); r != nil {
			n = -1
		}
	}()
	for {
		p.next()
		n++
	}
}

// Parse parses in a goroutine.
func Parse(in <-chan byte, out chan<- int) {
	p := &parser{in: in}
	go func() { // ok: next panics at the end of input, and parse recovers and returns
		out <- p.parse()
	}()
}
