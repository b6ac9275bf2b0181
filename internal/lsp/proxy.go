package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goroutinelint/goroutinelint/internal/jsonrpc2"
)

// A proxy stands between an editor and gopls. It relays every message both
// ways unchanged, except:
//
//   - initialize: our settings key is stripped from initializationOptions,
//     and gopls's capabilities are merged with ours (quick fixes, save
//     notifications); its positionEncoding is the one both sides use;
//   - publishDiagnostics: each side's latest set per URI is kept and the
//     union published when either changes;
//   - textDocument/codeAction responses: our quick fixes are appended;
//   - codeAction/resolve: ours (marked by their data) are answered here;
//   - settings: our key is stripped from didChangeConfiguration and from
//     the client's answers to gopls's workspace/configuration requests;
//   - our own requests to the client have string IDs with a prefix of our
//     own, and their responses stay here.
type proxy struct {
	client *jsonrpc2.Conn
	gopls  *jsonrpc2.Conn
	engine *engine

	// exitSent is set before the editor's exit goes to gopls, so that
	// gopls closing its output afterwards is the end it was asked for.
	exitSent atomic.Bool

	mu             sync.Mutex
	initID         string                              // the initialize request's ID
	pullConfig     bool                                // the client answers workspace/configuration
	codeActions    map[string]CodeActionParams         // the client's pending codeAction requests, by ID
	goplsRequests  map[string]string                   // gopls's pending requests to the client: ID -> method
	goplsDiags     map[string]PublishDiagnosticsParams // gopls's latest diagnostics, by URI
	ourDiags       map[string][]json.RawMessage        // ours, by URI
	unionPublished map[string]bool                     // URIs whose last publication included ours
}

// goplsExitWait is how long the proxy waits for gopls to exit after the
// exit notification before killing it.
const goplsExitWait = 5 * time.Second

// Proxy runs gopls (path, with args) and relays between it and the editor
// on r and w until the editor sends exit or closes the stream, or gopls
// exits. gopls's stderr goes to stderr.
func Proxy(ctx context.Context, r io.Reader, w io.Writer, stderr io.Writer, path string, args []string, opts Options) error {
	cmd := exec.Command(path, args...)
	cmd.Stderr = stderr
	toGopls, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	fromGopls, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting gopls: %v", err)
	}
	p := &proxy{
		client:         jsonrpc2.NewConn(r, w, idPrefix),
		gopls:          jsonrpc2.NewConn(fromGopls, toGopls, idPrefix),
		codeActions:    make(map[string]CodeActionParams),
		goplsRequests:  make(map[string]string),
		goplsDiags:     make(map[string]PublishDiagnosticsParams),
		ourDiags:       make(map[string][]json.RawMessage),
		unionPublished: make(map[string]bool),
	}
	logf := opts.Log
	opts.Log = func(msg string) {
		p.client.Notify("window/logMessage", map[string]any{"type": 3, "message": msg})
		if logf != nil {
			logf(msg)
		}
	}
	p.engine, err = newEngine(opts, p.publishOurs)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return err
	}
	defer p.engine.close()

	goplsDone := make(chan error, 1)
	go func() { goplsDone <- p.fromGopls() }()
	clientDone := make(chan error, 1)
	go func() { clientDone <- p.fromClient() }()

	select {
	case err = <-clientDone:
		// The editor sent exit or went away: gopls follows.
		toGopls.Close()
		select {
		case <-goplsDone:
		case <-time.After(goplsExitWait):
			cmd.Process.Kill()
		}
	case err = <-goplsDone:
		if err == nil && !p.exitSent.Load() {
			err = errors.New("gopls closed its output")
		}
	case <-ctx.Done():
		err = ctx.Err()
	}
	cmd.Process.Kill() // a no-op once it has exited
	cmd.Wait()
	return err
}

// fromClient relays the editor's messages to gopls until exit or the end of
// the stream.
func (p *proxy) fromClient() error {
	for {
		m, body, err := p.client.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if body == nil {
				return err // the stream is broken
			}
			p.gopls.WriteRaw(body) // not ours to judge: gopls answers it
			continue
		}
		switch {
		case m.IsResponse():
			if p.client.Deliver(m) {
				continue // the answer to our own request
			}
			body = p.clientResponse(m, body)
		case m.Method == "initialize":
			body = p.initialize(m, body)
		case m.Method == "initialized":
			if p.pullConfig {
				go pullSettings(p.client, p.engine)
			}
		case m.Method == "workspace/didChangeConfiguration":
			body = p.didChangeConfiguration(m, body)
		case m.Method == "textDocument/didOpen":
			var params DidOpenParams
			if json.Unmarshal(m.Params, &params) == nil {
				p.engine.didOpen(params)
			}
		case m.Method == "textDocument/didChange":
			var params DidChangeParams
			if json.Unmarshal(m.Params, &params) == nil {
				p.engine.didChange(params)
			}
		case m.Method == "textDocument/didSave":
			var params DidSaveParams
			if json.Unmarshal(m.Params, &params) == nil {
				p.engine.didSave(params)
			}
		case m.Method == "textDocument/didClose":
			var params DidCloseParams
			if json.Unmarshal(m.Params, &params) == nil {
				p.engine.didClose(params)
			}
		case m.Method == "textDocument/codeAction" && m.IsRequest():
			var params CodeActionParams
			if json.Unmarshal(m.Params, &params) == nil {
				p.mu.Lock()
				p.codeActions[string(m.ID)] = params
				p.mu.Unlock()
			}
		case m.Method == "codeAction/resolve" && m.IsRequest():
			var action CodeAction
			if json.Unmarshal(m.Params, &action) == nil && isOurs(action.Data) {
				p.client.Reply(m.ID, m.Params, nil) // ours carry their edits already
				continue
			}
		}
		if m.Method == "exit" {
			p.exitSent.Store(true)
		}
		if err := p.gopls.WriteRaw(body); err != nil {
			return fmt.Errorf("writing to gopls: %v", err)
		}
		if m.Method == "exit" {
			return nil
		}
	}
}

