// Package user builds summaries from imported facts.
package user

import (
	"testing"

	"chanmodel/lib"
)

// Log reaches lib.queue through lib.Enqueue.
func Log(v int) { // want Log:`chanSummary\(sends chanmodel/lib.queue\)`
	lib.Enqueue(v)
}

// Relay passes its channel to lib.Spawn.
func Relay(out chan<- int) { // want Relay:`chanSummary\(p0 spawn-send 1\)`
	lib.Spawn(out)
}

// Forever reaches lib.Loop.
func Forever() { // want Forever:`chanSummary\(recvs chanmodel/lib.queue; never returns; forever\)`
	lib.Run()
}

// Nothing calls a function with no fact.
func Nothing() int { return lib.Plain() }

// Serve loops until lib.Check ends the process.
func Serve() { // want Serve:`chanSummary\(never returns; exits\)`
	for {
		lib.Check(nil)
	}
}

// Sleepy reaches lib.Tick.
func Sleepy() { // want Sleepy:`chanSummary\(never returns; forever\)`
	lib.Tick()
}

// GiveUp fails the test through lib.FailTB on every path.
func GiveUp(tb testing.TB) { // want GiveUp:`chanSummary\(never returns; exits\)`
	lib.FailTB(tb, "give up")
}
