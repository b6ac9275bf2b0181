// Package server is a small web server that shows each goroutine leak
// goroutinelint finds, next to a fixed version of the same code.
//
// Every pattern comes in two handlers with the same name and a Leaky or
// Fixed suffix, served under /leaky/... and /fixed/...:
//
//   - logger.go: an asynchronous audit logger (handleLogLeaky, handleLogFixed);
//   - upstream.go: a call to an upstream API raced against the request's
//     context (handleQuoteLeaky, handleQuoteFixed);
//   - queue.go: a background worker queue (handleEnqueueLeaky,
//     handleEnqueueFixed);
//   - client.go: HTTP clients without and with a Timeout (handleStatus*,
//     handlePrice*, handleInventory*);
//   - report.go: a stopper whose channel is a struct field (handleReport*);
//   - batch.go: workers awaited with a WaitGroup (handleBatch*);
//   - export.go: a producer that holds a lock while it sends (handleExport*).
//
// `go run ./cmd/goroutinelint ./examples/...` reports the leaky code and
// nothing else; runtime_test.go runs every handler against an upstream that
// never answers and counts the goroutines each one strands.
package server

import (
	"errors"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by AsyncLogger.Log and WorkerPool.Submit once they
// are closed.
var ErrClosed = errors.New("closed")

// Config configures a Server. The zero value of every field but
// UpstreamURL picks a production default.
type Config struct {
	// UpstreamURL is the base URL of the upstream API that the quote,
	// status, price and inventory handlers call, without a trailing slash.
	UpstreamURL string
	// UpstreamTimeout bounds each upstream request (default 10s).
	UpstreamTimeout time.Duration

	// LogOutput receives the fixed logger's lines (default os.Stderr).
	LogOutput io.Writer
	// LogBuffer is the fixed logger's queue length (default 64).
	LogBuffer int
	// LogSendTimeout is how long a handler waits for room in a full log
	// queue before dropping its line (default 100ms).
	LogSendTimeout time.Duration

	// Workers is the number of fixed queue workers (default 4).
	Workers int
	// QueueSize is the fixed task queue's length (default 64).
	QueueSize int
	// EnqueueTimeout is how long a handler waits for room in a full task
	// queue before answering 503 (default 1s).
	EnqueueTimeout time.Duration
}

// withDefaults returns cfg with every unset field given its default.
func (cfg Config) withDefaults() Config {
	if cfg.UpstreamTimeout <= 0 {
		cfg.UpstreamTimeout = 10 * time.Second
	}
	if cfg.LogOutput == nil {
		cfg.LogOutput = os.Stderr
	}
	if cfg.LogBuffer <= 0 {
		cfg.LogBuffer = 64
	}
	if cfg.LogSendTimeout <= 0 {
		cfg.LogSendTimeout = 100 * time.Millisecond
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 64
	}
	if cfg.EnqueueTimeout <= 0 {
		cfg.EnqueueTimeout = time.Second
	}
	return cfg
}

// Server serves the example handlers. Its fixed logger and worker pool run
// until Close; the leaky logger and workers are package-level and, being
// leaky, run until the process exits.
type Server struct {
	cfg Config

	// client calls the upstream API for the fixed handlers.
	client *http.Client
	// inventoryLeaky and inventory are the inventory handlers' clients,
	// built by helpers (client.go).
	inventoryLeaky *http.Client
	inventory      *http.Client

	logger *AsyncLogger
	pool   *WorkerPool
	// rows holds the rows of the export handlers (export.go).
	rows rowStore

	// rowsCut counts the rows of exports whose client went away first
	// (export.go): a metric.
	rowsCut atomic.Int64
}

// New returns a Server and starts its fixed logger and worker pool. Call
// Close to stop them.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:            cfg,
		client:         &http.Client{Timeout: cfg.UpstreamTimeout},
		inventoryLeaky: newInventoryClientLeaky(),
		inventory:      newInventoryClientFixed(cfg.UpstreamTimeout),
	}
	s.rows = upstreamRows{client: s.client, url: cfg.UpstreamURL}
	s.logger = NewAsyncLogger(cfg.LogOutput, cfg.LogBuffer, cfg.LogSendTimeout)
	s.pool = NewWorkerPool(cfg.Workers, cfg.QueueSize, s.deliverWebhook)
	return s
}

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /leaky/log", s.handleLogLeaky)
	mux.HandleFunc("GET /fixed/log", s.handleLogFixed)
	mux.HandleFunc("GET /leaky/quote", s.handleQuoteLeaky)
	mux.HandleFunc("GET /fixed/quote", s.handleQuoteFixed)
	mux.HandleFunc("POST /leaky/enqueue", s.handleEnqueueLeaky)
	mux.HandleFunc("POST /fixed/enqueue", s.handleEnqueueFixed)
	mux.HandleFunc("GET /leaky/status", s.handleStatusLeaky)
	mux.HandleFunc("GET /fixed/status", s.handleStatusFixed)
	mux.HandleFunc("GET /leaky/price", s.handlePriceLeaky)
	mux.HandleFunc("GET /fixed/price", s.handlePriceFixed)
	mux.HandleFunc("GET /leaky/inventory", s.handleInventoryLeaky)
	mux.HandleFunc("GET /fixed/inventory", s.handleInventoryFixed)
	mux.HandleFunc("GET /leaky/report", s.handleReportLeaky)
	mux.HandleFunc("GET /fixed/report", s.handleReportFixed)
	mux.HandleFunc("GET /leaky/batch", s.handleBatchLeaky)
	mux.HandleFunc("GET /fixed/batch", s.handleBatchFixed)
	mux.HandleFunc("GET /leaky/export", s.handleExportLeaky)
	mux.HandleFunc("GET /fixed/export", s.handleExportFixed)
	return mux
}

// Close stops the fixed logger and worker pool and waits for their
// goroutines to return. Shut the HTTP server down first, so that no handler
// is still submitting work.
func (s *Server) Close() {
	s.pool.Close()
	s.logger.Close()
}