// fromGopls relays gopls's messages to the editor until gopls's output ends.
func (p *proxy) fromGopls() error {
	for {
		m, body, err := p.gopls.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if body == nil {
				return err
			}
			p.client.WriteRaw(body)
			continue
		}
		switch {
		case m.IsResponse():
			body = p.goplsResponse(m, body)
		case m.IsRequest():
			p.mu.Lock()
			p.goplsRequests[string(m.ID)] = m.Method
			p.mu.Unlock()
		case m.Method == "textDocument/publishDiagnostics":
			if p.goplsPublished(m, body) {
				continue // published as a union
			}
		}
		if err := p.client.WriteRaw(body); err != nil {
			return fmt.Errorf("writing to the editor: %v", err)
		}
	}
}

// initialize records what the proxy needs from the initialize request and
// strips our settings from it.
func (p *proxy) initialize(m *jsonrpc2.Message, body []byte) []byte {
	var params InitializeParams
	json.Unmarshal(m.Params, &params)
	p.mu.Lock()
	p.initID = string(m.ID)
	p.pullConfig = params.Capabilities.Workspace.Configuration
	p.mu.Unlock()
	rest, ours := extractSettings(params.InitializationOptions)
	if ours == nil {
		return body
	}
	p.engine.configure(ours)
	return replaceField(m, body, "params", "initializationOptions", rest)
}

// didChangeConfiguration applies and strips our settings, which may sit at
// the top of the settings or inside gopls's section.
func (p *proxy) didChangeConfiguration(m *jsonrpc2.Message, body []byte) []byte {
	var params struct {
		Settings json.RawMessage `json:"settings"`
	}
	if json.Unmarshal(m.Params, &params) != nil {
		return body
	}
	rest, ours := extractSettings(params.Settings)
	if ours == nil {
		var sections map[string]json.RawMessage
		if json.Unmarshal(params.Settings, &sections) != nil || sections["gopls"] == nil {
			return body // not ours
		}
		goplsRest, goplsOurs := extractSettings(sections["gopls"])
		if goplsOurs == nil {
			return body // not ours
		}
		ours = goplsOurs
		sections["gopls"] = goplsRest
		rest, _ = json.Marshal(sections)
	}
	p.engine.configure(ours)
	return replaceField(m, body, "params", "settings", rest)
}

// clientResponse handles the editor's answer to a request of gopls: our
// settings are taken out of the answer to workspace/configuration.
func (p *proxy) clientResponse(m *jsonrpc2.Message, body []byte) []byte {
	p.mu.Lock()
	method := p.goplsRequests[string(m.ID)]
	delete(p.goplsRequests, string(m.ID))
	p.mu.Unlock()
	if method != "workspace/configuration" || m.Error != nil {
		return body
	}
	var items []json.RawMessage
	if json.Unmarshal(m.Result, &items) != nil {
		return body
	}
	changed := false
	for i, item := range items {
		rest, ours := extractSettings(item)
		if ours == nil {
			continue // no settings of ours in this section
		}
		p.engine.configure(ours)
		items[i] = rest
		changed = true
	}
	if !changed {
		return body
	}
	m.Result, _ = json.Marshal(items)
	return encode(m, body)
}

// goplsResponse merges our part into gopls's answers to initialize and
// codeAction requests.
func (p *proxy) goplsResponse(m *jsonrpc2.Message, body []byte) []byte {
	id := string(m.ID)
	p.mu.Lock()
	isInit := id == p.initID
	params, isAction := p.codeActions[id]
	delete(p.codeActions, id)
	p.mu.Unlock()
	if m.Error != nil {
		return body
	}
	switch {
	case isInit:
		result, enc := mergeCapabilities(m.Result)
		p.engine.setEncoding(enc)
		m.Result = result
		return encode(m, body)
	case isAction:
		ours := p.engine.codeActions(params)
		if len(ours) == 0 {
			return body
		}
		var actions []json.RawMessage
		json.Unmarshal(m.Result, &actions) // null stays empty
		for _, a := range ours {
			raw, _ := json.Marshal(a)
			actions = append(actions, raw)
		}
		m.Result, _ = json.Marshal(actions)
		return encode(m, body)
	}
	return body
}

