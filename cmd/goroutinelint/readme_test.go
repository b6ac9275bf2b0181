package main

import (
	"bufio"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// README blocks that show the tool's output carry a marker on the line
// before their opening fence:
//
//	<!-- output: goroutinelint ./examples/... -->   the whole output of that run, exactly
//	<!-- output excerpt -->                          findings of a run, each with its related lines
//
// An excerpt's lines under examples/ come from `goroutinelint
// ./examples/...` at the repository root; lines under src/ come from a run
// in testdata, as a GOPATH tree, on the fixture packages they name.
const (
	markerExamples = "<!-- output: goroutinelint ./examples/... -->"
	markerExcerpt  = "<!-- output excerpt -->"
)

// A readmeBlock is a marked block of the README.
type readmeBlock struct {
	line   int // of the marker
	marker string
	lines  []string
}

// readmeBlocks returns the README's marked blocks.
func readmeBlocks(t *testing.T, name string) []readmeBlock {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks  []readmeBlock
		cur     *readmeBlock
		pending string // a marker waiting for its fence
		n       int
		start   int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, line)
		case line == markerExamples || line == markerExcerpt:
			pending, start = line, n
		case pending != "" && strings.HasPrefix(line, "```"):
			cur = &readmeBlock{line: start, marker: pending}
			pending = ""
		case pending != "" && strings.TrimSpace(line) != "":
			t.Errorf("README.md:%d: marker not followed by a code block", start)
			pending = ""
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}

// groups splits output lines into findings, each with its related lines
// (indented by a tab).
func groups(lines []string) [][]string {
	var out [][]string
	for _, line := range lines {
		if strings.HasPrefix(line, "\t") && len(out) > 0 {
			out[len(out)-1] = append(out[len(out)-1], line)
			continue
		}
		out = append(out, []string{line})
	}
	return out
}

// TestREADMEOutput checks every output block of the README against the
// binary's real output: the quick start's block is the whole output on
// ./examples/..., and every finding an excerpt shows, related lines
// included, is printed as shown.
func TestREADMEOutput(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeBlocks(t, filepath.Join(root, "README.md"))
	var fixturePkgs []string
	for _, b := range blocks {
		for _, line := range b.lines {
			file, _, _ := strings.Cut(strings.TrimPrefix(line, "\t"), ":")
			if dir, ok := strings.CutPrefix(path.Dir(file), "src/"); ok && !slices.Contains(fixturePkgs, dir) {
				fixturePkgs = append(fixturePkgs, dir)
			}
		}
	}
	if !slices.ContainsFunc(blocks, func(b readmeBlock) bool { return b.marker == markerExamples }) {
		t.Fatalf("README.md has no block marked %s", markerExamples)
	}

	// The examples run as README's quick start runs it: offline, in the
	// repository's module.
	examples := execEnv(t, root, []string{"GOFLAGS=-mod=readonly"}, bin, "./examples/...")
	if examples.code != 1 {
		t.Fatalf("goroutinelint ./examples/...: exit code %d, want 1\n%s", examples.code, examples.stderr)
	}
	var fixtures result
	if len(fixturePkgs) > 0 {
		gopath := filepath.Join(root, "testdata")
		fixtures = execEnv(t, gopath, []string{"GOPATH=" + gopath, "GO111MODULE=off", "GOFLAGS="}, bin, fixturePkgs...)
		if fixtures.code != 1 {
			t.Fatalf("goroutinelint %s in testdata: exit code %d, want 1\n%s", strings.Join(fixturePkgs, " "), fixtures.code, fixtures.stderr)
		}
	}

	for _, b := range blocks {
		switch b.marker {
		case markerExamples:
			if got := lines(examples.stderr); !slices.Equal(got, b.lines) {
				t.Errorf("README.md:%d: the block differs from the output of goroutinelint ./examples/...:\n%s\nwant (the real output):\n%s",
					b.line, strings.Join(b.lines, "\n"), examples.stderr)
			}
		case markerExcerpt:
			for _, g := range groups(b.lines) {
				out := examples.stderr
				if strings.HasPrefix(g[0], "src/") {
					out = fixtures.stderr
				}
				if !slices.ContainsFunc(groups(lines(out)), func(real []string) bool { return slices.Equal(real, g) }) {
					t.Errorf("README.md:%d: no finding printed as:\n%s\nthe run printed:\n%s", b.line, strings.Join(g, "\n"), out)
				}
			}
		}
	}
}
