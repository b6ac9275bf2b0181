// Command mainflag starts daemons that -noexit.main reports.
package main

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
	go collect() // want `goroutine started here never exits, leaking one per call to startDaemons: its loop receives from events with no way out`
}

func main() {
	startDaemons()
	go collect() // want `goroutine started here never exits, leaking one per call to main: its loop receives from events with no way out`
	events <- "start"
}
