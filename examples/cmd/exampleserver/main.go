// Command exampleserver serves the goroutinelint example handlers, so that
// their leaks can be watched with curl and the goroutine profile:
//
//	go run ./examples/cmd/exampleserver -addr localhost:8080
//	curl -m 1 localhost:8080/leaky/status   # repeat, then:
//	curl 'localhost:8080/debug/pprof/goroutine?debug=1'
//
// Without -upstream it also serves a stand-in upstream under /upstream/
// that never answers, the condition that makes the leaky handlers leak.
package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux
	"os"
	"os/signal"
	"time"

	"github.com/goroutinelint/goroutinelint/examples/server"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "listen address")
	upstream := flag.String("upstream", "", "base URL of the upstream API (default: the stand-in under /upstream on -addr)")
	flag.Parse()
	if err := run(*addr, *upstream); err != nil {
		log.Fatal(err)
	}
}

// run serves on addr until the listener fails or an interrupt arrives, then
// shuts the server down.
func run(addr, upstream string) error {
	if upstream == "" {
		upstream = "http://" + addr + "/upstream"
	}
	srv := server.New(server.Config{UpstreamURL: upstream})
	defer srv.Close()

	h := srv.Handler()
	mux := http.NewServeMux()
	mux.Handle("/leaky/", h)
	mux.Handle("/fixed/", h)
	mux.Handle("/debug/pprof/", http.DefaultServeMux)
	mux.HandleFunc("/upstream/", silentUpstream)

	hs := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	errc := make(chan error, 1) // buffered: the goroutine never waits for run
	go func() { errc <- hs.ListenAndServe() }()
	log.Printf("serving on http://%s (upstream %s)", addr, upstream)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		// Expected after leaky requests: their handlers never return. Close
		// the connections still open; the leaky goroutines stay stranded.
		log.Printf("shutdown: %v", err)
		return hs.Close()
	}
	return nil
}

// silentUpstream stands in for an upstream API that accepts requests and
// never answers: it returns only when its caller gives up.
func silentUpstream(w http.ResponseWriter, r *http.Request) {
	<-r.Context().Done()
}
