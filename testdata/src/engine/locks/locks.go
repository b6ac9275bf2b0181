// Package locks holds waits on sync primitives.
package locks

import (
	"sync"
)

// A lock taken twice.
func doubleLock() {
	var mu sync.Mutex
	go func() {
		mu.Lock()
		mu.Lock() // want "lock blocks forever"
	}()
}

// ok: lock, defer unlock.
func lockUnlock(n int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock() // ok: released by each holder
			defer mu.Unlock()
		}()
	}
	wg.Wait() // ok: both goroutines call Done
}

// A goroutine blocked on a channel while it holds the lock its partner
// needs to receive.
func lockAndChan() {
	var mu sync.Mutex
	ch := make(chan int)
	go func() {
		mu.Lock() // want "lock blocks forever"
		ch <- 1   // want "send blocks forever"
		mu.Unlock()
	}()
	go func() {
		mu.Lock() // want "lock blocks forever"
		<-ch      // want "receive blocks forever"
		mu.Unlock()
	}()
}

// Wait when a path skips Done.
func skipDone(fail bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if fail {
			return
		}
		wg.Done()
	}()
	wg.Wait() // want "waitgroup blocks forever"
}

// ok: defer wg.Done.
func deferDone(fail bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if fail {
			return
		}
	}()
	wg.Wait() // ok: Done on every path
}

// Add counts more goroutines than start.
func addTooMany() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
	}()
	wg.Wait() // want "waitgroup blocks forever"
}

type queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items int
}

// A Cond waiter with nobody to signal.
func condNoSignal() {
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	go func() {
		q.mu.Lock()
		for q.items == 0 {
			q.cond.Wait() // want "cond blocks forever"
		}
		q.mu.Unlock()
	}()
}

// ok: a broadcaster after the change.
func condBroadcast() {
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	go func() {
		q.mu.Lock()
		for q.items == 0 {
			q.cond.Wait() // ok: the spawner broadcasts after adding
		}
		q.mu.Unlock()
	}()
	q.mu.Lock()
	q.items++
	q.cond.Broadcast()
	q.mu.Unlock()
}

// RLock recursion with a writer waiting.
type store struct {
	mu sync.RWMutex
}

func (s *store) get() {
	s.mu.RLock()
	s.inner()
	s.mu.RUnlock()
}

func (s *store) inner() {
	s.mu.RLock() // want "rlock blocks forever"
	s.mu.RUnlock()
}

func (s *store) set() {
	s.mu.Lock() // want "lock blocks forever"
	s.mu.Unlock()
}

func rlockRecursion() {
	s := &store{}
	go s.get()
	go s.set()
}

// WaitGroup.Go: a worker blocked on a channel keeps Wait waiting.
func waitGroupGo() {
	var wg sync.WaitGroup
	ch := make(chan int)
	wg.Go(func() {
		<-ch // want "receive blocks forever"
	})
	wg.Wait() // want "waitgroup blocks forever"
	close(ch)
}

// ok: the channel is closed before Wait.
func waitGroupGoClosed() {
	var wg sync.WaitGroup
	ch := make(chan int)
	wg.Go(func() {
		<-ch // ok: closed before Wait
	})
	close(ch)
	wg.Wait() // ok: the worker returns
}

// A Cond waiter that locks through the Cond's own L field, with nobody
// to signal it.
func condLField() {
	go func() {
		c := sync.NewCond(&sync.Mutex{})
		c.L.Lock()
		c.Wait() // want "cond blocks forever"
		c.L.Unlock()
	}()
}

// ok: locked through L, and broadcast by a partner that takes the lock
// through L too.
func condLFieldBroadcast() {
	c := sync.NewCond(&sync.Mutex{})
	ready := false
	go func() {
		c.L.Lock()
		for !ready {
			c.Wait() // ok: the spawner broadcasts after setting ready
		}
		c.L.Unlock()
	}()
	c.L.Lock()
	ready = true
	c.Broadcast()
	c.L.Unlock()
}

// A WaitGroup made with a composite literal: its goroutine blocks on a
// send that only the waiter, still in Wait, would receive.
func waitGroupLiteral() {
	go func() {
		ch := make(chan int)
		wg := sync.WaitGroup{}
		wg.Add(1)
		go func() {
			ch <- 0 // want "send blocks forever"
			wg.Done()
		}()
		wg.Wait() // want "waitgroup blocks forever"
		<-ch
	}()
}

// ok: the same with the receive before Wait.
func waitGroupLiteralSafe() {
	go func() {
		ch := make(chan int)
		wg := sync.WaitGroup{}
		wg.Add(1)
		go func() {
			ch <- 0 // ok: received before Wait
			wg.Done()
		}()
		<-ch
		wg.Wait() // ok: Done follows the send
	}()
}

// A Cond waiter on an empty queue that nobody fills or signals.
func condEmptyQueue() {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	var q []int
	go func() {
		mu.Lock()
		for len(q) == 0 {
			c.Wait() // want "cond blocks forever"
		}
		mu.Unlock()
	}()
}

// ok: the queue holds an element before the waiter looks.
func condFilledQueue() {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	var q []int
	q = append(q, 1)
	go func() {
		mu.Lock()
		for len(q) == 0 {
			c.Wait() // ok: the queue is not empty
		}
		mu.Unlock()
	}()
}

