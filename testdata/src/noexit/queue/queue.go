// Package queue is the canonical worker-queue leak and its fix.
package queue

import "sync"

// Task is a unit of work.
type Task struct{ ID int }

func (t Task) run() {}

// ---- Leaky: workers started in init that can never stop.

var taskQueue = make(chan Task, 16)

func init() {
	for range 4 {
		go func() { // want `goroutine started in init never exits: its loop receives from taskQueue with no way out`
			for {
				task := <-taskQueue
				task.run()
			}
		}()
	}
}

// Enqueue queues t for the leaky workers.
func Enqueue(t Task) { taskQueue <- t }

// ---- Fixed: workers select on the queue with an ok check and a stop
// channel that Shutdown closes, then waits for them.

// Queue runs tasks until Shutdown.
type Queue struct {
	tasks chan Task
	stop  chan struct{}
	wg    sync.WaitGroup
}

// New starts n workers.
func New(n int) *Queue {
	q := &Queue{tasks: make(chan Task, 16), stop: make(chan struct{})}
	for range n {
		q.wg.Add(1)
		go q.worker() // ok: returns on stop or a closed queue
	}
	return q
}

func (q *Queue) worker() {
	defer q.wg.Done()
	for {
		select {
		case task, ok := <-q.tasks:
			if !ok {
				return
			}
			task.run()
		case <-q.stop:
			return
		}
	}
}

// Submit queues t unless the queue is shut down.
func (q *Queue) Submit(t Task) bool {
	select {
	case q.tasks <- t:
		return true
	case <-q.stop:
		return false
	}
}

// Shutdown stops the workers and waits for them.
func (q *Queue) Shutdown() {
	close(q.stop)
	q.wg.Wait()
}
