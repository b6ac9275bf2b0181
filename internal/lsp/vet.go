package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// The analysis of a package is a go vet run with goroutinelint as the vet
// tool. go vet keys its build cache by content: the export data and the
// facts (vetx files) of every dependency are computed once, and a later run
// re-analyses only the packages whose files, or whose dependencies' files,
// changed. Unsaved buffers reach it through the go command's -overlay
// file, which the cache keys by content too.

// A vetDiagnostic is one diagnostic in go vet -json output.
type vetDiagnostic struct {
	Category       string       `json:"category"`
	Posn           string       `json:"posn"`
	End            string       `json:"end"`
	Message        string       `json:"message"`
	SuggestedFixes []vetFix     `json:"suggested_fixes"`
	Related        []vetRelated `json:"related"`
	pass           string       // the analyzer, from the enclosing object
}

// A vetFix is a suggested fix in go vet -json output.
type vetFix struct {
	Message string    `json:"message"`
	Edits   []vetEdit `json:"edits"`
}

// A vetEdit replaces the bytes [Start, End) of Filename with New.
type vetEdit struct {
	Filename string `json:"filename"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	New      string `json:"new"`
}

// A vetRelated is a related location in go vet -json output.
type vetRelated struct {
	Posn    string `json:"posn"`
	End     string `json:"end"`
	Message string `json:"message"`
}

// vetRun is one go vet invocation.
type vetRun struct {
	tool    string   // the vet tool binary
	dir     string   // the package directory, the go command's working directory
	overlay string   // the -overlay file, or ""
	flags   []string // vet flags: -tags and the passes' flags
}

// run runs go vet and returns its diagnostics. A package that does not
// build gives an error carrying go vet's message and no diagnostics.
func (r vetRun) run(ctx context.Context) ([]vetDiagnostic, error) {
	args := []string{"vet", "-vettool=" + r.tool, "-json"}
	if r.overlay != "" {
		args = append(args, "-overlay="+r.overlay)
	}
	args = append(args, r.flags...)
	args = append(args, ".")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = r.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	diags, perr := parseVetJSON(&stdout)
	if err != nil {
		return nil, fmt.Errorf("go vet: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return diags, perr
}

// parseVetJSON decodes the JSON objects go vet -json prints, one per
// package: package ID -> pass -> diagnostics, or {"error": ...} for a
// pass that failed.
func parseVetJSON(r io.Reader) ([]vetDiagnostic, error) {
	var out []vetDiagnostic
	var failures []string
	dec := json.NewDecoder(r)
	for {
		var tree map[string]map[string]json.RawMessage
		err := dec.Decode(&tree)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("reading go vet -json output: %v", err)
		}
		for pkg, byPass := range tree {
			for pass, raw := range byPass {
				var diags []vetDiagnostic
				if json.Unmarshal(raw, &diags) != nil {
					var failed struct {
						Error string `json:"error"`
					}
					json.Unmarshal(raw, &failed)
					failures = append(failures, fmt.Sprintf("%s on %s: %s", pass, pkg, failed.Error))
					continue
				}
				for _, d := range diags {
					d.pass = pass
					out = append(out, d)
				}
			}
		}
	}
	if len(failures) > 0 {
		return out, errors.New(strings.Join(failures, "; "))
	}
	return out, nil
}

// posnPattern splits go vet's "file:line:col" (the file may hold colons).
var posnPattern = regexp.MustCompile(`^(.*):(\d+):(\d+)$`)

// splitPosn returns the file, line and byte column of a "file:line:col".
func splitPosn(posn string) (file string, line, col int, ok bool) {
	m := posnPattern.FindStringSubmatch(posn)
	if m == nil {
		return "", 0, 0, false
	}
	line, _ = strconv.Atoi(m[2])
	col, _ = strconv.Atoi(m[3])
	return m[1], line, col, true
}

// writeOverlay writes the go command's -overlay file mapping each file
// to the file holding its unsaved contents.
func writeOverlay(name string, replace map[string]string) error {
	data, err := json.Marshal(struct{ Replace map[string]string }{replace})
	if err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o600)
}
