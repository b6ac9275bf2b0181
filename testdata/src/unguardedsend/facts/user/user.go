// Package user finds sends three calls deep across two packages.
package user

import (
	"context"
	"net/http"

	"unguardedsend/facts/lib"
	"unguardedsend/facts/mid"
)

func handle(w http.ResponseWriter, r *http.Request) {
	go func() {
		mid.Log(r.URL.Path) // want `mid.Log may block forever sending on lib.logCh when its readers fall behind, stranding one goroutine per request`
	}()
	go mid.Log("direct") // want `mid.Log may block forever sending on lib.logCh`
	go func() {
		mid.LogCtx(r.Context().Done(), r.URL.Path) // ok: the fixed form selects on done
	}()
}

// produce abandons a channel lib.Produce sends on.
func produce(ctx context.Context) int {
	ch := make(chan int)
	go lib.Produce(ch) // want `lib.Produce may block forever sending on ch: the receiver returns on ctx.Done without receiving`
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// start abandons a channel whose sender lib.Start spawns.
func start(ctx context.Context) int {
	ch := make(chan int)
	lib.Start(ch) // want `lib.Start may block forever sending on ch: the receiver returns on ctx.Done without receiving`
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// collect hands the channel to a helper that receives: not reported.
func collect(bad bool) int {
	ch := make(chan int)
	go lib.Produce(ch) // ok: lib.Collect receives
	if bad {
		return lib.Collect(ch)
	}
	return lib.Collect(ch)
}

var daemon = lib.NewDaemon()

func handleDaemon(w http.ResponseWriter, r *http.Request) {
	daemon.Run()     // ok: each goroutine signals on a buffered done channel made for it
	daemon.Submit(1) // want `\(\*lib.Daemon\).Submit starts a goroutine that may block forever sending on lib.Daemon.jobs when its readers fall behind, one per request`
}
