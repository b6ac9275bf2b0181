package basic

import "sync"

// holderBlocked: the goroutine waits to lock mu, which its spawner holds
// while it waits on done; the witness is the holder: where it took mu,
// where it blocks. The spawner's own wait is a second blocked operation.
func holderBlocked() {
	var mu sync.Mutex
	done := make(chan struct{})
	mu.Lock()
	go func() { // want `wait: it waits to lock mu, and holderBlocked, which holds it, can block forever receiving from done \[lock\] related: blocks here@13, made here@9, mu locked here@11, the holder blocks here@17`
		mu.Lock()
		mu.Unlock()
		close(done)
	}()
	<-done // want `wait: holderBlocked may never return: it waits to receive from done, and every goroutine that could send on or close it is blocked or has returned \[blocked\] related: channel made here@10, blocks here too@13`
	mu.Unlock()
}

// holderReturned: a goroutine returns with mu held; the spawner waits for
// mu. The holder's go statement is related.
func holderReturned(fail bool) {
	var mu sync.Mutex
	go func() {
		mu.Lock()
		if fail {
			return
		}
		mu.Unlock()
	}()
	mu.Lock() // want `wait: holderReturned may never return: it waits to lock mu, and the goroutine holding it can return without unlocking it \[lock\] related: made here@24, mu locked here@26, the holder returns here without unlocking mu@28, the holder is started here@25`
	mu.Unlock()
}

// doneSkipped: of the worker's two returns, the one before Done is the
// witness; the one after Done is not why Wait blocks.
func doneSkipped(fail bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if fail {
			return
		}
		wg.Done()
	}()
	wg.Wait() // want `wait: doneSkipped may never return: it waits on wg, and the goroutines that could call Done can return without doing so \[waitgroup\] related: made here@39, returns here without calling Done@43`
}
