// Package jsonrpc2 speaks JSON-RPC 2.0 over the Language Server Protocol's
// base protocol: messages framed by a Content-Length header.
//
// It is small on purpose. x/tools' jsonrpc2 is internal, and golangci-lint
// merges this module's requirements into its own build, so the language
// server carries its own framing rather than a dependency. A Conn keeps
// messages as raw JSON so that a proxy can relay what it does not change
// byte for byte.
package jsonrpc2

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// maxMessage bounds the size of one message, so that a corrupt header
// cannot make the reader allocate without limit.
const maxMessage = 1 << 30

// ReadMessage reads one framed message from r and returns its body. Header
// names are case-insensitive; headers other than Content-Length (such as
// Content-Type) are ignored.
func ReadMessage(r *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if err == io.EOF && line == "" && length < 0 {
				return nil, io.EOF // a clean end between messages
			}
			return nil, fmt.Errorf("reading header: %w", unexpectedEOF(err))
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed header line %q", line)
		}
		if !strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			continue // Content-Type and unknown headers carry nothing we need
		}
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || n < 0 || n > maxMessage {
			return nil, fmt.Errorf("bad Content-Length %q", strings.TrimSpace(value))
		}
		length = n
	}
	if length < 0 {
		return nil, errors.New("message without Content-Length")
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("reading body: %w", unexpectedEOF(err))
	}
	return body, nil
}

// unexpectedEOF turns io.EOF inside a message into io.ErrUnexpectedEOF.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// WriteMessage writes body to w with its Content-Length header, in one Write.
func WriteMessage(w io.Writer, body []byte) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	_, err := w.Write(b.Bytes())
	return err
}

// A Message is a request (Method and ID), a notification (Method, no ID) or
// a response (ID, and Result or Error). ID, Params and Result stay raw.
type Message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *Error          `json:"error,omitempty"`
}

// IsRequest reports whether m is a request, which expects a response.
func (m *Message) IsRequest() bool { return m.Method != "" && len(m.ID) > 0 }

// IsNotification reports whether m is a notification.
func (m *Message) IsNotification() bool { return m.Method != "" && len(m.ID) == 0 }

// IsResponse reports whether m is a response.
func (m *Message) IsResponse() bool { return m.Method == "" && len(m.ID) > 0 }

// Decode parses a message body.
func Decode(body []byte) (*Message, error) {
	var m Message
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	if m.Method == "" && len(m.ID) == 0 {
		return nil, errors.New("neither a request, a notification nor a response")
	}
	return &m, nil
}

// Encode returns the JSON body of m. A response without an error always
// has a result, null if none was given, as JSON-RPC requires.
func Encode(m *Message) ([]byte, error) {
	m.JSONRPC = "2.0"
	if m.IsResponse() && m.Error == nil && len(m.Result) == 0 {
		m.Result = json.RawMessage("null")
	}
	return json.Marshal(m)
}

