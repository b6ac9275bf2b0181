package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/goroutinelint/goroutinelint/internal/lsp"
)

// goplsEnv names the real gopls when the binary runs under the name gopls.
const goplsEnv = "GOROUTINELINT_GOPLS"

// runLSP implements "goroutinelint lsp [-gopls=path] [gopls args...]": the
// language server on stdin and stdout, beside gopls or, with -gopls, in
// front of it.
func runLSP(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(progName+" lsp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	gopls := fs.String("gopls", "", "run in front of the gopls at `path`, passing it the remaining arguments")
	debounce := fs.Duration("debounce", 250*time.Millisecond, "analyze a changed buffer once it has been quiet this long")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s lsp [-gopls=path [gopls arguments...]]\n\nFlags:\n", progName)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitClean
		}
		return exitError
	}
	if *gopls == "" && fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s lsp: unexpected arguments %q (gopls arguments need -gopls)\n", progName, fs.Args())
		return exitError
	}
	return serveLSP(*gopls, fs.Args(), *debounce, stdin, stdout, stderr)
}

// serveLSP runs the server, or the proxy in front of gopls if gopls is set.
func serveLSP(gopls string, goplsArgs []string, debounce time.Duration, stdin io.Reader, stdout, stderr io.Writer) int {
	tool, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "%s lsp: %v\n", progName, err)
		return exitError
	}
	opts := lsp.Options{
		VetTool:   tool,
		PassFlags: passFlagSet,
		URLs:      make(map[string]string),
		Debounce:  debounce,
		Log:       func(msg string) { fmt.Fprintln(stderr, msg) },
	}
	for _, a := range newCommand(io.Discard, io.Discard, "").analyzers {
		opts.URLs[a.Name] = a.URL
	}
	ctx := context.Background()
	if gopls == "" {
		err = lsp.Serve(ctx, stdin, stdout, opts)
	} else {
		err = lsp.Proxy(ctx, stdin, stdout, stderr, gopls, goplsArgs, opts)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s lsp: %v\n", progName, err)
		return exitError
	}
	return exitClean
}

// passFlagSet returns a fresh flag set with -<pass> and -<pass>.<flag> for
// every pass, bound to fresh analyzers: the names the server's settings use.
func passFlagSet() *flag.FlagSet {
	c := newCommand(io.Discard, io.Discard, "")
	fs := flag.NewFlagSet("settings", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, a := range c.analyzers {
		fs.Var(c.enabled[a], a.Name, "")
		a.Flags.VisitAll(func(f *flag.Flag) { fs.Var(f.Value, a.Name+"."+f.Name, f.Usage) })
	}
	return fs
}

// isGoplsName reports whether the binary was invoked under the name gopls,
// as VS Code's Go extension runs the server named in go.alternateTools.
func isGoplsName(arg0 string) bool {
	base := strings.TrimSuffix(filepath.Base(arg0), ".exe")
	return base == "gopls"
}

// goplsServes reports whether a gopls command line starts the language
// server on stdio: no subcommand (gopls's default is serve, as "gopls
// -mode=stdio" relies on) or "serve", and no -listen (a server on a
// socket, which the proxy cannot stand in front of). Flags before the
// subcommand are skipped, with the value of those that take one.
func goplsServes(args []string) bool {
	for _, arg := range args {
		if strings.HasPrefix(arg, "-listen") || strings.HasPrefix(arg, "--listen") {
			return false
		}
	}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return i+1 == len(args) || args[i+1] == "serve"
		}
		if !strings.HasPrefix(arg, "-") {
			return arg == "serve"
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !hasValue && !goplsBoolFlags[name] {
			i++ // -name value
		}
	}
	return true
}

// goplsBoolFlags are gopls's global flags that take no value.
var goplsBoolFlags = map[string]bool{"v": true, "vv": true, "verbose": true, "rpc.trace": true, "h": true, "help": true}

// runAsGopls handles the binary invoked as gopls: the proxy in front of
// the real gopls for a serving command line, and the real gopls itself for
// every other (version, check, ...), with the same arguments.
func runAsGopls(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	real := os.Getenv(goplsEnv)
	if real == "" {
		fmt.Fprintf(stderr, "%s: invoked as gopls, but %s does not name the real gopls\n", progName, goplsEnv)
		return exitError
	}
	if goplsServes(args) {
		return serveLSP(real, args, 250*time.Millisecond, stdin, stdout, stderr)
	}
	cmd := exec.Command(real, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Run(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			return exit.ExitCode()
		}
		fmt.Fprintf(stderr, "%s: running %s: %v\n", progName, real, err)
		return exitError
	}
	return exitClean
}
