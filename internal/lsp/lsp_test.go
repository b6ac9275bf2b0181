package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/goroutinelint/goroutinelint/analyzer"
	"github.com/goroutinelint/goroutinelint/internal/jsonrpc2"
)

// The test binary plays two more roles, so that the proxy test needs no
// build: "fake-gopls" as its first argument makes it a scripted gopls,
// and vetToolEnv makes it goroutinelint's vet tool for go vet.
const vetToolEnv = "GOROUTINELINT_LSPTEST_VETTOOL"

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "fake-gopls" {
		fakeGopls()
		os.Exit(0)
	}
	if os.Getenv(vetToolEnv) != "" {
		unitchecker.Main(analyzer.All(analyzer.DefaultConfig())...)
	}
	os.Exit(m.Run())
}

// fakeGopls is a scripted gopls on stdio. It echoes what the proxy must
// have stripped (its initialization options, the configuration it pulls)
// so that the test can check it.
func fakeGopls() {
	conn := jsonrpc2.NewConn(os.Stdin, os.Stdout, "")
	conn.Serve(context.Background(), func(ctx context.Context, m *jsonrpc2.Message) (any, error) {
		switch m.Method {
		case "initialize":
			var p struct {
				InitializationOptions json.RawMessage `json:"initializationOptions"`
			}
			json.Unmarshal(m.Params, &p)
			return map[string]any{
				"capabilities": map[string]any{
					"positionEncoding":   "utf-16",
					"textDocumentSync":   2,
					"codeActionProvider": map[string]any{"codeActionKinds": []string{"refactor.rewrite"}, "resolveProvider": true},
					"hoverProvider":      true,
				},
				"serverInfo":      map[string]any{"name": "fake-gopls"},
				"receivedOptions": p.InitializationOptions,
			}, nil
		case "initialized":
			go func() {
				var config json.RawMessage
				conn.Call(context.Background(), "workspace/configuration", map[string]any{"items": []any{map[string]any{"section": "gopls"}}}, &config)
				conn.Notify("window/logMessage", map[string]any{"type": 4, "message": "config " + string(config)})
			}()
		case "textDocument/didOpen":
			var p DidOpenParams
			json.Unmarshal(m.Params, &p)
			conn.Notify("textDocument/publishDiagnostics", map[string]any{"uri": p.TextDocument.URI, "version": p.TextDocument.Version, "diagnostics": []any{
				map[string]any{"range": Range{}, "message": "fake gopls diagnostic", "source": "printf"},
			}})
		case "textDocument/hover":
			return map[string]any{"contents": "fake hover"}, nil
		case "textDocument/codeAction":
			return []any{map[string]any{"title": "gopls action", "kind": "refactor.rewrite", "data": map[string]any{"gopls": 1}}}, nil
		case "codeAction/resolve":
			return map[string]any{"title": "resolved by gopls"}, nil
		case "shutdown":
			return nil, nil
		case "exit":
			return nil, jsonrpc2.ErrStop
		}
		return nil, nil
	})
}

// leakyFixture leaks its goroutine when done is closed first.
const leakyFixture = `package leaky

// First returns work's error, or nil if done is closed first.
func First(done <-chan struct{}, work func() error) error {
	errc := make(chan error)
	go func() {
		errc <- work()
	}()
	select {
	case err := <-errc:
		return err
	case <-done:
		return nil
	}
}
`

// testClient is the editor's end of a connection.
type testClient struct {
	t    *testing.T
	w    io.Writer
	msgs chan *jsonrpc2.Message
	id   int
}

// newTestClient reads messages from r into a channel.
func newTestClient(t *testing.T, r io.Reader, w io.Writer) *testClient {
	c := &testClient{t: t, w: w, msgs: make(chan *jsonrpc2.Message, 100)}
	go func() {
		defer close(c.msgs)
		br := bufio.NewReader(r)
		for {
			body, err := jsonrpc2.ReadMessage(br)
			if err != nil {
				return
			}
			m, err := jsonrpc2.Decode(body)
			if err != nil {
				t.Errorf("invalid message %s: %v", body, err)
				return
			}
			c.msgs <- m
		}
	}()
	return c
}

