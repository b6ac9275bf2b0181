// Command mainflag starts daemons that -noexit.main reports.
package main

import "time"

var events = make(chan string)

func collect() {
	for {
		e := <-events
		_ = e
	}
}

func tick() {
	for range time.Tick(time.Second) {
	}
}

func init() {
	go collect() // want `goroutine started in init never exits: its loop receives from events with no way out`
	go tick()    // ok: a janitor in init stays silent even with -noexit.main
}

func startDaemons() {
	go collect() // want `goroutine started here never exits: its loop receives from events with no way out`
}

func main() {
	startDaemons()
	go collect() // want `goroutine started here never exits: its loop receives from events with no way out`
	go tick()    // want `goroutine started here never exits: its loop ranges over time.Tick\(time.Second\), which is never closed`
	events <- "start"
}
