package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// catalog is the price, in cents, of every item the batch handlers know.
var catalog = map[string]int{"apple": 120, "bread": 250, "cheese": 780}

// errUnknownItem is a batch line for an item the catalog does not have.
var errUnknownItem = errors.New("unknown item")

// priceOf looks item up in the catalog.
func priceOf(item string) (int, error) {
	p, ok := catalog[item]
	if !ok {
		return 0, fmt.Errorf("%w: %q", errUnknownItem, item)
	}
	return p, nil
}

// writeBatch writes the price of each item, or its error.
func writeBatch(w http.ResponseWriter, items []string, prices []int, errs []error) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	var b strings.Builder
	for i, item := range items {
		if errs[i] != nil {
			fmt.Fprintf(&b, "%s: %v\n", item, errs[i])
			continue
		}
		fmt.Fprintf(&b, "%s: %d\n", item, prices[i])
	}
	_, _ = w.Write([]byte(b.String()))
}

// handleBatchLeaky prices every item of the request, one goroutine per
// item, and waits for them all.
//
// Leak: a worker that meets an unknown item records the error and returns
// before wg.Done, so the count never reaches zero and wg.Wait blocks the
// handler forever. The client gives up at its deadline; the goroutine
// serving the request does not. Every request with an unknown item strands
// it.
func (s *Server) handleBatchLeaky(w http.ResponseWriter, r *http.Request) {
	items := r.URL.Query()["item"]
	prices := make([]int, len(items))
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, item := range items {
		wg.Add(1)
		go func() {
			p, err := priceOf(item)
			if err != nil {
				errs[i] = err
				return
			}
			prices[i] = p
			wg.Done()
		}()
	}
	wg.Wait() // want `Server.handleBatchLeaky may never return: it waits on wg, and the goroutines that could call Done can return without doing so`
	writeBatch(w, items, prices, errs)
}

// handleBatchFixed is handleBatchLeaky without the leak.
//
// Fixed: each worker defers wg.Done as its first statement, so Done runs on
// every path out of it, the error path included.
func (s *Server) handleBatchFixed(w http.ResponseWriter, r *http.Request) {
	items := r.URL.Query()["item"]
	prices := make([]int, len(items))
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, item := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := priceOf(item)
			if err != nil {
				errs[i] = err
				return
			}
			prices[i] = p
		}()
	}
	wg.Wait()
	writeBatch(w, items, prices, errs)
}
