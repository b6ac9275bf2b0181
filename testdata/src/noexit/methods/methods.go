// Package methods holds leaks through methods and groups.
package methods

import (
	"sync"

	"golang.org/x/sync/errgroup"
)

// Server runs a loop with no stop.
type Server struct {
	reqs chan int
	wg   sync.WaitGroup
}

func (s *Server) run() {
	for {
		r := <-s.reqs
		_ = r
	}
}

// Start starts run in several ways.
func (s *Server) Start() {
	go s.run()  // want `goroutine started here never exits, leaking one per call to Server.Start: its loop receives from s.reqs with no way out`
	go func() { // want `goroutine started here never exits, leaking one per call to Server.Start: Server.run's loop receives from s.reqs with no way out`
		s.run()
	}()
	s.wg.Go(s.run) // want `goroutine started here never exits, leaking one per call to Server.Start: its loop receives from s.reqs with no way out`
}

// Group starts a loop through errgroup.
func (s *Server) Group() error {
	var g errgroup.Group
	g.Go(func() error { // want `goroutine started here never exits, leaking one per call to Server.Group: its loop receives from s.reqs with no way out`
		for {
			<-s.reqs
		}
	})
	return g.Wait()
}

// Stoppable has a way out.
type Stoppable struct {
	reqs chan int
	stop chan struct{}
	wg   sync.WaitGroup
}

func (s *Stoppable) run() {
	for {
		select {
		case <-s.reqs:
		case <-s.stop:
			return
		}
	}
}

// Start starts run.
func (s *Stoppable) Start() {
	go s.run()     // ok: returns on stop
	s.wg.Go(s.run) // ok: returns on stop
}

// Close stops it.
func (s *Stoppable) Close() { close(s.stop); s.wg.Wait() }
