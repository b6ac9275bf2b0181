// Command policymain has a goroutine per cell of the policy table in
// package main: main is special only for what main starts once.
package main

import (
	"net/http"
	"sync"
	"time"
)

var queue = make(chan func(), 16)

func sweep() {}

func janitor() {
	for {
		time.Sleep(time.Minute)
		sweep()
	}
}

func consume() {
	for f := range queue {
		f()
	}
}

// ---- Row "from main, or what only main calls, once": daemons.

func startDaemons() {
	go janitor() // ok: started once from what only main calls
	go consume() // ok: started once from what only main calls
	go func() {  // ok: started once from what only main calls
		select {}
	}()
}

func main() {
	startDaemons()
	go janitor() // ok: started once from main
	go consume() // ok: started once from main
	go serve()   // ok: started once from main
	for range 2 {
		perIteration()
	}
	http.HandleFunc("/", handle)
	var s server
	s.start()
	queue <- func() {}
}

// serve runs in a goroutine started once from main: what it starts runs once.
func serve() {
	go consume() // ok: started once, from a goroutine main starts once
}

// ---- Row "in init": a janitor is a daemon, a consumer leaks once.

func init() {
	go janitor() // ok: a janitor started once per process
	go consume() // want `goroutine started in init never exits: it ranges over queue, which nothing closes`
}

// ---- Row "per call", package main included.

// perIteration is called from a loop in main: one per iteration.
func perIteration() {
	go consume() // want `goroutine started here never exits, leaking one per call to perIteration: it ranges over queue, which nothing closes`
}

// handle is a handler: one per request.
func handle(w http.ResponseWriter, r *http.Request) {
	go janitor() // want `goroutine started here never exits, leaking one per call to handle: its loop sleeps and repeats with no way out`
}

type server struct{ once sync.Once }

func (s *server) start() {
	s.once.Do(func() {
		go consume() // want `goroutine started here never exits, leaking one per server: it ranges over queue, which nothing closes`
	})
}