// mergeCapabilities adds what our part needs to gopls's initialize result
// and returns it with the negotiated position encoding.
func mergeCapabilities(result json.RawMessage) (json.RawMessage, string) {
	var res map[string]json.RawMessage
	if json.Unmarshal(result, &res) != nil || res == nil {
		return result, encUTF16
	}
	var caps map[string]json.RawMessage
	if json.Unmarshal(res["capabilities"], &caps) != nil || caps == nil {
		caps = make(map[string]json.RawMessage)
	}
	enc := encUTF16
	json.Unmarshal(caps["positionEncoding"], &enc)

	// Code actions: gopls announces them; make sure quick fixes are among
	// the kinds it lists.
	var provider map[string]json.RawMessage
	switch raw := caps["codeActionProvider"]; {
	case json.Unmarshal(raw, &provider) == nil && provider != nil:
		var kinds []string
		if json.Unmarshal(provider["codeActionKinds"], &kinds) == nil && kinds != nil && !contains(kinds, kindQuickFix) {
			provider["codeActionKinds"], _ = json.Marshal(append(kinds, kindQuickFix))
			caps["codeActionProvider"], _ = json.Marshal(provider)
		}
	case string(raw) != "true":
		caps["codeActionProvider"] = json.RawMessage(`{"codeActionKinds":["quickfix"]}`)
	}

	// Document sync: we need open, change and save notifications.
	var sync map[string]json.RawMessage
	var kind int
	switch raw := caps["textDocumentSync"]; {
	case json.Unmarshal(raw, &sync) == nil && sync != nil:
		if _, ok := sync["save"]; !ok || string(sync["save"]) == "false" {
			sync["save"] = json.RawMessage(`{"includeText":false}`)
		}
		if string(sync["openClose"]) != "true" {
			sync["openClose"] = json.RawMessage("true")
		}
		if c, ok := sync["change"]; !ok || string(c) == "0" {
			sync["change"] = json.RawMessage("2")
		}
		caps["textDocumentSync"], _ = json.Marshal(sync)
	case json.Unmarshal(raw, &kind) == nil && kind > 0:
		caps["textDocumentSync"], _ = json.Marshal(map[string]any{"openClose": true, "change": kind, "save": map[string]any{"includeText": false}})
	default:
		caps["textDocumentSync"] = json.RawMessage(`{"openClose":true,"change":2,"save":{"includeText":false}}`)
	}
	res["capabilities"], _ = json.Marshal(caps)
	out, err := json.Marshal(res)
	if err != nil {
		return result, enc
	}
	return out, enc
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// goplsPublished records gopls's diagnostics for a URI and reports whether
// it published them as a union with ours; if not (we have none there and
// have published none), the caller relays gopls's message unchanged.
func (p *proxy) goplsPublished(m *jsonrpc2.Message, body []byte) bool {
	var params PublishDiagnosticsParams
	if json.Unmarshal(m.Params, &params) != nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.goplsDiags[params.URI] = params
	if len(p.ourDiags[params.URI]) == 0 && !p.unionPublished[params.URI] {
		return false
	}
	p.publishUnion(params.URI)
	return true
}

// publishOurs is the engine's publish hook.
func (p *proxy) publishOurs(uri string, diags []Diagnostic) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var raw []json.RawMessage
	for _, d := range diags {
		b, _ := json.Marshal(d)
		raw = append(raw, b)
	}
	p.ourDiags[uri] = raw
	p.publishUnion(uri)
}

// publishUnion (with mu held) publishes gopls's and our diagnostics for
// uri. The version is gopls's when we have nothing to add; ours come from
// an analysis of some version, so a union carries none.
func (p *proxy) publishUnion(uri string) {
	g := p.goplsDiags[uri]
	ours := p.ourDiags[uri]
	params := PublishDiagnosticsParams{URI: uri, Diagnostics: []json.RawMessage{}}
	params.Diagnostics = append(params.Diagnostics, g.Diagnostics...)
	params.Diagnostics = append(params.Diagnostics, ours...)
	if len(ours) == 0 {
		params.Version = g.Version
	}
	p.unionPublished[uri] = len(ours) > 0
	p.client.Notify("textDocument/publishDiagnostics", params)
}

// replaceField returns body with m's params (or result) field key set to
// value; null removes it.
func replaceField(m *jsonrpc2.Message, body []byte, field, key string, value json.RawMessage) []byte {
	raw := m.Params
	if field == "result" {
		raw = m.Result
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return body
	}
	if len(value) == 0 || string(value) == "null" {
		delete(obj, key)
	} else {
		obj[key] = value
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return body
	}
	if field == "result" {
		m.Result = out
	} else {
		m.Params = out
	}
	return encode(m, body)
}

// encode re-encodes a changed message, falling back to the original body.
func encode(m *jsonrpc2.Message, body []byte) []byte {
	out, err := jsonrpc2.Encode(m)
	if err != nil {
		return body
	}
	return out
}
