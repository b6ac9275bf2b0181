// Package lib exports channel summaries as facts.
package lib

import (
	"log"
	"os"
	"runtime"
	"testing"
	"time"
)

var queue = make(chan int, 8)

// Q holds a shared channel in a field.
type Q struct{ ch chan int }

// NewQ makes a Q: its field is not nil.
func NewQ() *Q { return &Q{ch: make(chan int, 1)} }

// Push sends on a field of its receiver.
func (q *Q) Push(v int) { // want Push:`chanSummary\(sends \(recv\)chanmodel/lib.Q.ch\)`
	q.ch <- v
}

// Enqueue sends on a package-level channel.
func Enqueue(v int) { // want Enqueue:`chanSummary\(sends chanmodel/lib.queue\)`
	queue <- v
}

// EnqueueAsync starts a goroutine that sends on it.
func EnqueueAsync(v int) { // want EnqueueAsync:`chanSummary\(spawns chanmodel/lib.queue\)`
	go Enqueue(v)
}

// Guarded selects: nothing to say about queue.
func Guarded(done <-chan struct{}, v int) { // want Guarded:`chanSummary\(p0 recv\)`
	select {
	case queue <- v:
	case <-done:
	}
}

// Each sends once per item.
func Each[T any](out chan<- T, xs []T) { // want Each:`chanSummary\(p0 send many\)`
	for _, x := range xs {
		out <- x
	}
}

// Either sends once on either branch.
func Either(out chan<- int, b bool) { // want Either:`chanSummary\(p0 send 1\)`
	if b {
		out <- 1
	} else {
		out <- 2
	}
}

// Twice sends twice.
func Twice(out chan<- int) { // want Twice:`chanSummary\(p0 send 2\)`
	out <- 1
	out <- 2
}

// Spawn starts a sender on out.
func Spawn(out chan<- int) { // want Spawn:`chanSummary\(p0 spawn-send 1\)`
	go func() { out <- 1 }()
}

// Closer sends and closes.
func Closer(out chan int, keep *chan int) { // want Closer:`chanSummary\(p0 send 1 close\)`
	out <- 1
	close(out)
}

// Keep lets its channel escape.
func Keep(out chan int) { // want Keep:`chanSummary\(p0 escapes\)`
	saved = out
}

var saved chan int

// Loop never returns.
func Loop() { // want Loop:`chanSummary\(recvs chanmodel/lib.queue; never returns; forever\)`
	for {
		<-queue
	}
}

// Run calls Loop, so it never returns either.
func Run() { // want Run:`chanSummary\(recvs chanmodel/lib.queue; never returns; forever\)`
	Loop()
}

// Even and Odd recurse into each other.
func Even(n int, out chan<- int) { // want Even:`chanSummary\(p1 send many\)`
	if n > 0 {
		Odd(n-1, out)
		return
	}
	out <- n
}

// Odd recurses into Even.
func Odd(n int, out chan<- int) { // want Odd:`chanSummary\(p1 send many\)`
	out <- n
	Even(n, out)
}

// Plain touches no channel: no fact.
func Plain() int { return 1 }

var sem = make(chan struct{}, 4)

// Limited acquires and releases a token: a semaphore, not a hand-off.
func Limited() { // want Limited:`chanSummary\(recvs chanmodel/lib.sem\)`
	sem <- struct{}{}
	defer func() { <-sem }()
}

// Die ends the process: it never returns, but not because it runs forever.
func Die(msg string) { // want Die:`chanSummary\(never returns; exits\)`
	log.Fatal(msg)
}

// Check may end the process.
func Check(err error) { // want Check:`chanSummary\(exits\)`
	if err != nil {
		os.Exit(1)
	}
}

// Tick sleeps forever and touches no channel.
func Tick() { // want Tick:`chanSummary\(never returns; forever\)`
	for {
		time.Sleep(time.Second)
	}
}

// Quit ends its goroutine.
func Quit() { // want Quit:`chanSummary\(never returns; exits\)`
	runtime.Goexit()
}

// Fail panics on every path: an exit, not a loop.
func Fail() { // want Fail:`chanSummary\(exits\)`
	panic("fail")
}

// FailTB ends the test on every path, through testing.TB: it never
// returns.
func FailTB(tb testing.TB, msg string) { // want FailTB:`chanSummary\(never returns; exits\)`
	tb.Helper()
	tb.Fatal(msg)
}

// Require ends the test only when ok is false: it may return.
func Require(t *testing.T, ok bool) { // want Require:`chanSummary\(exits\)`
	if !ok {
		t.FailNow()
	}
}

// Fataler is the part of testing.TB an assertion library asks for.
type Fataler interface {
	Fatalf(format string, args ...any)
}

// Fatalf ends the test through an interface of testing.TB's shape.
func Fatalf(f Fataler, msg string) { // want Fatalf:`chanSummary\(never returns; exits\)`
	f.Fatalf("%s", msg)
}

// Printer has a Fatal that is not testing.TB's: it returns a value.
type Printer interface{ Fatal(args ...any) error }

// Print calls a method named Fatal of another shape: it returns.
func Print(p Printer) error { return p.Fatal("x") }

// Wait receives unless it times out first.
func Wait(ch <-chan int) int { // want Wait:`chanSummary\(p0 recv\)`
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return 0
	}
}

// Take receives once on every path.
func Take(ch <-chan int) int { // want Take:`chanSummary\(p0 recv min 1\)`
	return <-ch
}

// Sum receives until ch is closed.
func Sum(ch <-chan int) (n int) { // want Sum:`chanSummary\(p0 recv all\)`
	for v := range ch {
		n += v
	}
	return n
}

// First receives unless n is 0: a plain condition, not a competing case,
// so it counts as receiving what the senders need.
func First(ch <-chan int, n int) int { // want First:`chanSummary\(p0 recv all\)`
	if n == 0 {
		return 0
	}
	return <-ch
}
