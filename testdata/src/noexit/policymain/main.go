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

// ---- Callbacks kept in tables: a command-line program's commands run once
// per process, as main does; handlers and registered callbacks run per call.

// forward relays signals for the command that asked: a daemon for the one
// command a process runs.
func forward() <-chan struct{} {
	out := make(chan struct{})
	sig := make(chan int, 1)
	go func() { // ok: a command factory in a table filled by init runs once per process
		for {
			<-sig
			out <- struct{}{}
		}
	}()
	return out
}

// Factory makes a command.
type Factory func() (Command, error)

// Command is one command of the program.
type Command struct {
	Stop <-chan struct{}
	Run  func(args []string) error
}

var commands map[string]Factory

func init() {
	commands = map[string]Factory{
		"watch": func() (Command, error) {
			return Command{Stop: forward()}, nil
		},
	}
}

// watchCmd keeps its run function in a field, set by the package's
// initializer.
var watchCmd = &Command{Run: runWatch}

func runWatch(args []string) error {
	go janitor() // ok: a command's run function kept in a package variable runs once per process
	go consume() // ok: a command's run function kept in a package variable runs once per process
	return nil
}

// route pairs a path with its handler.
type route struct {
	path string
	h    func(http.ResponseWriter, *http.Request)
}

var routes = []route{{"/status", status}}

// status is a handler kept in a table: one per request still.
func status(w http.ResponseWriter, r *http.Request) {
	go consume() // want `goroutine started here never exits, leaking one per call to status: it ranges over queue, which nothing closes`
}

// hooks are filled in a loop: not one entry per command.
var hooks []func()

func addHooks() {
	for range 3 {
		hooks = append(hooks, nil)
	}
	for i := range hooks {
		hooks[i] = hook
	}
}

func hook() {
	go consume() // want `goroutine started here never exits, leaking one per call to hook: it ranges over queue, which nothing closes`
}

// onEvent is handed to a registration call: it runs as often as the
// callee likes.
func onEvent() {
	go consume() // want `goroutine started here never exits, leaking one per call to onEvent: it ranges over queue, which nothing closes`
}

func register(f func()) { hooks = append(hooks, f) }

func init() {
	register(onEvent)
	addHooks()
}