// write sends a message.
func (c *testClient) write(m *jsonrpc2.Message) {
	c.t.Helper()
	body, err := jsonrpc2.Encode(m)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := jsonrpc2.WriteMessage(c.w, body); err != nil {
		c.t.Fatal(err)
	}
}

// notify sends a notification.
func (c *testClient) notify(method string, params any) {
	c.t.Helper()
	raw, _ := json.Marshal(params)
	c.write(&jsonrpc2.Message{Method: method, Params: raw})
}

// request sends a request and returns its ID.
func (c *testClient) request(method string, params any) json.RawMessage {
	c.t.Helper()
	c.id++
	raw, _ := json.Marshal(params)
	id := json.RawMessage(fmt.Sprint(c.id))
	c.write(&jsonrpc2.Message{ID: id, Method: method, Params: raw})
	return id
}

// call sends a request and waits for its result.
func (c *testClient) call(method string, params any) json.RawMessage {
	c.t.Helper()
	id := c.request(method, params)
	m := c.await("response to "+method, func(m *jsonrpc2.Message) bool { return m.IsResponse() && string(m.ID) == string(id) })
	if m.Error != nil {
		c.t.Fatalf("%s: %v", method, m.Error)
	}
	return m.Result
}

// await returns the first message for which match holds.
func (c *testClient) await(what string, match func(*jsonrpc2.Message) bool) *jsonrpc2.Message {
	c.t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				c.t.Fatalf("connection closed while waiting for %s", what)
			}
			if match(m) {
				return m
			}
		case <-timeout:
			c.t.Fatalf("no %s within a minute", what)
		}
	}
}

