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
//	<!-- output: golden FILE -->                     the whole output a golden file records
//	<!-- output excerpt: golden FILE -->             findings a golden file records
//
// Golden files are the outputs other tests check (the profile joins, which
// need saved profiles); FILE is relative to the repository's root and its
// first line, the exit code, is not shown.
//
// An excerpt's lines under examples/ come from `goroutinelint
// ./examples/...` at the repository root; lines under src/ come from a run
// in testdata, as a GOPATH tree, on the fixture packages they name.
const (
	markerExamples = "<!-- output: goroutinelint ./examples/... -->"
	markerExcerpt  = "<!-- output excerpt -->"
	// markers naming a golden file: prefix, file, markerEnd
	markerGolden        = "<!-- output: golden "
	markerGoldenExcerpt = "<!-- output excerpt: golden "
	markerEnd           = " -->"
)

// A readmeBlock is a marked block of the README.
type readmeBlock struct {
	line   int // of the marker
	marker string
	golden string // the golden file a golden marker names
	lines  []string
}

// goldenMarker returns the marker kind and file of a golden marker line.
func goldenMarker(line string) (marker, file string, ok bool) {
	for _, m := range []string{markerGolden, markerGoldenExcerpt} {
		if rest, ok := strings.CutPrefix(line, m); ok {
			if file, ok := strings.CutSuffix(rest, markerEnd); ok && file != "" {
				return m, file, true
			}
		}
	}
	return "", "", false
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
		golden  string // the pending marker's golden file
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
			pending, golden, start = line, "", n
		case strings.HasPrefix(line, "<!-- output"):
			m, file, ok := goldenMarker(line)
			if !ok {
				t.Errorf("README.md:%d: unknown output marker %q", n, line)
				continue
			}
			pending, golden, start = m, file, n
		case pending != "" && strings.HasPrefix(line, "```"):
			cur = &readmeBlock{line: start, marker: pending, golden: golden}
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
		case markerGolden, markerGoldenExcerpt:
			checkGoldenBlock(t, root, b)
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

// checkGoldenBlock checks a block marked with a golden file against the
// file's recorded output: all of it, or each finding the excerpt shows.
func checkGoldenBlock(t *testing.T, root string, b readmeBlock) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(b.golden)))
	if err != nil {
		t.Errorf("README.md:%d: %v", b.line, err)
		return
	}
	recorded := lines(string(data))
	if len(recorded) > 0 && strings.HasPrefix(recorded[0], "exit ") {
		recorded = recorded[1:]
	}
	if b.marker == markerGolden {
		if !slices.Equal(recorded, b.lines) {
			t.Errorf("README.md:%d: the block differs from %s:\n%s\nwant:\n%s",
				b.line, b.golden, strings.Join(b.lines, "\n"), strings.Join(recorded, "\n"))
		}
		return
	}
	for _, g := range groups(b.lines) {
		if !slices.ContainsFunc(groups(recorded), func(real []string) bool { return slices.Equal(real, g) }) {
			t.Errorf("README.md:%d: %s records no finding as:\n%s", b.line, b.golden, strings.Join(g, "\n"))
		}
	}
}
