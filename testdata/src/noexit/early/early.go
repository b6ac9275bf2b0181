// Package early holds goroutines whose channel an early return leaves open.
package early

import "fmt"

func cleanup() {}

// Process closes done only when every item succeeds.
func Process(items []int, f func(int) error) error {
	done := make(chan struct{})
	go func() { // want `goroutine started here may never exit, leaking one per call to Process: it waits to receive from done, which Process does not close or send on when it returns early`
		<-done
		cleanup()
	}()
	for _, it := range items {
		if err := f(it); err != nil {
			return err
		}
	}
	close(done)
	return nil
}

// Feed returns early without closing jobs.
func Feed(xs []int, bad func(int) bool) {
	jobs := make(chan int)
	go func() { // want `goroutine started here may never exit, leaking one per call to Feed: it ranges over jobs, which Feed does not close when it returns early`
		for j := range jobs {
			fmt.Println(j)
		}
	}()
	for _, x := range xs {
		if bad(x) {
			return
		}
		jobs <- x
	}
	close(jobs)
}

// FeedFixed closes jobs in a deferred call.
func FeedFixed(xs []int, bad func(int) bool) {
	jobs := make(chan int)
	defer close(jobs)
	go func() { // ok: defer close(jobs)
		for j := range jobs {
			fmt.Println(j)
		}
	}()
	for _, x := range xs {
		if bad(x) {
			return
		}
		jobs <- x
	}
}

// ProcessFixed closes done on every path.
func ProcessFixed(items []int, f func(int) error) error {
	done := make(chan struct{})
	go func() { // ok: closed on both paths
		<-done
		cleanup()
	}()
	for _, it := range items {
		if err := f(it); err != nil {
			close(done)
			return err
		}
	}
	close(done)
	return nil
}

// Before closes on the error path before starting the goroutine: without
// an error nothing closes done.
func Before(err error) {
	done := make(chan struct{})
	if err != nil {
		close(done)
	}
	go func() { // want `goroutine started here may never exit, leaking one per call to Before: it waits to receive from done, and Before can return without sending on or closing it`
		<-done
	}()
}