// TestProxy runs the proxy in front of a scripted gopls and checks that
// it relays gopls unchanged and adds ours: merged capabilities, settings
// stripped from initialization options and from gopls's configuration,
// its own requests' IDs, the union of diagnostics, code actions appended,
// resolve routed by data, hover relayed, and shutdown.
func TestProxy(t *testing.T) {
	t.Setenv(vetToolEnv, "1") // go vet runs this test binary as its vet tool
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "leaky", "leaky.go")
	os.MkdirAll(filepath.Dir(file), 0o755)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/proxy\n\ngo 1.26.0\n"), 0o644)
	os.WriteFile(file, []byte(leakyFixture), 0o644)
	uri := "file://" + filepath.ToSlash(file)

	toProxy, clientW := io.Pipe()
	clientR, fromProxy := io.Pipe()
	done := make(chan error, 1)
	opts := Options{VetTool: self, PassFlags: testPassFlags, Debounce: 10 * time.Millisecond, Log: func(msg string) { t.Log(msg) }}
	go func() {
		done <- Proxy(context.Background(), toProxy, fromProxy, os.Stderr, self, []string{"fake-gopls"}, opts)
	}()
	c := newTestClient(t, clientR, clientW)

	res := c.call("initialize", map[string]any{
		"capabilities":          map[string]any{"workspace": map[string]any{"configuration": true}},
		"initializationOptions": map[string]any{"other": 1, "goroutinelint": map[string]any{"unguardedsend": true}},
	})
	var init struct {
		Capabilities struct {
			CodeActionProvider struct {
				CodeActionKinds []string `json:"codeActionKinds"`
			} `json:"codeActionProvider"`
			TextDocumentSync struct {
				Change int             `json:"change"`
				Save   json.RawMessage `json:"save"`
			} `json:"textDocumentSync"`
			HoverProvider bool `json:"hoverProvider"`
		} `json:"capabilities"`
		ServerInfo      struct{ Name string } `json:"serverInfo"`
		ReceivedOptions json.RawMessage       `json:"receivedOptions"`
	}
	if err := json.Unmarshal(res, &init); err != nil {
		t.Fatal(err)
	}
	caps := init.Capabilities
	if strings.Join(caps.CodeActionProvider.CodeActionKinds, ",") != "refactor.rewrite,quickfix" || caps.TextDocumentSync.Change != 2 ||
		len(caps.TextDocumentSync.Save) == 0 || !caps.HoverProvider || init.ServerInfo.Name != "fake-gopls" {
		t.Errorf("merged initialize result %s", res)
	}
	if string(init.ReceivedOptions) != `{"other":1}` {
		t.Errorf("gopls received initializationOptions %s, want ours stripped", init.ReceivedOptions)
	}

	// Both gopls and the proxy ask for configuration; each gets its answer,
	// and gopls echoes the one it received. gopls may echo before the
	// proxy's request arrives (seen on a loaded machine), so the three
	// messages are awaited together, in any order.
	c.notify("initialized", map[string]any{})
	var echo *jsonrpc2.Message
	for asked := 0; asked < 2 || echo == nil; {
		m := c.await("a workspace/configuration request or gopls's configuration echo", func(m *jsonrpc2.Message) bool {
			return m.Method == "workspace/configuration" || m.Method == "window/logMessage" && strings.Contains(string(m.Params), "config ")
		})
		switch {
		case m.Method == "window/logMessage":
			echo = m
		case strings.HasPrefix(string(m.ID), `"`+idPrefix):
			asked++
			c.write(&jsonrpc2.Message{ID: m.ID, Result: json.RawMessage(`[null]`)})
		default:
			asked++
			c.write(&jsonrpc2.Message{ID: m.ID, Result: json.RawMessage(`[{"goroutinelint":{"noexit":false},"staticcheck":true}]`)})
		}
	}
	if !strings.Contains(string(echo.Params), `config [{\"staticcheck\":true}]`) {
		t.Errorf("gopls received configuration %s, want ours stripped", echo.Params)
	}

	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "go", "version": 1, "text": leakyFixture}})
	var ours Diagnostic
	c.await("the union of diagnostics", func(m *jsonrpc2.Message) bool {
		if m.Method != "textDocument/publishDiagnostics" {
			return false
		}
		var p struct {
			URI         string       `json:"uri"`
			Diagnostics []Diagnostic `json:"diagnostics"`
		}
		json.Unmarshal(m.Params, &p)
		if p.URI != uri || len(p.Diagnostics) != 2 {
			return false
		}
		if p.Diagnostics[0].Message != "fake gopls diagnostic" || p.Diagnostics[1].Code != "unguardedsend" {
			t.Errorf("union %s: want gopls's diagnostic, then ours", m.Params)
		}
		ours = p.Diagnostics[1]
		return true
	})

	if res := c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": Position{}}); !strings.Contains(string(res), "fake hover") {
		t.Errorf("hover %s, want gopls's", res)
	}

	res = c.call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri}, "range": ours.Range, "context": map[string]any{"diagnostics": []any{}}})
	var actions []json.RawMessage
	json.Unmarshal(res, &actions)
	if len(actions) != 2 || !strings.Contains(string(actions[0]), "gopls action") || !strings.Contains(string(actions[1]), `"kind":"quickfix"`) {
		t.Fatalf("code actions %s: want gopls's, then our quick fix", res)
	}
	if res := c.call("codeAction/resolve", actions[1]); string(res) != string(actions[1]) {
		t.Errorf("resolving our action gave %s, want it unchanged", res)
	}
	if res := c.call("codeAction/resolve", actions[0]); !strings.Contains(string(res), "resolved by gopls") {
		t.Errorf("resolving gopls's action gave %s, want gopls's answer", res)
	}

	c.call("shutdown", nil)
	c.notify("exit", nil)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("proxy: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Error("proxy did not return after exit")
	}
}

// testPassFlags is a small stand-in for the command's flag set.
func testPassFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("settings", flag.ContinueOnError)
	for _, name := range []string{"clienttimeout", "noexit", "unguardedsend"} {
		fs.Bool(name, true, "")
	}
	fs.String("clienttimeout.fix-timeout", "30s", "")
	return fs
}
