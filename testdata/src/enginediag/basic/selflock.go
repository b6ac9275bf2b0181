package basic

import "sync"

// Witnesses of the self-lock rule: the first lock, the calls between,
// and for a read lock taken again, the writer.

type table struct {
	mu   sync.RWMutex
	rows map[string]int
}

func (t *table) put(k string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows[k] = t.count() + 1
}

func (t *table) count() int {
	t.mu.RLock() // want `wait: table.put may never return: it waits to read-lock t.mu, which it already holds \[lock\] related: t.mu locked here@14, calls here, still holding it@16`
	defer t.mu.RUnlock()
	return len(t.rows)
}

func (t *table) summary() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.count()
}

type index struct {
	mu   sync.RWMutex
	keys []string
}

func (x *index) add(k string) {
	x.mu.Lock()
	x.keys = append(x.keys, k)
	x.mu.Unlock()
}

func (x *index) size() int {
	x.mu.RLock() // want `wait: index.empty may never return: it waits to read-lock x.mu, which it already read-locks: a writer waiting to lock it in between blocks both for good \[lock\] related: x.mu read-locked here@49, calls here, still holding it@51, a writer locks it here@37`
	defer x.mu.RUnlock()
	return len(x.keys)
}

func (x *index) empty() bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.size() == 0
}
