// Package initworkers starts goroutines in init.
package initworkers

import "time"

var tasks = make(chan func(), 16)

// Submit queues t.
func Submit(t func()) { tasks <- t }

func worker() {
	for {
		t := <-tasks
		t()
	}
}

func init() {
	for range 2 {
		go worker() // want `goroutine started in init never exits: its loop receives from tasks with no way out`
	}
}

func refresh() {}

func init() {
	go func() { // ok: only ticks, once per process: a daemon
		for range time.Tick(time.Second) {
			refresh()
		}
	}()
}

var stop = make(chan struct{})

// Shutdown stops the stoppable worker.
func Shutdown() { close(stop) }

func init() {
	go func() { // ok: returns when Shutdown closes stop
		for {
			select {
			case t := <-tasks:
				t()
			case <-stop:
				return
			}
		}
	}()
}
