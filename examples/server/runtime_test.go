package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRuntime runs every example handler for real and counts the goroutines
// it strands: the runtime truth behind goroutinelint's findings. Each leaky
// handler must strand exactly one goroutine per request, and its fixed twin
// none.
//
// Every subtest builds the same world: an upstream that accepts requests and
// never answers until the subtest ends, consumers (log writers, queue
// workers) held so that their queues are full, and the example server in
// front. It sends requests requests, each abandoned clientDeadline after it
// reached its handler, waits until every request has reached it, and
// then polls the goroutine dump until the number of goroutines running the
// handler (or a closure it started) is the expected one and stays so for
// settle, or pollDeadline passes.
//
// Counts are taken relative to a baseline measured before the requests:
// handleQuoteLeaky's goroutines can never be released (their only receiver
// is gone), so with -count=n they accumulate from run to run. All other
// stranded goroutines are released by the subtest's cleanup, which opens the
// upstream and the consumers and waits for them.
func TestRuntime(t *testing.T) {
	for _, tc := range runtimeCases {
		t.Run(strings.TrimPrefix(tc.fn, "(*Server)."), func(t *testing.T) {
			e := newEnv(t)
			if tc.setup != nil {
				tc.setup(t, e)
			}
			runs := tc.fn
			if tc.runs != "" {
				runs = tc.runs
			}
			base := goroutinesIn(runs)
			e.forever = tc.forever
			e.send(t, tc.method, tc.path)
			want := base
			if tc.leaky {
				want += requests * max(1, tc.perRequest)
			}
			got := waitForCount(runs, want)
			t.Logf("%s: %d stranded after %d requests (baseline %d)", tc.fn, got-base, requests, base)
			if got != want {
				t.Errorf("%s: %d goroutines stranded after %d requests, want %d\n%s",
					tc.fn, got-base, requests, want-base, dumpOf(runs))
			}
			if tc.leaky && tc.upstreamPath != "" {
				// The stranded goroutines are the ones waiting on the silent upstream.
				if hits := e.up.waitHits(tc.upstreamPath, requests); hits != requests {
					t.Errorf("upstream saw %d requests for %s, want %d", hits, tc.upstreamPath, requests)
				}
			}
		})
	}
}

// TestRuntimeBackground checks the goroutines behind the loggers and the
// queues. The fixed ones, started by New, all end on Close. The leaky ones,
// started in init, can never end: exactly one drainLogLeaky and leakyWorkers
// workLeaky goroutines run for the life of the process, whatever the test
// does, since nothing can stop them.
func TestRuntimeBackground(t *testing.T) {
	const workers = 3
	fixed := map[string]int{"(*AsyncLogger).drain": 1, "(*WorkerPool).worker": workers}
	base := make(map[string]int)
	for fn := range fixed {
		base[fn] = goroutinesIn(fn)
	}
	srv := New(Config{UpstreamURL: "http://127.0.0.1:1", Workers: workers, LogOutput: io.Discard})
	for fn, n := range fixed {
		if got := waitForCount(fn, base[fn]+n); got != base[fn]+n {
			t.Errorf("after New: %d goroutines in %s, want %d", got-base[fn], fn, n)
		}
	}
	srv.Close()
	for fn := range fixed {
		if got := waitForCount(fn, base[fn]); got != base[fn] {
			t.Errorf("after Close: %d goroutines left in %s, want 0\n%s", got-base[fn], fn, dumpOf(fn))
		}
	}

	leaky := map[string]int{"drainLogLeaky": 1, "workLeaky": leakyWorkers}
	for fn, n := range leaky {
		got := waitForCount(fn, n)
		t.Logf("%s: %d goroutines, started in init, never end", fn, got)
		if got != n {
			t.Errorf("%d goroutines in %s, want %d", got, fn, n)
		}
	}
}

const (
	// requests is the number of requests each subtest sends.
	requests = 8
	// clientDeadline is each request's client-side deadline.
	clientDeadline = 100 * time.Millisecond
	// pollDeadline bounds each wait for goroutines to settle.
	pollDeadline = 3 * time.Second
	// pollInterval is the time between two goroutine dumps.
	pollInterval = 10 * time.Millisecond
	// settle is how long a count must hold before it is believed.
	settle = 100 * time.Millisecond
)

// A runtimeCase is one handler under load.
type runtimeCase struct {
	fn           string // the handler, as runtime names it within the package
	method, path string
	leaky        bool   // strands one goroutine per request
	upstreamPath string // the upstream path a leaky handler waits on, if any
	// runs is the function the stranded goroutines run, when it is not the
	// handler or a closure in it (a method of a struct the handler made).
	runs string
	// setup holds the consumers and fills their queues, so that the next
	// send blocks; nil when the silent upstream is pressure enough.
	setup func(t *testing.T, e *env)
	// perRequest is the number of goroutines each request strands, when
	// it is more than one.
	perRequest int
	// forever: the stranded goroutines include the handler's own, and
	// nothing can release it, so the cleanup must not wait for it.
	forever bool
}

