// Package lsp is goroutinelint's language server: it analyses the packages
// of the Go files an editor opens, changes and saves, publishes the
// findings as diagnostics and offers their suggested fixes as quick-fix
// code actions.
//
// It runs in two modes. Serve is a server of its own, beside gopls, for
// editors that attach several servers to a buffer. Proxy stands in front
// of gopls for editors that run one Go server: it relays every message
// between the editor and gopls and adds goroutinelint's diagnostics and
// code actions to gopls's.
package lsp

import (
	"context"
	"encoding/json"
	"io"
	"runtime/debug"

	"github.com/goroutinelint/goroutinelint/internal/jsonrpc2"
)

// idPrefix starts the IDs of the requests this server sends to the
// client: strings, which cannot collide with gopls's numeric IDs.
const idPrefix = "goroutinelint-"

// A server is the diagnostics-only language server.
type server struct {
	conn   *jsonrpc2.Conn
	engine *engine

	pullConfig bool // the client answers workspace/configuration
}

// Serve runs the language server on r and w until the client sends exit
// or closes the stream.
func Serve(ctx context.Context, r io.Reader, w io.Writer, opts Options) error {
	s := &server{conn: jsonrpc2.NewConn(r, w, idPrefix)}
	logf := opts.Log
	opts.Log = func(msg string) {
		s.conn.Notify("window/logMessage", map[string]any{"type": 3, "message": msg})
		if logf != nil {
			logf(msg)
		}
	}
	e, err := newEngine(opts, func(uri string, diags []Diagnostic) {
		s.conn.Notify("textDocument/publishDiagnostics", publishParams(uri, diags))
	})
	if err != nil {
		return err
	}
	s.engine = e
	defer e.close()
	return s.conn.Serve(ctx, s.handle)
}

// publishParams returns publishDiagnostics params for our diagnostics.
func publishParams(uri string, diags []Diagnostic) PublishDiagnosticsParams {
	p := PublishDiagnosticsParams{URI: uri, Diagnostics: []json.RawMessage{}}
	for _, d := range diags {
		raw, _ := json.Marshal(d)
		p.Diagnostics = append(p.Diagnostics, raw)
	}
	return p
}

// handle handles one request or notification.
func (s *server) handle(ctx context.Context, m *jsonrpc2.Message) (any, error) {
	switch m.Method {
	case "initialize":
		var p InitializeParams
		if err := json.Unmarshal(m.Params, &p); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.CodeInvalidParams, "%v", err)
		}
		enc := chooseEncoding(p.Capabilities.General.PositionEncodings)
		s.engine.setEncoding(enc)
		s.pullConfig = p.Capabilities.Workspace.Configuration
		s.engine.configure(p.InitializationOptions)
		return initializeResult(enc), nil
	case "initialized":
		if s.pullConfig {
			go pullSettings(s.conn, s.engine)
		}
	case "workspace/didChangeConfiguration":
		var p struct {
			Settings json.RawMessage `json:"settings"`
		}
		json.Unmarshal(m.Params, &p)
		if hasSettings(p.Settings) || !s.pullConfig {
			s.engine.configure(p.Settings)
		} else {
			go pullSettings(s.conn, s.engine) // the change signals a pull
		}
	case "textDocument/didOpen":
		notify(m.Params, s.engine.didOpen)
	case "textDocument/didChange":
		notify(m.Params, s.engine.didChange)
	case "textDocument/didSave":
		notify(m.Params, s.engine.didSave)
	case "textDocument/didClose":
		notify(m.Params, s.engine.didClose)
	case "textDocument/codeAction":
		var p CodeActionParams
		if err := json.Unmarshal(m.Params, &p); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.CodeInvalidParams, "%v", err)
		}
		return nonNil(s.engine.codeActions(p)), nil
	case "codeAction/resolve":
		// Our actions carry their edits already: resolving returns them.
		return m.Params, nil
	case "shutdown":
		return nil, nil
	case "exit":
		return nil, jsonrpc2.ErrStop
	default:
		if m.IsRequest() {
			return nil, jsonrpc2.Errorf(jsonrpc2.CodeMethodNotFound, "%s is not supported", m.Method)
		}
	}
	return nil, nil
}

// nonNil returns actions, or an empty list rather than null.
func nonNil(actions []CodeAction) []CodeAction {
	if actions == nil {
		return []CodeAction{}
	}
	return actions
}

// initializeResult returns the server's capabilities: full-text sync would
// be simpler, but incremental keeps large files cheap to edit.
func initializeResult(enc string) map[string]any {
	return map[string]any{
		"capabilities": map[string]any{
			"positionEncoding": enc,
			"textDocumentSync": map[string]any{
				"openClose": true,
				"change":    2, // incremental
				"save":      map[string]any{"includeText": false},
			},
			"codeActionProvider": map[string]any{
				"codeActionKinds": []string{kindQuickFix},
				"resolveProvider": true,
			},
		},
		"serverInfo": map[string]any{"name": "goroutinelint", "version": version()},
	}
}

// version returns the module version the binary was built from.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// hasSettings reports whether a didChangeConfiguration's settings hold
// anything (clients that pull send null or {}).
func hasSettings(raw json.RawMessage) bool {
	s := string(raw)
	return s != "" && s != "null" && s != "{}"
}

// pullSettings asks the client for the "goroutinelint" section of its
// configuration and applies it if there is one.
func pullSettings(conn *jsonrpc2.Conn, e *engine) {
	var result []json.RawMessage
	err := conn.Call(context.Background(), "workspace/configuration",
		map[string]any{"items": []map[string]any{{"section": settingsKey}}}, &result)
	if err != nil || len(result) == 0 || !hasSettings(result[0]) {
		return // nothing configured there
	}
	e.configure(result[0])
}

// notify decodes a notification's parameters and hands them to handle. A
// notification gets no answer, so parameters that do not decode are dropped,
// as the protocol lets a server do.
func notify[P any](params json.RawMessage, handle func(P)) {
	var p P
	if json.Unmarshal(params, &p) == nil {
		handle(p)
	}
}
