// Package user starts the loops of package lib.
package user

import "noexit/facts/lib"

// Start starts lib's loops.
func Start(step func() error, ok func() bool) {
	go lib.Serve() // want `goroutine started here never exits, leaking one per call to Start: lib.Serve never returns`
	go func() {    // want `goroutine started here never exits, leaking one per call to Start: it calls lib.Deeper, which never returns`
		lib.Deeper()
	}()
	go lib.Run(step) // ok: returns on error
	go lib.Fatal(ok) // ok: ends the process
	go func() {      // ok: lib.Fatal ends the process
		for {
			lib.Fatal(ok)
		}
	}()
}