// RLock recursion through the Locker RWMutex.RLocker returns: its Lock
// read-locks.
type rlockerStore struct {
	mu sync.RWMutex
	rl sync.Locker
}

func (s *rlockerStore) read() {
	s.mu.RLock() // want "rlock blocks forever"
	s.mu.RUnlock()
}

func (s *rlockerStore) write() {
	s.mu.Lock() // want "lock blocks forever"
	s.mu.Unlock()
}

func rlockerRecursion() {
	s := &rlockerStore{}
	s.rl = s.mu.RLocker()
	go s.write()
	s.rl.Lock()
	s.read()
	s.rl.Unlock()
}

// ok: the RLocker's lock is released before the second read.
func rlockerReleased() {
	s := &rlockerStore{}
	s.rl = s.mu.RLocker()
	go s.write()
	s.rl.Lock()
	s.rl.Unlock()
	s.read()
}

// Add counts the elements of a slice of known length, and Wait comes
// inside the loop that starts one goroutine per element.
func addLenWaitInLoop() {
	items := []int{1, 2}
	var wg sync.WaitGroup
	wg.Add(len(items))
	for range items {
		go func() {
			defer wg.Done()
		}()
		wg.Wait() // want "waitgroup blocks forever"
	}
}

// ok: Wait after the loop that starts one goroutine per element.
func addLenWaitAfterLoop() {
	items := []int{1, 2}
	var wg sync.WaitGroup
	wg.Add(len(items))
	for range items {
		go func() {
			defer wg.Done()
		}()
	}
	wg.Wait() // ok: one Done per element
}

// ok: a length the scope does not know: the count is unknown.
func addLenUnknown(items []int) {
	var wg sync.WaitGroup
	wg.Add(len(items))
	for range items {
		go func() {
			defer wg.Done()
		}()
		wg.Wait() // ok: nothing known about len(items)
	}
}

// A lock taken again ten calls deep.
type deep struct{ mu sync.Mutex }

func (d *deep) l1() { d.l2() }
func (d *deep) l2() { d.l3() }
func (d *deep) l3() { d.l4() }
func (d *deep) l4() { d.l5() }
func (d *deep) l5() { d.l6() }
func (d *deep) l6() { d.l7() }
func (d *deep) l7() { d.l8() }
func (d *deep) l8() { d.l9() }
func (d *deep) l9() {
	d.mu.Lock() // want "lock blocks forever"
	d.mu.Unlock()
}

func deepRelock() {
	d := &deep{}
	go func() {
		d.mu.Lock()
		d.l1()
		d.mu.Unlock()
	}()
}

// Locks kept in a map under constant keys: two goroutines take the map's
// lock and the entry's in opposite orders (each of the two can be the one
// stuck at either lock).
type registry struct {
	mu      sync.Mutex
	entries map[string]*entry
}

type entry struct{ mu sync.Mutex }

func (r *registry) remove(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.entries[name]
	e.mu.Lock() // want "lock blocks forever" "lock blocks forever"
	defer e.mu.Unlock()
	r.mu.Unlock()
	r.mu.Lock() // want "lock blocks forever" "lock blocks forever"
}

func mapLockOrder() {
	r := &registry{entries: map[string]*entry{}}
	r.entries["a"] = &entry{}
	go r.remove("a")
	go r.remove("a")
}

// ok: each goroutine removes its own entry.
func mapLockOrderDistinct() {
	r := &registry{entries: map[string]*entry{}}
	r.entries["a"] = &entry{}
	r.entries["b"] = &entry{}
	go r.remove("a") // ok: the entries differ
	go r.remove("b")
}

// ok: an entry looked up with a key the scope does not know may be any of
// them, and the lock released through it may be the one held.
func mapUnknownKey(name string) {
	m := map[string]*sync.Mutex{"a": {}}
	m["a"].Lock()
	go func() {
		m[name].Unlock()
	}()
	m["a"].Lock() // ok: the goroutine may unlock it
}

// ok: entries ranged over come out unknown, and what they unlock may be
// held.
func mapRange() {
	m := map[string]*sync.Mutex{"a": {}}
	m["a"].Lock()
	go func() {
		for _, mu := range m {
			mu.Unlock()
		}
	}()
	m["a"].Lock() // ok: the range may unlock it
}

// ok: a deleted entry is gone.
func mapDeleted() {
	m := map[string]*sync.Mutex{"a": {}}
	delete(m, "a")
	if mu, ok := m["a"]; ok {
		mu.Lock()
		mu.Lock() // ok: never reached
	}
}

// ok: the length of a map whose keys are known is known.
func mapLenKnown() {
	m := map[int]*sync.Mutex{0: {}, 1: {}}
	n := 0
	for i := 0; i < len(m); i++ {
		n++
	}
	go func() {}()
	if n != 2 {
		m[0].Lock()
		m[0].Lock() // ok: the map has two entries
	}
}

// A goroutine started a hundred times, each with its own channel, is
// found stuck.
func selfContainedCopies() {
	for i := 0; i < 100; i++ {
		go func() {
			ch := make(chan int)
			<-ch // want "receive blocks forever"
		}()
	}
}