// runtimeCases lists every handler, each leaky one next to its fixed twin.
// The stranded goroutine of each leaky handler is:
//   - handleLogLeaky: the goroutine it starts, blocked sending to the full
//     logChLeaky (the handler itself answers at once);
//   - handleQuoteLeaky: the goroutine it starts, blocked in the client's Get
//     while the upstream is silent and on the send to responseCh after that
//     (the handler itself returns when the client gives up);
//   - handleEnqueueLeaky: the request's own goroutine, blocked sending to the
//     full taskQueueLeaky;
//   - handleStatusLeaky, handlePriceLeaky, handleInventoryLeaky: the
//     request's own goroutine, blocked in a request to the silent upstream;
//   - handleReportLeaky: its stopper's goroutine, running (*stopper).wait,
//     blocked on the struct field stopc that the handler's early return
//     never closes (the requests carry no id);
//   - handleBatchLeaky: the request's own goroutine, blocked forever in
//     wg.Wait: the worker for its item, unknown to the catalog, returned
//     before Done;
//   - handleExportLeaky: two, the request's own goroutine, blocked in
//     mu.Lock once the request ends, and its producer, which holds mu while
//     it looks the row up at the silent upstream (and, once the upstream
//     answers, while it blocks forever sending the row nobody receives).
var runtimeCases = []runtimeCase{
	{fn: "(*Server).handleLogLeaky", method: "GET", path: "/leaky/log", leaky: true, setup: holdLeakyLogger},
	{fn: "(*Server).handleLogFixed", method: "GET", path: "/fixed/log", setup: holdFixedLogger},
	{fn: "(*Server).handleQuoteLeaky", method: "GET", path: "/leaky/quote", leaky: true, upstreamPath: "/quote"},
	{fn: "(*Server).handleQuoteFixed", method: "GET", path: "/fixed/quote"},
	{fn: "(*Server).handleEnqueueLeaky", method: "POST", path: "/leaky/enqueue", leaky: true, setup: holdLeakyWorkers},
	{fn: "(*Server).handleEnqueueFixed", method: "POST", path: "/fixed/enqueue", setup: holdFixedWorkers},
	{fn: "(*Server).handleStatusLeaky", method: "GET", path: "/leaky/status", leaky: true, upstreamPath: "/status"},
	{fn: "(*Server).handleStatusFixed", method: "GET", path: "/fixed/status"},
	{fn: "(*Server).handlePriceLeaky", method: "GET", path: "/leaky/price", leaky: true, upstreamPath: "/price"},
	{fn: "(*Server).handlePriceFixed", method: "GET", path: "/fixed/price"},
	{fn: "(*Server).handleInventoryLeaky", method: "GET", path: "/leaky/inventory", leaky: true, upstreamPath: "/inventory"},
	{fn: "(*Server).handleInventoryFixed", method: "GET", path: "/fixed/inventory"},
	{fn: "(*Server).handleReportLeaky", method: "GET", path: "/leaky/report", leaky: true, runs: "(*stopper).wait"},
	{fn: "(*Server).handleReportFixed", method: "GET", path: "/fixed/report", runs: "(*stopper).wait"},
	{fn: "(*Server).handleBatchLeaky", method: "GET", path: "/leaky/batch", leaky: true, forever: true},
	{fn: "(*Server).handleBatchFixed", method: "GET", path: "/fixed/batch"},
	{fn: "(*Server).handleExportLeaky", method: "GET", path: "/leaky/export", leaky: true, forever: true, perRequest: 2},
	{fn: "(*Server).handleExportFixed", method: "GET", path: "/fixed/export"},
}

// holdLeakyLogger holds drainLogLeaky in a write and fills logChLeaky, so
// that every further logMessageLeaky blocks. The logger is package-level and
// shared by the whole test binary; the cleanup opens the gate, which lets the
// stranded senders finish, and waits for them so the next run starts clean.
// auditLog keeps writing to the open gate, which discards.
func holdLeakyLogger(t *testing.T, e *env) {
	g := newGate()
	auditLog.SetOutput(g)
	t.Cleanup(func() {
		g.open()
		if n := waitForCount("(*Server).handleLogLeaky", 0); n != 0 {
			t.Errorf("cleanup: %d leaky log senders still blocked", n)
		}
	})
	logChLeaky <- "probe" // the drainer takes this (or an older line) and blocks in the gate
	g.waitEntered(t)
	fill(logChLeaky, "fill")
}

