package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goroutinelint/goroutinelint/internal/jsonrpc2"
)

// lspFixture is a package whose only channel is buffered: sending on
// résultat cannot block. Removing ", 1" makes the send leak when done is
// closed first. The channel's name is not ASCII, so UTF-16 columns differ from
// byte columns on the lines that name it.
const lspFixture = `package leaky

// First returns work's error, or nil if done is closed first.
func First(done <-chan struct{}, work func() error) error {
	résultat := make(chan error, 1)
	go func() {
		résultat <- work()
	}()
	select {
	case err := <-résultat:
		return err
	case <-done:
		return nil
	}
}
`

// lspMessage is what the test reads of a server message.
type lspMessage struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *jsonrpc2.Error `json:"error"`
}

// lspClient drives a language server over its stdio.
type lspClient struct {
	t      testing.TB
	w      io.Writer
	msgs   chan lspMessage
	nextID int
}

// startLSP starts the binary with args in dir and returns a client for it
// and the running command.
func startLSP(t *testing.T, dir string, args ...string) (*lspClient, *exec.Cmd) {
	t.Helper()
	return startServer(t, binary(t), cleanEnv(t), dir, args...)
}

// startServer starts bin with args in dir and env and returns a client for
// it and the running command.
func startServer(t testing.TB, bin string, env []string, dir string, args ...string) (*lspClient, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stderr = &testLog{t}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c := &lspClient{t: t, w: stdin, msgs: make(chan lspMessage, 100)}
	go func() {
		defer close(c.msgs)
		r := bufio.NewReader(stdout)
		for {
			body, err := jsonrpc2.ReadMessage(r)
			if err != nil {
				return
			}
			var m lspMessage
			if err := json.Unmarshal(body, &m); err != nil {
				t.Errorf("server sent invalid JSON: %v: %s", err, body)
				return
			}
			c.msgs <- m
		}
	}()
	return c, cmd
}

// testLog writes a server's stderr to the test log.
type testLog struct{ t testing.TB }

// Write implements io.Writer.
func (l *testLog) Write(p []byte) (int, error) {
	l.t.Logf("server: %s", strings.TrimSpace(string(p)))
	return len(p), nil
}

// send writes one message.
func (c *lspClient) send(msg map[string]any) {
	c.t.Helper()
	msg["jsonrpc"] = "2.0"
	body, err := json.Marshal(msg)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := jsonrpc2.WriteMessage(c.w, body); err != nil {
		c.t.Fatal(err)
	}
}

// notify sends a notification.
func (c *lspClient) notify(method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"method": method, "params": params})
}

// call sends a request and returns its result, answering the server's
// requests meanwhile with null.
func (c *lspClient) call(method string, params any) json.RawMessage {
	c.t.Helper()
	c.nextID++
	id := c.nextID
	c.send(map[string]any{"id": id, "method": method, "params": params})
	m := c.await(fmt.Sprintf("response to %s", method), func(m lspMessage) bool { return string(m.ID) == fmt.Sprint(id) && m.Method == "" })
	if m.Error != nil {
		c.t.Fatalf("%s: %v", method, m.Error)
	}
	return m.Result
}

// await returns the first message for which match holds, failing the test
// after a minute.
func (c *lspClient) await(what string, match func(lspMessage) bool) lspMessage {
	c.t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				c.t.Fatalf("server closed its output while waiting for %s", what)
			}
			if m.Method != "" && len(m.ID) > 0 {
				c.send(map[string]any{"id": m.ID, "result": nil}) // a request of the server
			}
			if match(m) {
				return m
			}
		case <-timeout:
			c.t.Fatalf("no %s within a minute", what)
		}
	}
}

// testDiagnostic is what the test checks of a diagnostic.
type testDiagnostic struct {
	Range struct {
		Start struct{ Line, Character int } `json:"start"`
		End   struct{ Line, Character int } `json:"end"`
	} `json:"range"`
	Message            string            `json:"message"`
	Source             string            `json:"source"`
	Code               string            `json:"code"`
	RelatedInformation []json.RawMessage `json:"relatedInformation"`
}

