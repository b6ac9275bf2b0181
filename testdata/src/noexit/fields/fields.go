// Package fields holds workers that receive from unexported channel fields
// of their pool: the package decides everything about such a channel.
package fields

import (
	"fmt"
	"sync"
)

// Task is a unit of work.
type Task func()

// ---- Leaky: nothing closes the field the workers range over.

// Pool runs tasks on workers that never stop.
type Pool struct {
	tasks chan Task
}

// NewPool starts n workers.
func NewPool(n int) *Pool {
	p := &Pool{tasks: make(chan Task, 16)}
	for range n {
		go p.worker() // want `goroutine started here never exits, leaking one per call to NewPool: it ranges over p.tasks, which nothing closes`
	}
	return p
}

func (p *Pool) worker() {
	for t := range p.tasks {
		t()
	}
}

// Submit queues t.
func (p *Pool) Submit(t Task) { p.tasks <- t }

// Stopper has a stop field that nothing closes.
type Stopper struct {
	in   chan int
	stop chan struct{}
}

// NewStopper starts a loop that waits for a stop that never comes.
func NewStopper() *Stopper {
	s := &Stopper{in: make(chan int), stop: make(chan struct{})}
	go func() { // want `goroutine started here never exits, leaking one per call to NewStopper: it waits to receive from s.stop, which nothing closes or sends on`
		for {
			select {
			case v := <-s.in:
				fmt.Println(v)
			case <-s.stop:
				return
			}
		}
	}()
	return s
}

// Send hands v to the loop.
func (s *Stopper) Send(v int) { s.in <- v }

// Waiter waits on a field that nothing assigns: it is nil.
type Waiter struct {
	ready chan struct{}
}

// Start starts a goroutine that waits on the nil ready channel.
func (w *Waiter) Start() {
	go func() { // want `goroutine started here never exits, leaking one per call to Waiter.Start: it blocks forever receiving from w.ready`
		<-w.ready
		fmt.Println("ready")
	}()
}

// ---- Safe twins.

// ClosingPool closes its queue in Close.
type ClosingPool struct {
	tasks chan Task
	wg    sync.WaitGroup
}

// NewClosingPool starts n workers.
func NewClosingPool(n int) *ClosingPool {
	p := &ClosingPool{tasks: make(chan Task)}
	for range n {
		p.wg.Add(1)
		go p.worker() // ok: Close closes p.tasks
	}
	return p
}

func (p *ClosingPool) worker() {
	defer p.wg.Done()
	for t := range p.tasks {
		t()
	}
}

// Close stops the workers.
func (p *ClosingPool) Close() { close(p.tasks); p.wg.Wait() }

// Borrowed takes its queue from the caller: the caller may close it.
type Borrowed struct {
	tasks chan Task
}

// NewBorrowed starts a worker on the caller's queue.
func NewBorrowed(tasks chan Task) *Borrowed {
	b := &Borrowed{tasks: tasks}
	go b.worker() // ok: the channel belongs to the caller
	return b
}

func (b *Borrowed) worker() {
	for t := range b.tasks {
		t()
	}
}

// Leaked hands its queue out, so others may close it.
type Leaked struct {
	tasks chan Task
}

// NewLeaked starts a worker.
func NewLeaked() *Leaked {
	l := &Leaked{tasks: make(chan Task)}
	go l.worker() // ok: Queue hands the channel out
	return l
}

func (l *Leaked) worker() {
	for t := range l.tasks {
		t()
	}
}

// Queue returns the queue: its caller may close it.
func (l *Leaked) Queue() chan Task { return l.tasks }

// Public has an exported field that importers may close.
type Public struct {
	Tasks chan Task
}

// NewPublic starts a worker.
func NewPublic() *Public {
	p := &Public{Tasks: make(chan Task)}
	go func() { // ok: an exported field: importers may close it
		for t := range p.Tasks {
			t()
		}
	}()
	return p
}

// StopPool closes its stop field in Close, through a sync.Once.
type StopPool struct {
	tasks    chan Task
	stop     chan struct{}
	stopOnce sync.Once
}

// NewStopPool starts a worker that stops on Close.
func NewStopPool() *StopPool {
	p := &StopPool{tasks: make(chan Task), stop: make(chan struct{})}
	go func() { // ok: returns when Close closes p.stop
		for {
			select {
			case t := <-p.tasks:
				t()
			case <-p.stop:
				return
			}
		}
	}()
	return p
}

// Close stops the worker.
func (p *StopPool) Close() { p.stopOnce.Do(func() { close(p.stop) }) }