// holdFixedLogger does for the server's AsyncLogger what holdLeakyLogger does
// for the leaky one.
func holdFixedLogger(t *testing.T, e *env) {
	g := e.logGate
	t.Cleanup(g.open) // before the env's cleanup, whose srv.Close waits for the writer
	if err := e.srv.logger.Log(t.Context(), "probe"); err != nil {
		t.Fatalf("probe: %v", err)
	}
	g.waitEntered(t)
	fill(e.srv.logger.lines, "fill")
}

// holdLeakyWorkers parks every leaky worker in a webhook delivery to the
// silent upstream and fills taskQueueLeaky. The workers are package-level;
// tasks left by earlier runs point at closed upstreams and fail fast. The
// env's cleanup opens the upstream, so the workers drain the queue and the
// stranded handlers finish before the front server closes.
func holdLeakyWorkers(t *testing.T, e *env) {
	for range leakyWorkers {
		taskQueueLeaky <- Task{ID: "probe", URL: e.up.URL + "/webhook"}
	}
	if n := e.up.waitHits("/webhook", leakyWorkers); n < leakyWorkers {
		t.Fatalf("only %d of %d leaky workers reached the upstream", n, leakyWorkers)
	}
	fill(taskQueueLeaky, Task{ID: "fill", URL: e.up.URL + "/webhook"})
}

// holdFixedWorkers does for the server's WorkerPool what holdLeakyWorkers
// does for the leaky workers.
func holdFixedWorkers(t *testing.T, e *env) {
	for range e.srv.cfg.Workers {
		if err := e.srv.pool.Submit(t.Context(), Task{ID: "probe", URL: e.up.URL + "/webhook"}); err != nil {
			t.Fatalf("probe: %v", err)
		}
	}
	if n := e.up.waitHits("/webhook", e.srv.cfg.Workers); n < e.srv.cfg.Workers {
		t.Fatalf("only %d of %d workers reached the upstream", n, e.srv.cfg.Workers)
	}
	fill(e.srv.pool.tasks, Task{ID: "fill", URL: e.up.URL + "/webhook"})
}

// fill sends v to ch until ch's buffer is full. Its consumers must be held.
func fill[T any](ch chan T, v T) {
	for {
		select {
		case ch <- v:
		default:
			return
		}
	}
}

// env is one subtest's world: a silent upstream, the example server built
// against it, and a front test server that counts the requests reaching it.
type env struct {
	up      *silentUpstream
	srv     *Server
	front   *httptest.Server
	logGate *gate        // the fixed logger's output
	entered atomic.Int64 // requests that reached the server's handler
	// arrivals holds, by request id, a channel the front server closes when
	// that request reaches the handler: its client deadline starts then.
	arrivals sync.Map
	// forever: some handlers never return, so the cleanup closes the
	// front server's listener and connections instead of waiting for them.
	forever bool
}

// newEnv builds an env and registers its cleanup: open the upstream, close
// the front server (which waits for handlers still running), stop the
// server, close the upstream.
func newEnv(t *testing.T) *env {
	e := &env{up: newSilentUpstream(), logGate: newGate()}
	e.srv = New(Config{
		UpstreamURL:     e.up.URL,
		UpstreamTimeout: 10 * time.Second, // longer than any subtest: only contexts release the fixed handlers
		LogOutput:       e.logGate,
		LogBuffer:       4,
		LogSendTimeout:  200 * time.Millisecond,
		Workers:         2,
		QueueSize:       4,
		EnqueueTimeout:  200 * time.Millisecond,
	})
	h := e.srv.Handler()
	e.front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.entered.Add(1)
		if ch, ok := e.arrivals.LoadAndDelete(r.URL.Query().Get("event")); ok {
			close(ch.(chan struct{}))
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		e.up.open()
		e.logGate.open()
		if e.forever {
			// httptest.Server.Close would wait for them forever.
			e.front.Listener.Close()
			e.front.CloseClientConnections()
		} else {
			e.front.Close()
		}
		e.srv.Close()
		e.up.Close()
	})
	return e
}