// diagnostics waits for the next publication for uri and returns it.
func (c *lspClient) diagnostics(uri string) []testDiagnostic {
	c.t.Helper()
	m := c.await("diagnostics for "+uri, func(m lspMessage) bool {
		return m.Method == "textDocument/publishDiagnostics" && strings.Contains(string(m.Params), fmt.Sprintf("%q", uri))
	})
	var p struct {
		Diagnostics []testDiagnostic `json:"diagnostics"`
	}
	if err := json.Unmarshal(m.Params, &p); err != nil {
		c.t.Fatal(err)
	}
	return p.Diagnostics
}

// lspModule writes a module holding the fixture and returns its directory
// and the fixture file's path.
func lspModule(t testing.TB) (string, string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "leaky", "leaky.go")
	os.MkdirAll(filepath.Dir(file), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/lsp\n\ngo 1.26.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(lspFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, file
}

// TestLSPExchange speaks LSP to "goroutinelint lsp" over pipes: initialize,
// didOpen of a clean file, a didChange (no save) that makes the send leak
// in the unsaved buffer, a setting that turns the check off and on, the
// quick fix through codeAction, a second didChange that applies it, then
// shutdown and exit.
func TestLSPExchange(t *testing.T) {
	t.Parallel()
	dir, file := lspModule(t)
	c, cmd := startLSP(t, dir, "lsp", "-debounce=20ms")
	uri := "file://" + filepath.ToSlash(file)

	var init struct {
		Capabilities struct {
			PositionEncoding   string `json:"positionEncoding"`
			CodeActionProvider struct {
				CodeActionKinds []string `json:"codeActionKinds"`
			} `json:"codeActionProvider"`
		} `json:"capabilities"`
	}
	res := c.call("initialize", map[string]any{
		"processId": os.Getpid(), "rootUri": "file://" + filepath.ToSlash(dir),
		"capabilities": map[string]any{"general": map[string]any{"positionEncodings": []string{"utf-16"}}},
	})
	if err := json.Unmarshal(res, &init); err != nil {
		t.Fatal(err)
	}
	if init.Capabilities.PositionEncoding != "utf-16" || strings.Join(init.Capabilities.CodeActionProvider.CodeActionKinds, ",") != "quickfix" {
		t.Errorf("initialize result %s: want utf-16 positions and quick fixes", res)
	}
	c.notify("initialized", map[string]any{})

	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "go", "version": 1, "text": lspFixture}})
	if d := c.diagnostics(uri); len(d) != 0 {
		t.Fatalf("clean file: diagnostics %+v, want none", d)
	}

	// Line 5 (zero-based 4) is "\trésultat := make(chan error, 1)"; ", 1"
	// starts at UTF-16 character 28 (byte offset 29 in the line).
	const makeLine, bufStart, bufEnd = 4, 28, 31
	change := func(version int, start, end int, text string) {
		c.notify("textDocument/didChange", map[string]any{
			"textDocument": map[string]any{"uri": uri, "version": version},
			"contentChanges": []any{map[string]any{
				"range": map[string]any{"start": map[string]int{"line": makeLine, "character": start}, "end": map[string]int{"line": makeLine, "character": end}},
				"text":  text,
			}},
		})
	}
	change(2, bufStart, bufEnd, "")
	diags := c.diagnostics(uri)
	if len(diags) != 1 {
		t.Fatalf("unsaved leaky buffer: diagnostics %+v, want one", diags)
	}
	d := diags[0]
	// "\t\trésultat <- work()": the arrow is at UTF-16 character 11 (byte 12).
	if d.Range.Start.Line != 6 || d.Range.Start.Character != 11 || d.Source != "goroutinelint" || d.Code != "unguardedsend" ||
		!strings.HasPrefix(d.Message, "send on résultat may block forever") || len(d.RelatedInformation) != 2 {
		t.Errorf("diagnostic %+v: want unguardedsend's at 6:11 with two related locations", d)
	}
	if data, _ := os.ReadFile(file); string(data) != lspFixture {
		t.Error("the file on disk changed; the change was to be analysed unsaved")
	}

	// Settings named like the flags: -unguardedsend=false silences the
	// finding, and back to the defaults brings it back.
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"goroutinelint": map[string]any{"unguardedsend": false}}})
	if d := c.diagnostics(uri); len(d) != 0 {
		t.Errorf("with unguardedsend off: diagnostics %+v, want none", d)
	}
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"goroutinelint": map[string]any{}}})
	if d := c.diagnostics(uri); len(d) != 1 {
		t.Fatalf("with the default settings again: diagnostics %+v, want one", d)
	}

	res = c.call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"range":        d.Range,
		"context":      map[string]any{"diagnostics": []any{}},
	})
	var actions []struct {
		Title string `json:"title"`
		Kind  string `json:"kind"`
		Edit  struct {
			Changes map[string][]struct {
				Range struct {
					Start struct{ Line, Character int } `json:"start"`
					End   struct{ Line, Character int } `json:"end"`
				} `json:"range"`
				NewText string `json:"newText"`
			} `json:"changes"`
		} `json:"edit"`
	}
	if err := json.Unmarshal(res, &actions); err != nil {
		t.Fatal(err)
	}
	if len(actions) != 1 || actions[0].Kind != "quickfix" || len(actions[0].Edit.Changes[uri]) != 1 {
		t.Fatalf("code actions %s: want one quick fix editing %s", res, uri)
	}
	edit := actions[0].Edit.Changes[uri][0]
	if edit.Range.Start.Line != makeLine || edit.Range.Start.Character != bufStart || edit.Range.End != edit.Range.Start || edit.NewText != ", 1" {
		t.Fatalf("fix %+v: want \", 1\" inserted at %d:%d", edit, makeLine, bufStart)
	}
	change(3, edit.Range.Start.Character, edit.Range.End.Character, edit.NewText)
	if d := c.diagnostics(uri); len(d) != 0 {
		t.Errorf("after the quick fix: diagnostics %+v, want none", d)
	}

	if res := c.call("shutdown", nil); string(res) != "null" {
		t.Errorf("shutdown result %s, want null", res)
	}
	c.notify("exit", nil)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("server exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("server did not exit after shutdown and exit")
	}
}

