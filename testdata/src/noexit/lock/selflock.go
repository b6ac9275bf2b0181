package lock

import (
	"sort"
	"strconv"
	"sync"
)

// Self-locks: a function that takes a lock it already holds on some path,
// itself or through a function of the package it calls, waits forever on
// itself. It starts no goroutine; any goroutine running it is stuck.

type cache struct {
	mu      sync.Mutex
	m       map[string]int
	onEvict func()
}

// get locks c.mu again on a miss.
func (c *cache) get(k string) int {
	c.mu.Lock()
	v, ok := c.m[k]
	if !ok {
		c.mu.Lock() // want `cache.get may never return: it waits to lock c.mu, which it already holds`
		c.m[k] = 0
	}
	c.mu.Unlock()
	return v
}

// set holds c.mu when it calls evict, which locks it too.
func (c *cache) set(k string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = v
	if len(c.m) > 10 {
		c.evict()
	}
}

func (c *cache) evict() {
	c.mu.Lock() // want `cache.set may never return: it waits to lock c.mu, which it already holds`
	for k := range c.m {
		delete(c.m, k)
		break
	}
	c.mu.Unlock()
}

// sum forgets the unlock when it skips a negative value, and locks mu
// again on the next round.
func sum(mu *sync.Mutex, xs []int) (n int) {
	for _, x := range xs {
		mu.Lock() // want `sum may never return: it waits to lock mu, which it took on a previous round of its loop and still holds`
		if x < 0 {
			continue
		}
		n += x
		mu.Unlock()
	}
	return n
}

type registry struct {
	mu  sync.RWMutex
	ids map[string]int
}

// lookupOrAdd upgrades its read lock, which a RWMutex cannot do.
func (r *registry) lookupOrAdd(name string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if id, ok := r.ids[name]; ok {
		return id
	}
	r.mu.Lock() // want `registry.lookupOrAdd may never return: it waits to lock r.mu, which it already read-locks`
	defer r.mu.Unlock()
	r.ids[name] = len(r.ids)
	return r.ids[name]
}

func (r *registry) size() int {
	r.mu.RLock() // want `registry.describe may never return: it waits to read-lock r.mu, which it already read-locks: a writer waiting to lock it in between blocks both for good`
	defer r.mu.RUnlock()
	return len(r.ids)
}

// describe read-locks r.mu again in size: a writer (lookupOrAdd) that
// waits between the two read locks blocks both.
func (r *registry) describe() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return strconv.Itoa(r.size())
}

// Safe twins.

// relock unlocks between the two locks.
func (c *cache) relock(k string) int {
	c.mu.Lock()
	v := c.m[k]
	c.mu.Unlock()
	c.mu.Lock() // ok: unlocked in between
	c.m[k] = v + 1
	c.mu.Unlock()
	return v
}

// maybeLocked locks only when its caller does not hold c.mu, and unlocks
// on the same condition: the path that locks also unlocks.
func (c *cache) maybeLocked(k string, held bool) int {
	if !held {
		c.mu.Lock()
	}
	v := c.m[k]
	if !held {
		c.mu.Unlock()
	}
	c.mu.Lock() // ok: the branches on held go the same way
	defer c.mu.Unlock()
	return v
}

// pair locks two caches, which may be different objects.
func pair(a, b *cache) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	b.mu.Lock() // ok: a and b may differ
	defer b.mu.Unlock()
	return len(a.m) + len(b.m)
}

// callback calls code it cannot see with c.mu held; that code may unlock.
func (c *cache) callback() {
	c.mu.Lock()
	c.onEvict()
	c.mu.Lock() // ok: onEvict may unlock c.mu (unknown: silent)
	c.mu.Unlock()
}

type pool struct{ mu sync.Mutex }

// unlockHelper unlocks through a function of the package.
func (p *pool) unlockHelper() {
	p.mu.Lock()
	p.unlock()
	p.mu.Lock() // ok: unlock released it
	p.mu.Unlock()
}

func (p *pool) unlock() { p.mu.Unlock() }

type gate struct{ mu sync.Mutex }

// wait's second lock waits for open, which another goroutine calls: the
// lock is handed over (open unlocks what it did not lock).
func (g *gate) wait() {
	g.mu.Lock()
	g.mu.Lock() // ok: open, run by another goroutine, unlocks it
	g.mu.Unlock()
}

func (g *gate) open() { g.mu.Unlock() }

// handOff's goroutine unlocks the lock it holds.
func handOff() {
	var mu sync.Mutex
	mu.Lock()
	go func() {
		mu.Unlock()
	}()
	mu.Lock() // ok: the goroutine unlocks it
	mu.Unlock()
}

// sorted hands a callback to sort, which may call it. Silent by design:
// the walk does not look into callbacks handed to other code, which may
// unlock (this one does not, and the second lock does block).
func (c *cache) sorted(keys []string) {
	c.mu.Lock()
	sort.Slice(keys, func(i, j int) bool { return c.m[keys[i]] < c.m[keys[j]] })
	c.mu.Lock() // ok: silent by design (a limit, not a safe idiom)
	c.mu.Unlock()
}

// each locks and unlocks in a called literal per item.
func (c *cache) each(keys []string) {
	for _, k := range keys {
		func() {
			c.mu.Lock() // ok: the literal's defer unlocks before the next round
			defer c.mu.Unlock()
			c.m[k]++
		}()
	}
}

type node struct {
	mu   sync.Mutex
	next *node
}

type list struct{ cur *node }

// advance locks the next node after moving to it: l.cur is another node.
func (l *list) advance() {
	l.cur.mu.Lock()
	l.cur = l.cur.next
	l.cur.mu.Lock() // ok: l.cur was stored in between
	l.cur.mu.Unlock()
}

type counter struct {
	mu sync.RWMutex
	n  int
}

func (c *counter) get() int {
	c.mu.RLock() // ok: nothing write-locks counter.mu, so nested read locks cannot block
	defer c.mu.RUnlock()
	return c.n
}

func (c *counter) twice() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return 2 * c.get()
}

// waitLoop waits on a Cond with its lock held, as Cond requires.
func waitLoop(mu *sync.Mutex, cond *sync.Cond, ready *bool) {
	mu.Lock()
	for !*ready {
		cond.Wait()
	}
	mu.Unlock()
	mu.Lock() // ok: unlocked in between
	mu.Unlock()
}
