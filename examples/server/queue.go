package server

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Task is a unit of background work: delivering a webhook that announces an
// order to the upstream service.
type Task struct {
	ID  string // the order's ID
	URL string // where to deliver the webhook
}

// deliver posts t's webhook with client. The caller decides what a failed
// delivery means; these examples drop it, where a real service would retry.
func deliver(ctx context.Context, client *http.Client, t Task) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, strings.NewReader(t.ID))
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// ---- Leaky: workers started in init that can never stop.

// leakyWorkers is the number of workers init starts.
const leakyWorkers = 2

// taskQueueLeaky feeds workLeaky.
var taskQueueLeaky = make(chan Task, 16)

// webhookClient delivers the leaky workers' webhooks. It has a Timeout: the
// leak shown here is the queue's, not the client's.
var webhookClient = &http.Client{Timeout: 30 * time.Second}

func init() {
	for range leakyWorkers {
		go workLeaky() // want `goroutine started in init never exits: its loop receives from taskQueueLeaky with no way out`
	}
}

// workLeaky delivers queued webhooks forever: the loop has no exit, so the
// workers outlive every test and every server that uses them.
func workLeaky() {
	for {
		task := <-taskQueueLeaky
		_ = deliver(context.Background(), webhookClient, task) // failed deliveries are dropped
	}
}

// handleEnqueueLeaky queues a webhook for an order and answers 202.
//
// Leak: the send on taskQueueLeaky has no way out. When the workers fall
// behind and the queue fills, the handler blocks; the client gives up, but
// the handler's goroutine stays blocked until a worker takes its task, which
// may be never. Every such request strands the goroutine serving it.
func (s *Server) handleEnqueueLeaky(w http.ResponseWriter, r *http.Request) {
	task := Task{ID: r.URL.Query().Get("order"), URL: s.cfg.UpstreamURL + "/webhook"}
	taskQueueLeaky <- task // want `send on taskQueueLeaky may block the handler forever`
	w.WriteHeader(http.StatusAccepted)
}

// ---- Fixed: a worker pool that can be stopped and bounds every wait.

// WorkerPool runs tasks on a fixed number of goroutines until Close.
type WorkerPool struct {
	tasks    chan Task
	work     func(Task)
	stop     chan struct{} // closed by Close
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// NewWorkerPool starts workers goroutines that run work on the tasks
// submitted, through a queue of queue tasks. Call Close to stop them.
func NewWorkerPool(workers, queue int, work func(Task)) *WorkerPool {
	p := &WorkerPool{
		tasks: make(chan Task, queue),
		work:  work,
		stop:  make(chan struct{}),
	}
	for range workers {
		p.wg.Go(p.worker)
	}
	return p
}

// worker runs tasks until Close. The tasks channel is never closed, since a
// Submit racing with Close would panic sending on it; the ok check only
// keeps a future close from spinning the loop.
func (p *WorkerPool) worker() {
	for {
		select {
		case task, ok := <-p.tasks:
			if !ok {
				return
			}
			p.work(task)
		case <-p.stop:
			return
		}
	}
}

// Submit queues t. When the queue is full it waits until ctx is done or the
// pool is closed, and then returns why.
func (p *WorkerPool) Submit(ctx context.Context, t Task) error {
	select {
	case <-p.stop:
		return ErrClosed // the workers are gone: a queued task would never run
	default:
	}
	select {
	case p.tasks <- t:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-p.stop:
		return ErrClosed
	}
}

// Close stops the workers and waits for them to finish the tasks they are
// running. Tasks still queued, or submitted while Close runs, are dropped.
func (p *WorkerPool) Close() {
	p.stopOnce.Do(func() { close(p.stop) })
	p.wg.Wait()
}

// handleEnqueueFixed queues a webhook for an order and answers 202, or 503
// when the queue stays full.
//
// Fixed: Submit gives up when the request is cancelled or after the enqueue
// timeout, so slow workers cost a 503, never a goroutine; and the workers
// stop on Close.
func (s *Server) handleEnqueueFixed(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.EnqueueTimeout)
	defer cancel()
	task := Task{ID: r.URL.Query().Get("order"), URL: s.cfg.UpstreamURL + "/webhook"}
	if err := s.pool.Submit(ctx, task); err != nil {
		http.Error(w, "enqueue: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// deliverWebhook is the fixed pool's work: deliver t with the server's
// client, which has a Timeout, so Close never waits longer than that.
func (s *Server) deliverWebhook(t Task) {
	_ = deliver(context.Background(), s.client, t) // failed deliveries are dropped
}
