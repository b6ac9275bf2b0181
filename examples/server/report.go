package server

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
)

// reportBufs holds the buffers reports are rendered into.
var reportBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// A stopper gives a request's buffer back to the pool once the request is
// done: its goroutine waits on stopc, a struct field, until Stop closes it.
type stopper struct {
	stopc chan struct{}
	buf   *bytes.Buffer
}

// newStopper takes a buffer from the pool for one request.
func newStopper() *stopper {
	return &stopper{stopc: make(chan struct{}), buf: reportBufs.Get().(*bytes.Buffer)}
}

// wait runs in its own goroutine: it returns the buffer when stopped.
func (st *stopper) wait() {
	<-st.stopc
	st.buf.Reset()
	reportBufs.Put(st.buf)
}

// Stop ends wait.
func (st *stopper) Stop() { close(st.stopc) }

// handleReportLeaky renders a report. A request without an id returns
// before Stop, so its stopper's goroutine waits on stopc forever and pins
// the buffer.
func (s *Server) handleReportLeaky(w http.ResponseWriter, r *http.Request) {
	st := newStopper()
	go st.wait() // want `goroutine started here may never exit, leaking one per call to Server.handleReportLeaky: it waits to receive from st.stopc, and Server.handleReportLeaky can return without sending on or closing it`
	id := r.URL.Query().Get("id")
	if id == "" {
		http.Error(w, "missing id", http.StatusBadRequest)
		return
	}
	defer st.Stop()
	fmt.Fprintf(st.buf, "report %s\n", id)
	w.Write(st.buf.Bytes())
}

// handleReportFixed stops the stopper on every path.
func (s *Server) handleReportFixed(w http.ResponseWriter, r *http.Request) {
	st := newStopper()
	go st.wait()
	defer st.Stop()
	id := r.URL.Query().Get("id")
	if id == "" {
		http.Error(w, "missing id", http.StatusBadRequest)
		return
	}
	fmt.Fprintf(st.buf, "report %s\n", id)
	w.Write(st.buf.Bytes())
}