// send sends requests concurrent requests, each abandoned clientDeadline
// after it reached the handler, and waits until they have all reached it.
// The deadline counts from the handler's start, not from the dial: on a
// loaded machine a request may take longer than clientDeadline to arrive,
// and one that never arrives proves nothing about the handler.
func (e *env) send(t *testing.T, method, path string) {
	client := e.front.Client()
	client.Timeout = pollDeadline // a safety net; the deadline below ends each request
	var wg sync.WaitGroup
	for i := range requests {
		event := fmt.Sprintf("e%d", i)
		arrived := make(chan struct{})
		e.arrivals.Store(event, arrived)
		wg.Go(func() {
			url := fmt.Sprintf("%s%s?event=%s&order=o%d&item=i%d", e.front.URL, path, event, i, i)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				select {
				case <-arrived:
					time.Sleep(clientDeadline)
				case <-time.After(pollDeadline):
				case <-ctx.Done():
				}
				cancel()
			}()
			req, err := http.NewRequestWithContext(ctx, method, url, nil)
			if err != nil {
				t.Error(err)
				return
			}
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	deadline := time.Now().Add(pollDeadline)
	for e.entered.Load() < requests && time.Now().Before(deadline) {
		time.Sleep(pollInterval)
	}
	if n := e.entered.Load(); n != requests {
		t.Fatalf("%d of %d requests reached the server", n, requests)
	}
}

// silentUpstream is an upstream API that accepts every request and answers
// none until open is called, or until its caller gives up.
type silentUpstream struct {
	*httptest.Server
	release  chan struct{}
	openOnce sync.Once
	mu       sync.Mutex
	hits     map[string]int // requests received, by path
}

func newSilentUpstream() *silentUpstream {
	u := &silentUpstream{release: make(chan struct{}), hits: make(map[string]int)}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.hits[r.URL.Path]++
		u.mu.Unlock()
		select {
		case <-u.release:
		case <-r.Context().Done():
		}
	}))
	return u
}

// open lets every request, pending or future, be answered.
func (u *silentUpstream) open() { u.openOnce.Do(func() { close(u.release) }) }

// waitHits waits until path has received at least n requests, or
// pollDeadline passes, and returns how many it received.
func (u *silentUpstream) waitHits(path string, n int) int {
	deadline := time.Now().Add(pollDeadline)
	for {
		u.mu.Lock()
		got := u.hits[path]
		u.mu.Unlock()
		if got >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(pollInterval)
	}
}

// gate is an io.Writer whose writes block until it is opened; it discards
// what is written.
type gate struct {
	entered  chan struct{} // receives once a write is blocked
	release  chan struct{}
	openOnce sync.Once
}

func newGate() *gate {
	return &gate{entered: make(chan struct{}, 1), release: make(chan struct{})}
}

func (g *gate) Write(p []byte) (int, error) {
	select {
	case g.entered <- struct{}{}:
	default: // already signalled
	}
	<-g.release
	return len(p), nil
}

// open lets every write, pending or future, through.
func (g *gate) open() { g.openOnce.Do(func() { close(g.release) }) }

// waitEntered waits until a write is blocked in g.
func (g *gate) waitEntered(t *testing.T) {
	select {
	case <-g.entered:
	case <-time.After(pollDeadline):
		t.Fatal("no write reached the gate")
	}
}

// pkgPrefix is how runtime names this package's functions: "<path>.".
var pkgPrefix = reflect.TypeFor[Server]().PkgPath() + "."

// waitForCount polls until exactly want goroutines run fn (see goroutinesIn)
// for settle, or pollDeadline passes, and returns the last count.
func waitForCount(fn string, want int) int {
	deadline := time.Now().Add(pollDeadline)
	var heldSince time.Time
	for {
		got := goroutinesIn(fn)
		switch {
		case got != want:
			heldSince = time.Time{}
		case heldSince.IsZero():
			heldSince = time.Now()
		case time.Since(heldSince) >= settle:
			return got
		}
		if time.Now().After(deadline) {
			return got
		}
		time.Sleep(pollInterval)
	}
}

// goroutinesIn counts the goroutines with a frame in fn, a function of this
// package named as runtime names it ("(*Server).handleLogLeaky"), or in a
// closure within it ("(*Server).handleLogLeaky.func1"). "created by" lines
// do not count: a goroutine started by fn is counted only while it runs fn's
// code.
func goroutinesIn(fn string) int {
	n := 0
	for _, g := range goroutineStacks() {
		if hasFrame(g, pkgPrefix+fn) {
			n++
		}
	}
	return n
}

// dumpOf returns the stacks of the goroutines goroutinesIn(fn) counts.
func dumpOf(fn string) string {
	var b strings.Builder
	for _, g := range goroutineStacks() {
		if hasFrame(g, pkgPrefix+fn) {
			b.WriteString(g)
			b.WriteString("\n\n")
		}
	}
	return b.String()
}

// goroutineStacks returns the stack of every goroutine, one block each.
func goroutineStacks() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Split(string(buf[:n]), "\n\n")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// hasFrame reports whether the goroutine stack g has a frame in the
// function fn (fully qualified) or in a closure within it. A frame is a line
// "<function>(<args>)"; it is followed by a tab-indented file line.
func hasFrame(g, fn string) bool {
	lines := strings.Split(g, "\n")
	for _, line := range lines[1:] { // lines[0] is "goroutine N [state]:"
		if line == "" || line[0] == '\t' || strings.HasPrefix(line, "created by ") {
			continue // a file line, or the goroutine's creator
		}
		name := line
		if i := strings.LastIndexByte(line, '('); i > 0 {
			name = line[:i]
		}
		if name == fn || strings.HasPrefix(name, fn+".") {
			return true
		}
	}
	return false
}
