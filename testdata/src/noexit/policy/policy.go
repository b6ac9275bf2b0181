// Package policy has a goroutine per cell of the policy table: where it
// starts (init, a package-level Once, per call, a field Once) times what
// it does (only sleeps or ticks, consumes a queue, waits for something
// else).
package policy

import (
	"sync"
	"time"
)

var queue = make(chan func(), 16)

// Submit queues f.
func Submit(f func()) { queue <- f }

func sweep() {}

var never = make(chan struct{})

// janitor sleeps and sweeps forever.
func janitor() {
	for {
		time.Sleep(time.Minute)
		sweep()
	}
}

// consume runs queued work forever.
func consume() {
	for f := range queue {
		f()
	}
}

// ---- Row "in init, or under a package-level Once": janitors are daemons,
// the rest leak once.

func init() {
	go janitor() // ok: a janitor started once per process
	go func() {  // ok: only ticks, once per process
		for range time.Tick(time.Second) {
			sweep()
		}
	}()
	go func() { // ok: its stop channel is never closed, but it only ticks, once per process
		t := time.NewTicker(time.Second)
		for {
			select {
			case <-t.C:
				sweep()
			case <-never:
				return
			}
		}
	}()
	go consume() // want `goroutine started in init never exits: it ranges over queue, which nothing closes`
	go func() {  // want `goroutine started in init never exits: it blocks forever in a select with no case that can proceed`
		select {}
	}()
	startOnlyFromInit()
}

// startOnlyFromInit is called by init alone: once per process.
func startOnlyFromInit() {
	go consume() // want `goroutine started here never exits: it ranges over queue, which nothing closes`
	go janitor() // ok: a janitor started once per process
}

var once sync.Once

// Start starts the package's workers once, whoever calls it.
func Start() {
	once.Do(func() {
		go janitor() // ok: a janitor under a package-level Once
		go consume() // want `goroutine started here never exits: it ranges over queue, which nothing closes`
	})
}

var startLazily = sync.OnceFunc(func() {
	go janitor() // ok: a janitor under a package-level OnceFunc
	go func() {  // want `goroutine started here never exits: it blocks forever in a select with no case that can proceed`
		select {}
	}()
})

// Lazy starts the lazy goroutines on first use.
func Lazy() { startLazily() }

// ---- Row "per call", in any package: every cell leaks one per call.

// NewSweeper starts a janitor per call.
func NewSweeper() {
	go janitor() // want `goroutine started here never exits, leaking one per call to NewSweeper: its loop sleeps and repeats with no way out`
}

// NewConsumer starts a consumer per call.
func NewConsumer() {
	go consume() // want `goroutine started here never exits, leaking one per call to NewConsumer: it ranges over queue, which nothing closes`
}

// NewWaiter starts a goroutine that waits forever, per call.
func NewWaiter() {
	go func() { // want `goroutine started here never exits, leaking one per call to NewWaiter: it blocks forever in a select with no case that can proceed`
		select {}
	}()
}

// Exported is called from init, but importers may call it too.
func Exported() {
	go consume() // want `goroutine started here never exits, leaking one per call to Exported: it ranges over queue, which nothing closes`
}

func init() { Exported() }

// inLoop is called from a loop in init: once per iteration.
func inLoop() {
	go janitor() // want `goroutine started here never exits, leaking one per call to inLoop: its loop sleeps and repeats with no way out`
}

func init() {
	for range 3 {
		inLoop()
	}
}

// Cache starts its janitor once per value.
type Cache struct {
	once sync.Once
}

// Get starts the cache's janitor on first use.
func (c *Cache) Get() {
	c.once.Do(func() {
		go janitor() // want `goroutine started here never exits, leaking one per Cache: its loop sleeps and repeats with no way out`
	})
}
