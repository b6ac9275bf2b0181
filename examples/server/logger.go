package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// ---- Leaky: a package-level queue drained by a goroutine started in init.

// auditLog is where the leaky logger writes. Writing is the slow part: in
// production the output is a log collector across the network, and any
// stall there backs the queue up.
var auditLog = log.New(os.Stderr, "audit: ", log.LstdFlags)

// logChLeaky queues audit lines for drainLogLeaky.
var logChLeaky = make(chan string, 16)

func init() {
	go drainLogLeaky() // want `goroutine started in init never exits: it ranges over logChLeaky, which nothing closes`
}

// drainLogLeaky writes the queued lines, one at a time, for as long as the
// process lives: nothing closes logChLeaky, so the loop never ends.
func drainLogLeaky() {
	for msg := range logChLeaky {
		auditLog.Print(msg)
	}
}

// logMessageLeaky queues msg, blocking for as long as the queue is full.
func logMessageLeaky(msg string) {
	logChLeaky <- msg // want `send on logChLeaky may block forever`
}

// handleLogLeaky records an audit line and answers at once.
//
// Leak: it hands the line to a new goroutine, which blocks in
// logMessageLeaky while the queue is full. Nothing bounds that wait, so once
// the writer falls behind, every request strands one goroutine, and they pile
// up until the writer catches up, or for good if it never does.
func (s *Server) handleLogLeaky(w http.ResponseWriter, r *http.Request) {
	msg := auditLine(r)
	go func() { logMessageLeaky(msg) }()
	w.WriteHeader(http.StatusAccepted)
}

// ---- Fixed: a logger that bounds every wait and can be stopped.

// ErrLogFull is returned by AsyncLogger.Log when the queue stayed full for
// the logger's send timeout.
var ErrLogFull = errors.New("audit log queue full")

// AsyncLogger writes lines on its own goroutine, so that a slow output does
// not slow down the handlers that log. Unlike the leaky logger it is bounded
// on both sides: Log waits for room at most the send timeout and then drops
// the line, and Close stops the writing goroutine.
type AsyncLogger struct {
	out         *log.Logger
	lines       chan string
	sendTimeout time.Duration
	stop        chan struct{} // closed by Close
	stopOnce    sync.Once
	wg          sync.WaitGroup
	dropped     atomic.Int64
}

// NewAsyncLogger returns a logger that writes to out through a queue of
// buffer lines, and starts its writing goroutine. Call Close to stop it.
func NewAsyncLogger(out io.Writer, buffer int, sendTimeout time.Duration) *AsyncLogger {
	l := &AsyncLogger{
		out:         log.New(out, "audit: ", log.LstdFlags),
		lines:       make(chan string, buffer),
		sendTimeout: sendTimeout,
		stop:        make(chan struct{}),
	}
	l.wg.Go(l.drain)
	return l
}

// drain writes queued lines until Close, then writes what is left.
func (l *AsyncLogger) drain() {
	for {
		select {
		case msg := <-l.lines:
			l.out.Print(msg)
		case <-l.stop:
			l.flush()
			return
		}
	}
}

// flush writes the lines still queued, without waiting for more.
func (l *AsyncLogger) flush() {
	for {
		select {
		case msg := <-l.lines:
			l.out.Print(msg)
		default:
			return
		}
	}
}

// Log queues msg. When the queue is full it waits for room until ctx is
// done, the send timeout passes or the logger is closed; then it drops msg,
// counts it in Dropped, and returns why.
func (l *AsyncLogger) Log(ctx context.Context, msg string) error {
	select {
	case <-l.stop:
		l.dropped.Add(1)
		return ErrClosed // the writer is gone: a queued line would never be written
	default:
	}
	select {
	case l.lines <- msg:
		return nil // room at once: the common case
	default:
	}
	var err error
	select {
	case l.lines <- msg:
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-time.After(l.sendTimeout):
		err = ErrLogFull
	case <-l.stop:
		err = ErrClosed
	}
	l.dropped.Add(1)
	return err
}

// Dropped returns how many lines Log has dropped.
func (l *AsyncLogger) Dropped() int64 { return l.dropped.Load() }

// Close stops the writing goroutine and waits for it to write the lines
// still queued. Log calls that race with Close may drop their line.
func (l *AsyncLogger) Close() {
	l.stopOnce.Do(func() { close(l.stop) })
	l.wg.Wait()
}

// handleLogFixed records an audit line and answers.
//
// Fixed: it queues the line itself instead of starting a goroutine, and
// AsyncLogger.Log gives up when the request is cancelled or after the send
// timeout. A slow writer costs dropped lines, counted, never a goroutine.
func (s *Server) handleLogFixed(w http.ResponseWriter, r *http.Request) {
	// A dropped line is counted by the logger; the request itself succeeded.
	_ = s.logger.Log(r.Context(), auditLine(r))
	w.WriteHeader(http.StatusAccepted)
}

// auditLine describes the request for the audit log.
func auditLine(r *http.Request) string {
	return fmt.Sprintf("%s %s %s event=%q", r.RemoteAddr, r.Method, r.URL.Path, r.URL.Query().Get("event"))
}
