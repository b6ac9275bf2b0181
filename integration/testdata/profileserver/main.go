// Command profileserver serves the example handlers of
// examples/server with net/http/pprof, as examples/cmd/exampleserver
// does, plus one leak planted beyond the static analysis: a goroutine
// started through a function value, which goroutinelint cannot follow, so
// that a goroutine profile shows it as runtime only. The -profile test in
// profile_test.go runs it.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux
	"time"

	"github.com/goroutinelint/goroutinelint/examples/server"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address; the address taken is printed on stdout")
	upstream := flag.String("upstream", "", "base URL of the upstream API")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := server.New(server.Config{UpstreamURL: *upstream})
	defer srv.Close()
	mux := http.NewServeMux()
	mux.Handle("/leaky/", srv.Handler())
	mux.Handle("/fixed/", srv.Handler())
	mux.Handle("/debug/pprof/", http.DefaultServeMux)
	mux.HandleFunc("/planted", handlePlanted)
	fmt.Printf("listening on %s\n", ln.Addr())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(hs.Serve(ln))
}

// senders holds the planted goroutine's body as a function value.
var senders = map[string]func(chan<- int){
	"one": func(ch chan<- int) {
		ch <- 1 // the planted leak blocks here: nobody receives
	},
}

// handlePlanted strands one goroutine per request, blocked forever on a
// send nobody receives; the send is reached through a function value.
func handlePlanted(w http.ResponseWriter, r *http.Request) {
	ch := make(chan int)
	send := senders[r.URL.Query().Get("sender")]
	if send == nil {
		http.Error(w, "no such sender", http.StatusNotFound)
		return
	}
	go send(ch)
	w.WriteHeader(http.StatusAccepted)
}
