// Package handler holds per-request sends to shared channels.
package handler

import (
	"context"
	"net/http"
	"time"
)

var logCh = make(chan string, 100)

// logMessage is the asynchronous logger's enqueue: no escape.
func logMessage(msg string) {
	logCh <- msg // want `send on logCh may block forever when its readers fall behind, stranding one goroutine per request`
}

// logMessageCtx is the fixed logger.
func logMessageCtx(ctx context.Context, msg string) {
	select {
	case logCh <- msg: // ok: gives up on ctx.Done or after a second
	case <-ctx.Done():
	case <-time.After(time.Second):
	}
}

func consume() {
	for m := range logCh {
		time.Sleep(time.Millisecond)
		_ = m
	}
}

func init() { go consume() }

// handleLog starts the leaky logger per request.
func handleLog(w http.ResponseWriter, r *http.Request) {
	msg := r.URL.Path
	go func() { logMessage(msg) }()
	w.WriteHeader(http.StatusOK)
}

// handleLogFixed uses the fixed logger.
func handleLogFixed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	go func() { logMessageCtx(ctx, r.URL.Path) }() // ok: the logger selects
	w.WriteHeader(http.StatusOK)
}

type task struct{ id int }

// Server owns a worker queue.
type Server struct {
	tasks   chan task
	results chan int
	events  chan string
}

// ServeHTTP enqueues the request's task on the worker queue.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.tasks <- task{id: 1} // want `send on s.tasks may block the handler forever when its readers fall behind: select on the request context's Done too`
}

// handleQueueFixed is the fixed worker-queue handler.
func (s *Server) handleQueueFixed(w http.ResponseWriter, r *http.Request) {
	select {
	case s.tasks <- task{id: 2}: // ok: gives up when the client goes away
	case <-r.Context().Done():
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}
}

// handleEvent sends on a receiver field from a goroutine.
func (s *Server) handleEvent(w http.ResponseWriter, r *http.Request) {
	go func() {
		s.events <- r.URL.Path // want `send on s.events may block forever when its readers fall behind, stranding one goroutine per request`
	}()
}

// handleExternal is the fixed external call: each send selects.
func (s *Server) handleExternal(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	go func() {
		select {
		case s.results <- 1: // ok: guarded by ctx.Done
		case <-ctx.Done():
		}
	}()
}

// register uses handler literals.
func register(mux *http.ServeMux, s *Server) {
	mux.HandleFunc("/lit", func(w http.ResponseWriter, r *http.Request) {
		go func() {
			logCh <- "literal" // want `send on logCh may block forever when its readers fall behind`
		}()
	})
	mux.Handle("/q", s)
}

// background sends from a goroutine that is not per request: silent by
// default (see the anyspawner fixture for the flag).
func background(s *Server) {
	go func() {
		s.results <- 0 // ok: not started by a handler
	}()
}

// local sends on a struct the goroutine was handed: not a shared channel.
type reply struct{ ch chan int }

func handleLocal(w http.ResponseWriter, r *http.Request) {
	rep := &reply{ch: make(chan int, 1)}
	go fill(rep)
	<-rep.ch
}

func fill(rep *reply) {
	rep.ch <- 1 // ok: a per-call struct, not shared
}

var sem = make(chan struct{}, 8)

// handleLimited bounds concurrency with a semaphore: the send waits for a
// release by another request, not for a reader that may fall behind.
func handleLimited(w http.ResponseWriter, r *http.Request) {
	sem <- struct{}{} // ok: released below
	defer func() { <-sem }()
	go func() {
		sem <- struct{}{} // ok: the goroutine releases its own token
		defer func() { <-sem }()
	}()
}

// Conn hands a writer token around a channel of capacity one.
type Conn struct{ writer chan int }

func (c *Conn) handle(w http.ResponseWriter, r *http.Request) {
	tok := <-c.writer
	defer func() { c.writer <- tok }() // ok: returns the token it took
}

// proc is made per request; its channel is not shared.
type proc struct{ out chan int }

func (p *proc) run() {
	p.out <- 1 // ok: p is made per request by handleProc
}

func handleProc(w http.ResponseWriter, r *http.Request) {
	p := &proc{out: make(chan int, 1)}
	go p.run()
	<-p.out
}

var defaultServer = &Server{tasks: make(chan task, 10)}

func (s *Server) enqueue(t task) {
	s.tasks <- t // want `send on s.tasks may block the handler forever when its readers fall behind`
}

// handleDefault reaches a receiver field of a package-level server.
func handleDefault(w http.ResponseWriter, r *http.Request) {
	defaultServer.enqueue(task{id: 3})
}
