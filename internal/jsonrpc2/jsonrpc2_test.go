package jsonrpc2

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestReadMessage(t *testing.T) {
	t.Parallel()
	in := "Content-Length: 2\r\n\r\n{}" +
		"content-length: 7\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[1,2,3]" +
		"Content-Length:4\n\n\"é\""
	r := bufio.NewReader(strings.NewReader(in))
	for _, want := range []string{"{}", "[1,2,3]", `"é"`} {
		body, err := ReadMessage(r)
		if err != nil || string(body) != want {
			t.Fatalf("ReadMessage = %q, %v; want %q", body, err, want)
		}
	}
	if _, err := ReadMessage(r); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
	for _, bad := range []string{
		"Content-Length: 5\r\n\r\n{}",            // body cut short
		"Content-Length: x\r\n\r\n{}",            // not a number
		"Content-Type: a\r\n\r\n{}",              // no length
		"Content-Length: -1\r\n\r\n",             // negative
		"Content-Length: 2\r\nnocolon\r\n\r\n{}", // malformed header
	} {
		if _, err := ReadMessage(bufio.NewReader(strings.NewReader(bad))); err == nil || err == io.EOF {
			t.Errorf("ReadMessage(%q) = %v, want an error", bad, err)
		}
	}
}

func TestWriteRead(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	body := []byte(`{"jsonrpc":"2.0","method":"x","params":"ü"}`)
	if err := WriteMessage(&b, body); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "Content-Length: 44\r\n\r\n") {
		t.Errorf("header %q: want the length in bytes", b.String())
	}
	got, err := ReadMessage(bufio.NewReader(&b))
	if err != nil || !bytes.Equal(got, body) {
		t.Errorf("round trip: %q, %v", got, err)
	}
}

func TestKinds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		body                   string
		request, notify, reply bool
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"m"}`, true, false, false},
		{`{"jsonrpc":"2.0","id":"a","method":"m","params":{}}`, true, false, false},
		{`{"jsonrpc":"2.0","method":"m"}`, false, true, false},
		{`{"jsonrpc":"2.0","id":1,"result":null}`, false, false, true},
		{`{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no"}}`, false, false, true},
	} {
		m, err := Decode([]byte(tt.body))
		if err != nil {
			t.Fatalf("%s: %v", tt.body, err)
		}
		if m.IsRequest() != tt.request || m.IsNotification() != tt.notify || m.IsResponse() != tt.reply {
			t.Errorf("%s: request %v notification %v response %v", tt.body, m.IsRequest(), m.IsNotification(), m.IsResponse())
		}
	}
	if _, err := Decode([]byte(`{"jsonrpc":"2.0"}`)); err == nil {
		t.Error("Decode accepted a message that is neither kind")
	}
	// A response with a null result keeps it: JSON-RPC requires result or error.
	out, _ := Encode(&Message{ID: json.RawMessage("3")})
	if string(out) != `{"jsonrpc":"2.0","id":3,"result":null}` {
		t.Errorf("Encode = %s", out)
	}
}

// pipePair returns two Conns talking to each other.
func pipePair() (*Conn, *Conn) {
	ar, bw := io.Pipe()
	br, aw := io.Pipe()
	return NewConn(ar, aw, "a-"), NewConn(br, bw, "b-")
}

// TestServeCall checks calls both ways, notifications in order, errors,
// and cancellation of a running request.
func TestServeCall(t *testing.T) {
	t.Parallel()
	a, b := pipePair()
	var notes []string
	started := make(chan struct{})
	go b.Serve(context.Background(), func(ctx context.Context, m *Message) (any, error) {
		switch m.Method {
		case "note":
			notes = append(notes, string(m.Params))
		case "echo":
			return m.Params, nil
		case "count":
			return len(notes), nil
		case "fail":
			return nil, Errorf(CodeInvalidParams, "bad")
		case "block":
			close(started)
			<-ctx.Done()
			return nil, ctx.Err()
		case "ask":
			var v string
			err := b.Call(ctx, "whoami", nil, &v)
			return v, err
		}
		return nil, Errorf(CodeMethodNotFound, "%s", m.Method)
	})
	go a.Serve(context.Background(), func(ctx context.Context, m *Message) (any, error) {
		if m.Method == "whoami" {
			return "a", nil
		}
		return nil, nil
	})
	ctx := context.Background()
	var s string
	if err := a.Call(ctx, "echo", "hi", &s); err != nil || s != "hi" {
		t.Errorf("echo: %q, %v", s, err)
	}
	for _, n := range []string{"1", "2", "3"} {
		a.Notify("note", n)
	}
	var n int
	if err := a.Call(ctx, "count", nil, &n); err != nil || n != 3 {
		t.Errorf("count after three notifications: %d, %v", n, err)
	}
	var rpcErr *Error
	if err := a.Call(ctx, "fail", nil, nil); !errors.As(err, &rpcErr) || rpcErr.Code != CodeInvalidParams {
		t.Errorf("fail: %v, want code %d", err, CodeInvalidParams)
	}
	if err := a.Call(ctx, "ask", nil, &s); err != nil || s != "a" {
		t.Errorf("a call back from inside a handler: %q, %v", s, err)
	}
	// Cancel the blocking request by its ID: a's fifth call is "a-5".
	errc := make(chan error, 1)
	go func() { errc <- a.Call(ctx, "block", nil, nil) }()
	<-started
	a.Notify("$/cancelRequest", map[string]any{"id": "a-5"})
	select {
	case err := <-errc:
		if !errors.As(err, &rpcErr) || rpcErr.Code != CodeRequestCancelled {
			t.Errorf("cancelled request: %v, want code %d", err, CodeRequestCancelled)
		}
	case <-time.After(10 * time.Second):
		t.Error("$/cancelRequest did not cancel the request")
	}
}
