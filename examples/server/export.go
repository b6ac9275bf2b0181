package server

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

// A rowStore holds the rows the export handlers stream.
type rowStore interface {
	// Row returns the row id, or an error; ctx bounds the lookup.
	Row(ctx context.Context, id string) (string, error)
}

// upstreamRows is the rowStore of a Server: the upstream API.
type upstreamRows struct {
	client *http.Client
	url    string // base URL, without a trailing slash
}

// Row gets /row/id from the upstream API.
func (u upstreamRows) Row(ctx context.Context, id string) (string, error) {
	res := fetchQuote(ctx, u.client, u.url+"/row/"+id)
	return string(res.body), res.err
}

// exportRow is one row handed from an export's producer to its handler.
type exportRow struct {
	id, line string
	err      error
}

// writeRow writes r as one line of an export.
func writeRow(w http.ResponseWriter, r exportRow) {
	if r.err != nil {
		fmt.Fprintf(w, "%s: error: %v\n", r.id, r.err)
		return
	}
	fmt.Fprintf(w, "%s: %s\n", r.id, r.line)
}

// handleExportLeaky streams the rows the request names, looked up by a
// producer goroutine, and adds the rows sent to Server.rowsCut when the
// client goes away first.
//
// Leak: the producer holds mu, which guards the count of rows sent, from
// the lookup until its row is sent. When the request ends during a lookup,
// the handler stops receiving and waits to lock mu to read the count; the
// producer's lookup ends (it is not bound to the request: the upstream
// answers, or the client's Timeout passes), and it blocks on the send with
// mu held: neither can go on. Every such request strands both goroutines.
func (s *Server) handleExportLeaky(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ids := r.URL.Query()["item"]
	var mu sync.Mutex
	sent := 0
	rows := make(chan exportRow)
	go func() {
		defer close(rows)
		for _, id := range ids {
			mu.Lock()
			line, err := s.rows.Row(context.Background(), id)
			rows <- exportRow{id: id, line: line, err: err} // want `send on rows may block forever`
			sent++
			mu.Unlock()
		}
	}()
	for {
		select {
		case row, ok := <-rows:
			if !ok {
				return
			}
			writeRow(w, row)
		case <-ctx.Done():
			mu.Lock() // want `Server.handleExportLeaky may never return: it waits to lock mu, and the goroutine holding it can block forever sending on rows`
			s.rowsCut.Add(int64(sent))
			mu.Unlock()
			return
		}
	}
}

// handleExportFixed is handleExportLeaky without the leak.
//
// Fixed: the producer holds mu only to count a row sent, never across a
// wait; its lookups are bound to the request, and it sends in a select with
// ctx.Done, so it returns when the request ends.
func (s *Server) handleExportFixed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ids := r.URL.Query()["item"]
	var mu sync.Mutex
	sent := 0
	rows := make(chan exportRow)
	go func() {
		defer close(rows)
		for _, id := range ids {
			line, err := s.rows.Row(ctx, id)
			select {
			case rows <- exportRow{id: id, line: line, err: err}:
			case <-ctx.Done():
				return
			}
			mu.Lock()
			sent++
			mu.Unlock()
		}
	}()
	for {
		select {
		case row, ok := <-rows:
			if !ok {
				return
			}
			writeRow(w, row)
		case <-ctx.Done():
			mu.Lock()
			s.rowsCut.Add(int64(sent))
			mu.Unlock()
			return
		}
	}
}
