package integration

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// editorFixture copies the editor fixture module and puts a freshly built
// goroutinelint first on PATH, as the README's efm-langserver setup expects.
func editorFixture(t *testing.T) (dir string, env []string) {
	t.Helper()
	for _, tool := range []string{"efm-langserver", "nvim"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (.ci/run installs it: apt-get install efm-langserver neovim)", tool)
		}
	}
	bin := buildTool(t)
	dir = copyDir(t, filepath.Join("testdata", "editor"))
	if err := os.WriteFile(filepath.Join(dir, "efm.yaml"), []byte(readmeBlock(t, "efm.yaml", "yaml")), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, []string{"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"), "GOFLAGS=-mod=mod", "GOWORK=off"}
}

// editorDiag is one diagnostic as the editor shows it, 1-based.
type editorDiag struct {
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

// wantLeaky are the findings on integration/testdata/editor/leaky/leaky.go.
var wantLeaky = []editorDiag{
	{11, 13, "http.Client has no Timeout: a request to an unresponsive server blocks forever"},
	{17, 9, "http.Get uses http.DefaultClient, which has no Timeout: a request to an unresponsive server blocks forever"},
	// The related lines that follow this finding in goroutinelint's
	// output (goroutine started here, returns here) are not diagnostics.
	{25, 8, "send on errc may block forever: the receiver returns on ctx.Done without receiving"},
}

// TestNeovimEfm starts headless Neovim with efm-langserver attached, opens
// and saves a leaky and a fixed file, and checks vim.diagnostic.get().
func TestNeovimEfm(t *testing.T) {
	requireHeavy(t)
	dir, env := editorFixture(t)
	result := filepath.Join(t.TempDir(), "result.json")
	env = append(env, "EDITOR_FIXTURE="+dir, "EDITOR_RESULT="+result)
	out, code := run(t, dir, env, "nvim", "--headless", "--clean", "-u", "NONE", "-c", "luafile check.lua")
	data, err := os.ReadFile(result)
	if err != nil {
		t.Fatalf("nvim wrote no result (exit %d): %v\n%s", code, err, out)
	}
	var got map[string]struct {
		Published   bool         `json:"published"`
		Diagnostics []editorDiag `json:"diagnostics"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
	leaky, fixed := got["leaky/leaky.go"], got["fixed/fixed.go"]
	if !leaky.Published || !slices.Equal(leaky.Diagnostics, wantLeaky) {
		t.Errorf("leaky file: published=%v diagnostics %+v, want %+v", leaky.Published, leaky.Diagnostics, wantLeaky)
	}
	if !fixed.Published || len(fixed.Diagnostics) != 0 {
		t.Errorf("fixed file: published=%v diagnostics %+v, want published and none", fixed.Published, fixed.Diagnostics)
	}
}

// TestEfmLSPExchange speaks LSP to efm-langserver over stdio, with no
// editor: initialize, didOpen and didSave each file, and read the
// publishDiagnostics notifications.
func TestEfmLSPExchange(t *testing.T) {
	requireHeavy(t)
	dir, env := editorFixture(t)
	cmd := exec.Command("efm-langserver", "-c", filepath.Join(dir, "efm.yaml"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lsp := &lspConn{w: stdin, r: bufio.NewReader(stdout), t: t}

	rootURI := "file://" + dir
	lsp.call(1, "initialize", map[string]any{"processId": os.Getpid(), "rootUri": rootURI, "capabilities": map[string]any{}})
	lsp.notify("initialized", map[string]any{})
	for _, tt := range []struct {
		rel  string
		want []editorDiag
	}{{"leaky/leaky.go", wantLeaky}, {"fixed/fixed.go", nil}} {
		uri := rootURI + "/" + tt.rel
		text, err := os.ReadFile(filepath.Join(dir, tt.rel))
		if err != nil {
			t.Fatal(err)
		}
		lsp.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "go", "version": 1, "text": string(text)}})
		lsp.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": uri}})
		got := lsp.diagnosticsFor(uri, len(tt.want) > 0, 2*time.Minute)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: diagnostics %+v, want %+v", tt.rel, got, tt.want)
		}
		t.Logf("%s: %d diagnostics", tt.rel, len(got))
	}
	// efm-langserver exits on shutdown without always answering it, so
	// the exit notification may meet a closed pipe: only the exit counts.
	lsp.write(map[string]any{"id": 2, "method": "shutdown"})
	lsp.write(map[string]any{"method": "exit"})
	stdin.Close()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		t.Error("efm-langserver did not exit after shutdown and exit")
	}
}

// lspConn frames JSON-RPC messages over a language server's stdio.
type lspConn struct {
	w io.Writer
	r *bufio.Reader
	t *testing.T
}

func (c *lspConn) send(msg map[string]any) {
	if err := c.write(msg); err != nil {
		c.t.Fatal(err)
	}
}

// write frames and writes one message.
func (c *lspConn) write(msg map[string]any) error {
	msg["jsonrpc"] = "2.0"
	body, _ := json.Marshal(msg)
	_, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return err
}

func (c *lspConn) notify(method string, params any) {
	c.send(map[string]any{"method": method, "params": params})
}

// call sends a request and reads until its response.
func (c *lspConn) call(id int, method string, params any) {
	c.send(map[string]any{"id": id, "method": method, "params": params})
	for {
		msg := c.read()
		if v, ok := msg["id"].(float64); ok && int(v) == id && msg["method"] == nil {
			return
		}
	}
}

// read reads one message.
func (c *lspConn) read() map[string]any {
	length := 0
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			c.t.Fatalf("reading from efm-langserver: %v", err)
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			length, _ = strconv.Atoi(v)
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(c.r, body); err != nil {
		c.t.Fatal(err)
	}
	var msg map[string]any
	if err := json.Unmarshal(body, &msg); err != nil {
		c.t.Fatalf("%v: %s", err, body)
	}
	return msg
}

// diagnosticsFor reads notifications until efm publishes diagnostics for
// uri (non-empty ones when nonEmpty, since it may first publish an empty set
// while the linter runs) and returns them 1-based.
func (c *lspConn) diagnosticsFor(uri string, nonEmpty bool, timeout time.Duration) []editorDiag {
	deadline := time.AfterFunc(timeout, func() { c.t.Errorf("no diagnostics for %s within %v", uri, timeout) })
	defer deadline.Stop()
	for {
		msg := c.read()
		if msg["method"] != "textDocument/publishDiagnostics" {
			continue
		}
		var params struct {
			URI         string `json:"uri"`
			Diagnostics []struct {
				Range struct {
					Start struct{ Line, Character int } `json:"start"`
				} `json:"range"`
				Message string `json:"message"`
			} `json:"diagnostics"`
		}
		raw, _ := json.Marshal(msg["params"])
		if err := json.Unmarshal(raw, &params); err != nil || params.URI != uri {
			continue
		}
		var out []editorDiag
		for _, d := range params.Diagnostics {
			out = append(out, editorDiag{d.Range.Start.Line + 1, d.Range.Start.Character + 1, d.Message})
		}
		if nonEmpty && len(out) == 0 {
			continue
		}
		return out
	}
}
