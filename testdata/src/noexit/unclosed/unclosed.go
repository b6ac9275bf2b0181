// Package unclosed holds goroutines waiting on channels nothing closes.
package unclosed

import "fmt"

var jobs = make(chan int, 8)

// Submit queues a job.
func Submit(j int) { jobs <- j }

func worker() {
	for j := range jobs {
		fmt.Println(j)
	}
}

// StartWorkers starts workers that range over jobs, which nothing closes.
func StartWorkers(n int) {
	for range n {
		go worker() // want `goroutine started here never exits, leaking one per call to StartWorkers: it ranges over jobs, which nothing closes`
	}
}

// Fanout never closes its local channel.
func Fanout(xs []int) {
	work := make(chan int)
	go func() { // want `goroutine started here never exits, leaking one per call to Fanout: it ranges over work, which nothing closes`
		for w := range work {
			fmt.Println(w)
		}
	}()
	for _, x := range xs {
		work <- x
	}
}

// Waiter waits for a signal nobody gives.
func Waiter() {
	done := make(chan struct{})
	go func() { // want `goroutine started here never exits, leaking one per call to Waiter: it waits to receive from done, which nothing closes or sends on`
		<-done
		fmt.Println("done")
	}()
}

var quit = make(chan struct{})

// Loop selects on quit, which nothing closes.
func Loop() {
	go func() { // want `goroutine started here never exits, leaking one per call to Loop: it waits to receive from quit, which nothing closes or sends on`
		for {
			select {
			case <-quit:
				return
			case j := <-jobs:
				fmt.Println(j)
			}
		}
	}()
}

// OkLoop checks ok on a channel nothing closes.
func OkLoop() {
	go func() { // want `goroutine started here never exits, leaking one per call to OkLoop: its loop receives from jobs until it is closed, and nothing closes it`
		for {
			j, ok := <-jobs
			if !ok {
				return
			}
			fmt.Println(j)
		}
	}()
}

// Param passes the channel as an argument.
func Param(xs []int) {
	in := make(chan int)
	go consume(in) // want `goroutine started here never exits, leaking one per call to Param: it ranges over in, which nothing closes`
	for _, x := range xs {
		in <- x
	}
}

func consume(in <-chan int) {
	for v := range in {
		fmt.Println(v)
	}
}

// Guarded sends in a select but never closes.
func Guarded(x int) {
	out := make(chan int)
	go func() { // want `goroutine started here never exits, leaking one per call to Guarded: it ranges over out, which nothing closes`
		for v := range out {
			fmt.Println(v)
		}
	}()
	select {
	case out <- x:
	default:
	}
}
