// Command daemon starts process-lifetime goroutines.
package main

import "time"

var events = make(chan string)

func collect() {
	for {
		e := <-events
		_ = e
	}
}

func init() {
	go collect() // want `goroutine started in init never exits: its loop receives from events with no way out`
}

func startDaemons() {
	go collect() // ok: a daemon of package main
	go func() {  // ok: a daemon of package main
		for {
			time.Sleep(time.Minute)
		}
	}()
}

func main() {
	startDaemons()
	go collect() // ok: a daemon of package main
	events <- "start"
}