func TestGoplsServes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args  string
		serve bool
	}{
		{"", true},
		{"-mode=stdio", true},
		{"-mode=stdio -rpc.trace -logfile /tmp/x", true},
		{"serve -rpc.trace", true},
		{"serve -listen=:1", false},
		{"-listen=:1", false},
		{"-v serve", true},
		{"version -json", false},
		{"-remote auto version", false},
		{"check a.go", false},
		{"-- version", false},
	} {
		if got := goplsServes(strings.Fields(tt.args)); got != tt.serve {
			t.Errorf("goplsServes(%q) = %v, want %v", tt.args, got, tt.serve)
		}
	}
	if !isGoplsName("/x/bin/gopls") || !isGoplsName(`gopls.exe`) || isGoplsName("/x/gopls-real") {
		t.Error("isGoplsName: want gopls and gopls.exe only")
	}
}

// TestAsGopls invokes the binary as VS Code's Go extension invokes the
// server named in go.alternateTools, under the name gopls: "version -json"
// runs the real gopls (here a script) with the same arguments, and
// "-mode=stdio" with the extension's flags starts the proxy in front of
// it (the script serves LSP by running "goroutinelint lsp").
func TestAsGopls(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	gopls := filepath.Join(dir, "gopls")
	if err := os.Symlink(bin, gopls); err != nil {
		t.Fatal(err)
	}
	argsFile := filepath.Join(dir, "args")
	script := filepath.Join(dir, "real-gopls")
	err := os.WriteFile(script, []byte(`#!/bin/sh
echo "$@" >> `+argsFile+`
if [ "$1" = version ]; then echo '{"GoVersion":"go1.26","Version":"v0.23.0"}'; exit 0; fi
exec `+bin+` lsp
`), 0o755)
	if err != nil {
		t.Fatal(err)
	}
	env := []string{goplsEnv + "=" + script}
	r := execEnv(t, dir, env, gopls, "version", "-json")
	if r.code != 0 || !strings.Contains(r.stdout, `"Version":"v0.23.0"`) {
		t.Errorf("gopls version -json: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	cmd := exec.Command(gopls, "-mode=stdio", "-rpc.trace")
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(t), env...)
	cmd.Stderr = &testLog{t}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	c := &lspClient{t: t, w: stdin, msgs: make(chan lspMessage, 100)}
	go func() {
		defer close(c.msgs)
		br := bufio.NewReader(stdout)
		for {
			body, err := jsonrpc2.ReadMessage(br)
			if err != nil {
				return
			}
			var m lspMessage
			json.Unmarshal(body, &m)
			c.msgs <- m
		}
	}()
	res := c.call("initialize", map[string]any{"processId": os.Getpid(), "capabilities": map[string]any{}})
	if !strings.Contains(string(res), `"quickfix"`) || !strings.Contains(string(res), `"name":"goroutinelint"`) {
		t.Errorf("initialize through the proxy: %s", res)
	}
	c.call("shutdown", nil)
	c.notify("exit", nil)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("proxy exit: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Error("the proxy did not exit after shutdown and exit")
	}
	if got := readFile(t, argsFile); got != "version -json\n-mode=stdio -rpc.trace\n" {
		t.Errorf("the real gopls got arguments %q, want the extension's, unchanged", got)
	}
}

// BenchmarkLSPSave measures what the user waits for after saving: from an
// edited-and-saved file (didChange, then didSave) to its findings
// published, once the first analysis is done. Iterations alternate the
// leaky and the fixed version of the fixture, so each publishes a change.
// The fixture imports nothing, or net/http (186 packages in its import
// graph, whose facts go vet's cache supplies but whose graph the go command
// loads on every run). The target is 2 s on the project's machines.
func BenchmarkLSPSave(b *testing.B) {
	bin, err := buildOnce()
	if err != nil {
		b.Fatal(err)
	}
	withHTTP := strings.Replace(lspFixture, "package leaky\n", "package leaky\n\nimport \"net/http\"\n\n// Method is there for the import.\nconst Method = http.MethodGet\n", 1)
	for _, bm := range []struct{ name, fixed string }{{"noimports", lspFixture}, {"nethttp", withHTTP}} {
		b.Run(bm.name, func(b *testing.B) { benchmarkSave(b, bin, bm.fixed) })
	}
}

// benchmarkSave runs BenchmarkLSPSave on one fixture.
func benchmarkSave(b *testing.B, bin, fixed string) {
	dir, file := lspModule(b)
	if err := os.WriteFile(file, []byte(fixed), 0o644); err != nil {
		b.Fatal(err)
	}
	c, _ := startServer(b, bin, os.Environ(), dir, "lsp")
	uri := "file://" + filepath.ToSlash(file)
	c.call("initialize", map[string]any{"processId": os.Getpid(), "capabilities": map[string]any{}})
	c.notify("initialized", map[string]any{})
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "go", "version": 1, "text": fixed}})
	c.diagnostics(uri) // the first analysis
	leaky := strings.Replace(fixed, "make(chan error, 1)", "make(chan error)", 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		text, want := leaky, 1
		if i%2 == 1 {
			text, want = fixed, 0
		}
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": i + 2},
			"contentChanges": []any{map[string]any{"text": text}},
		})
		c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": uri}})
		for len(c.diagnostics(uri)) != want {
			// a publication from before the save: wait for the next
		}
	}
}