// An Error is a JSON-RPC error object.
type Error struct {
	Code    int64           `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("jsonrpc2 error %d: %s", e.Code, e.Message) }

// Error codes of JSON-RPC and of LSP.
const (
	CodeParseError           = -32700
	CodeInvalidRequest       = -32600
	CodeMethodNotFound       = -32601
	CodeInvalidParams        = -32602
	CodeInternalError        = -32603
	CodeServerNotInitialized = -32002
	CodeRequestCancelled     = -32800
)

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code int64, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// A Handler handles an incoming request or notification. For a request,
// its result (or error) becomes the response; for a notification both are
// ignored, except ErrStop, which ends Serve.
type Handler func(ctx context.Context, m *Message) (any, error)

// ErrStop, returned by a handler for a notification, makes Serve return
// nil after the notification: the LSP exit notification.
var ErrStop = errors.New("stop serving")

// A Conn is one end of a JSON-RPC stream: it reads from r and writes to w.
// Writes are serialised; Serve runs the read loop.
type Conn struct {
	r  *bufio.Reader
	w  io.Writer
	wm sync.Mutex

	idPrefix string

	mu      sync.Mutex
	seq     int64
	pending map[string]chan *Message      // our calls awaiting a response, by ID
	running map[string]context.CancelFunc // incoming requests being handled, by ID
}

// NewConn returns a Conn that reads r and writes w. The IDs of its own
// calls are strings starting with idPrefix, so that they can never equal
// the numeric IDs most peers use, nor another Conn's on the same stream.
func NewConn(r io.Reader, w io.Writer, idPrefix string) *Conn {
	return &Conn{
		r:        bufio.NewReader(r),
		w:        w,
		idPrefix: idPrefix,
		pending:  make(map[string]chan *Message),
		running:  make(map[string]context.CancelFunc),
	}
}

// Read reads the next message and returns it with its raw body.
func (c *Conn) Read() (*Message, []byte, error) {
	body, err := ReadMessage(c.r)
	if err != nil {
		return nil, nil, err
	}
	m, err := Decode(body)
	if err != nil {
		return nil, body, fmt.Errorf("%w: %s", err, truncate(body))
	}
	return m, body, nil
}

// truncate returns the start of body, for error messages.
func truncate(body []byte) []byte {
	if len(body) > 200 {
		return append(body[:200:200], "..."...)
	}
	return body
}

// WriteRaw writes an already encoded message body.
func (c *Conn) WriteRaw(body []byte) error {
	c.wm.Lock()
	defer c.wm.Unlock()
	return WriteMessage(c.w, body)
}

// Write encodes and writes m.
func (c *Conn) Write(m *Message) error {
	body, err := Encode(m)
	if err != nil {
		return err
	}
	return c.WriteRaw(body)
}

// Notify sends a notification.
func (c *Conn) Notify(method string, params any) error {
	raw, err := marshal(params)
	if err != nil {
		return err
	}
	return c.Write(&Message{Method: method, Params: raw})
}

// Reply sends the response to the request with the given ID: err if it is
// not nil (an *Error keeps its code, any other error is an internal
// error), else result.
func (c *Conn) Reply(id json.RawMessage, result any, err error) error {
	m := &Message{ID: id}
	if err != nil {
		var rpcErr *Error
		if !errors.As(err, &rpcErr) {
			rpcErr = &Error{Code: CodeInternalError, Message: err.Error()}
		}
		m.Error = rpcErr
	} else {
		raw, merr := marshal(result)
		if merr != nil {
			m.Error = &Error{Code: CodeInternalError, Message: merr.Error()}
		} else {
			m.Result = raw
		}
	}
	return c.Write(m)
}

// Call sends a request and waits for its response, or for ctx to end. The
// result is decoded into result unless result is nil.
func (c *Conn) Call(ctx context.Context, method string, params, result any) error {
	raw, err := marshal(params)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.seq++
	id, _ := json.Marshal(fmt.Sprintf("%s%d", c.idPrefix, c.seq))
	ch := make(chan *Message, 1)
	c.pending[string(id)] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, string(id))
		c.mu.Unlock()
	}()
	if err := c.Write(&Message{ID: id, Method: method, Params: raw}); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case resp := <-ch:
		if resp.Error != nil {
			return resp.Error
		}
		if result == nil || len(resp.Result) == 0 {
			return nil
		}
		return json.Unmarshal(resp.Result, result)
	}
}

// Deliver hands a response to the Call waiting for it and reports whether
// one was; a response to someone else's request is left to the caller.
func (c *Conn) Deliver(m *Message) bool {
	if !m.IsResponse() {
		return false
	}
	c.mu.Lock()
	ch, ok := c.pending[string(m.ID)]
	delete(c.pending, string(m.ID))
	c.mu.Unlock()
	if ok {
		ch <- m
	}
	return ok
}

// Serve reads messages until the stream ends, an exit handler returns
// ErrStop, or ctx ends. Responses go to waiting Calls. Notifications are
// handled in order on the reading goroutine, so a document change is
// applied before the next message is read. Requests are handled each on
// its own goroutine, which $/cancelRequest can cancel: a cancelled request
// that fails is answered with RequestCancelled.
func (c *Conn) Serve(ctx context.Context, h Handler) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		if ctx.Err() != nil {
			return nil
		}
		m, _, err := c.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if m == nil && !isDecodeError(err) {
				return err // the stream is broken
			}
			c.Write(&Message{ID: json.RawMessage("null"), Error: Errorf(CodeParseError, "%v", err)})
			continue
		}
		switch {
		case m.IsResponse():
			c.Deliver(m) // a response to nothing we asked is dropped
		case m.Method == "$/cancelRequest":
			c.cancel(m.Params)
		case m.IsNotification():
			if _, err := h(ctx, m); errors.Is(err, ErrStop) {
				return nil
			}
		default:
			rctx, cancel := context.WithCancel(ctx)
			c.mu.Lock()
			c.running[string(m.ID)] = cancel
			c.mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer cancel()
				result, err := h(rctx, m)
				c.mu.Lock()
				delete(c.running, string(m.ID))
				c.mu.Unlock()
				if err != nil && rctx.Err() != nil && ctx.Err() == nil {
					err = Errorf(CodeRequestCancelled, "request cancelled")
				}
				c.Reply(m.ID, result, err)
			}()
		}
	}
}

// isDecodeError reports whether err came from decoding a well-framed body.
func isDecodeError(err error) bool {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	return errors.As(err, &syntax) || errors.As(err, &typ) || strings.Contains(err.Error(), "neither a request")
}

// cancel cancels the running request named by $/cancelRequest's params.
func (c *Conn) cancel(params json.RawMessage) {
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(params, &p) != nil {
		return // malformed: nothing to cancel
	}
	c.mu.Lock()
	cancel := c.running[string(p.ID)]
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// marshal encodes v, leaving nil as no value.
func marshal(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return raw, nil
	}
	return json.Marshal(v)
}
