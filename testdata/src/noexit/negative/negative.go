// Package negative holds goroutines that can finish.
package negative

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"runtime"
	"sync"
	"time"
)

// Pool is a worker pool with a stop channel.
type Pool struct {
	tasks chan func()
	stop  chan struct{}
	wg    sync.WaitGroup
}

// NewPool starts workers that stop on Close.
func NewPool(n int) *Pool {
	p := &Pool{tasks: make(chan func()), stop: make(chan struct{})}
	for range n {
		p.wg.Add(1)
		go p.worker() // ok: returns when stop is closed
	}
	return p
}

func (p *Pool) worker() {
	defer p.wg.Done()
	for {
		select {
		case t := <-p.tasks:
			t()
		case <-p.stop:
			return
		}
	}
}

// Close stops the workers.
func (p *Pool) Close() {
	close(p.stop)
	p.wg.Wait()
}

// Ticker flushes until done is closed.
func Ticker(done <-chan struct{}) {
	t := time.NewTicker(time.Second)
	go func() { // ok: returns on done
		defer t.Stop()
		for {
			select {
			case <-t.C:
			case <-done:
				return
			}
		}
	}()
}

// Pipeline ranges over a channel its producer closes.
func Pipeline(xs []int) int {
	ch := make(chan int)
	go func() { // ok: closes ch, and ranges over nothing
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	sum := 0
	for v := range ch {
		sum += v
	}
	return sum
}

// Consume closes jobs on its only path to a return.
func Consume(xs []int) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // ok: jobs is closed on every path
		defer wg.Done()
		for j := range jobs {
			_ = j
		}
	}()
	for _, x := range xs {
		jobs <- x
	}
	close(jobs)
	wg.Wait()
}

// Watch closes done in a deferred call on every path.
func Watch(f func() error) error {
	done := make(chan struct{})
	defer close(done)
	go func() { // ok: defer close(done)
		<-done
	}()
	if err := f(); err != nil {
		return err
	}
	return nil
}

// Serve runs ListenAndServe, which returns its error.
func Serve(srv *http.Server) {
	go func() { // ok: ListenAndServe returns
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Print(err)
		}
	}()
	go http.ListenAndServe(":0", nil) // ok: returns its error
}

// Fatal ends the process from its loop.
func Fatal(sig chan os.Signal) {
	go func() { // ok: os.Exit is its only way out
		for {
			s := <-sig
			if s == os.Interrupt {
				os.Exit(1)
			}
		}
	}()
	go func() { // ok: log.Fatal ends the process
		log.Fatal(http.ListenAndServe(":0", nil))
	}()
}

// Ctx loops until its context ends.
func Ctx(ctx context.Context, in <-chan int) {
	go func() { // ok: returns on ctx.Done
		for {
			select {
			case <-ctx.Done():
				return
			case v := <-in:
				_ = v
			}
		}
	}()
}

var feed = make(chan int)

// Feed sends on feed.
func Feed(v int) { feed <- v }

// EndFeed closes it.
func EndFeed() { close(feed) }

// OK checks a receive's ok.
func OK() {
	go func() { // ok: returns when feed is closed
		for {
			v, ok := <-feed
			if !ok {
				return
			}
			_ = v
		}
	}()
}

// Break leaves its loop under a condition.
func Break() {
	go func() { // ok: breaks
		for {
			if <-feed > 10 {
				break
			}
		}
	}()
}

// Goexit ends the goroutine.
func Goexit() {
	go func() { // ok: runtime.Goexit
		for {
			if <-feed < 0 {
				runtime.Goexit()
			}
		}
	}()
}

// Panic ends the goroutine by crashing.
func Panic() {
	go func() { // ok: a panic is its way out
		for {
			if <-feed < 0 {
				panic("negative")
			}
		}
	}()
}

// Dynamic starts an unknown function.
func Dynamic(f func()) {
	go f() // ok: unknown
}

// Param ranges over a channel its caller may close.
func Param(jobs <-chan int) {
	go func() { // ok: jobs comes from the caller
		for j := range jobs {
			_ = j
		}
	}()
}

// Jobs is exported: another package may close it.
var Jobs = make(chan int)

// Exported ranges over it.
func Exported() {
	go func() { // ok: Jobs is exported
		for j := range Jobs {
			_ = j
		}
	}()
}

var closed = make(chan int)

// Closed ranges over a channel that Stop closes.
func Closed() {
	go func() { // ok: Stop closes it
		for j := range closed {
			_ = j
		}
	}()
}

// Stop closes closed.
func Stop() { close(closed) }

var handed = make(chan int)

// Handed lets its channel escape through an interface.
func Handed(sink func(any)) {
	sink(handed)
	go func() { // ok: handed escapes
		for j := range handed {
			_ = j
		}
	}()
}

// Wrapped starts a loop that returns on an error.
func Wrapped(step func() error) {
	go func() { // ok: returns on error
		for {
			if err := step(); err != nil {
				return
			}
		}
	}()
}

// Interface calls a method that may do anything.
func Interface(r interface{ Run() }) {
	go r.Run() // ok: dynamic
}

// Labeled breaks out of a select loop by label.
func Labeled(in <-chan int) {
	go func() { // ok: breaks out of the labeled loop
	loop:
		for {
			select {
			case v := <-in:
				if v < 0 {
					break loop
				}
			}
		}
	}()
}

func spin(n int) { spin(n + 1) }

// Recursive starts a function that recurses forever: the model assumes
// recursion returns, so it stays silent.
func Recursive() {
	go spin(0) // ok: unknown, recursion is assumed to return
}

// Wait closes done after a WaitGroup, the pipeline idiom.
func Wait(xs []int) {
	var wg sync.WaitGroup
	results := make(chan int)
	for _, x := range xs {
		wg.Add(1)
		go func() { // ok: sends and returns
			defer wg.Done()
			results <- x
		}()
	}
	go func() { // ok: waits and closes
		wg.Wait()
		close(results)
	}()
	for r := range results {
		_ = r
	}
}

// Remade makes a fresh reply channel each round and hands the reply of a
// round to a reader goroutine when it cannot wait.
func Remade(rounds int, get func() int, hurry func() bool) int {
	sum := 0
	for range rounds {
		reply := make(chan int, 1)
		go func() { reply <- get() }()
		if hurry() {
			go func() { // ok: the sender started earlier in the same round fills reply; a later round's sender fills a fresh channel
				<-reply
			}()
			continue
		}
		sum += <-reply
	}
	return sum
}
