// Command goroutinelint reports goroutine leaks and the code that causes
// them, such as an http.Client with no Timeout. One binary runs every check
// of the suite, standalone or under go vet and go fix.
//
// # Usage
//
//	goroutinelint [flags] packages...
//	goroutinelint help [check]
//	goroutinelint lsp [-debounce=d] [-gopls=path [gopls args...]]
//	go vet -vettool=$(command -v goroutinelint) [flags] packages...
//	go fix -fixtool=$(command -v goroutinelint) [flags] packages...
//
// Packages are named as for go build (./..., example.com/app/server). Like
// go vet, a standalone run analyzes each package together with its
// _test.go files, reports each file once, and prints one line per finding
// to stderr:
//
//	server/server.go:21:13: upstreamlib.NewClient returns an http.Client with no Timeout: a request to an unresponsive server blocks forever
//
// File names are relative to the working directory when they lie under it.
// Related locations follow their finding on lines indented by a tab.
//
// Under go vet the go command runs the binary once per package, passing a
// *.cfg file (after the -V=full and -flags handshake); the binary then
// behaves as any unitchecker-based vet tool. go fix runs it the same way
// with -fix. Facts about dependencies cross packages in both modes, so a
// client built without a Timeout in another module is reported where it is
// used.
//
// goroutinelint lsp is a language server on stdin and stdout: it analyses
// the package of each Go file the editor opens, changes (unsaved buffers
// included) and saves, publishes the findings as diagnostics and offers
// their suggested fixes as quick-fix code actions. With -gopls it starts
// that gopls and stands in front of it, relaying every message and adding
// its diagnostics and code actions to gopls's. Invoked under the name
// gopls, as VS Code's Go extension invokes go.alternateTools, the binary
// is that proxy for gopls's serving command lines (-mode=stdio, serve) and
// runs the gopls named by $GOROUTINELINT_GOPLS for every other command.
// The README's Editors section has each editor's setup and the settings.
//
// # Flags
//
//	-json       print the findings as JSON to stdout, in the shape go vet -json
//	            prints: package path -> check -> list of diagnostics, with
//	            positions, categories, related locations and suggested fixes
//	-sarif      print the findings as a SARIF 2.1.0 log to stdout, for code
//	            scanning: one run whose rules are the checks and, as
//	            "<check>/<category>", each category reported, with help URIs
//	            to the README; results with related locations and fixes.
//	            Files under the working directory are named relative to
//	            %SRCROOT%, columns count UTF-16 code units
//	-fix        apply the first suggested fix of each finding, gofmt the changed
//	            files and write them; print the findings that have no fix.
//	            Identical edits (the same import added twice) are applied once;
//	            a fix that overlaps another is skipped with a warning, to be
//	            applied by running again
//	-diff       with -fix, print the changes as a unified diff instead of
//	            writing them
//	-test       also analyze the packages' test files (default true)
//	-tags list  comma-separated build tags, as for go build
//	-driver name
//	            package (default): analyze package by package in this
//	            process, caching each package's facts and findings under
//	            $GOROUTINELINT_CACHE or the user cache directory's
//	            goroutinelint ("off" turns it off); vet: through go vet's
//	            processes, cached in GOCACHE
//	-whole-program
//	            analyze every package at once in this process, caching
//	            nothing (memory grows with the program)
//	-V, -version
//	            print the version and exit
//
// Every check has a flag named after it and one per setting:
//
//	-<check>=false     do not run the check. As in go vet, naming some checks
//	                   with -<check> or -<check>=true runs only those
//	-<check>.<flag>    set one of the check's flags, such as
//	                   -clienttimeout.default-client=false
//
// goroutinelint help lists the checks and every flag; goroutinelint help
// <check> prints a check's documentation and flags. The same -<check> and
// -<check>.<flag> flags work after go vet -vettool=... and go fix -fixtool=....
//
// # Exit status
//
// A standalone run exits with
//
//	0  no findings; with -fix, every finding was fixed
//	1  findings, also with -json and -sarif; with -fix, a finding left
//	   unfixed (it has no fix, or its fix conflicts with another); with
//	   -fix -diff, also a non-empty diff
//	2  usage error (-json, -sarif and -fix exclude each other); packages
//	   that fail to load or type-check (their errors are printed and
//	   nothing is analyzed); no package to analyze; a check that fails; a
//	   file that cannot be read or written by -fix; an internal error
//
// -json and -sarif print nothing to stdout when the exit code is 2.
//
// # Bad input
//
// Errors go to stderr, with file names relative to the working directory,
// and never as a stack trace:
//
//   - a package that does not parse or type-check, or imports one that
//     does not: its errors, then "packages failed to load or type-check;
//     nothing was analyzed", exit 2;
//   - a missing package or directory, a directory with no Go files, or a
//     package whose every file build constraints exclude (also a cgo
//     package with CGO_ENABLED=0): the go command's error, the same line,
//     exit 2;
//   - a pattern with "..." that matches no package: a warning, as the go
//     command prints; the other patterns' packages are analyzed, and if
//     there are none the run ends with "no packages to analyze", exit 2;
//   - cgo packages are analyzed, and findings name the .go files, not the
//     code cgo generates.
//
// Under go vet and go fix the go command sets the exit status: go vet exits
// 1 when there are findings, go fix -diff exits 1 when the diff is not empty.
//
// # Suppression
//
// A finding is silenced by a directive with a reason, on its line or the
// line above, which the checks themselves honor in every mode:
//
//	//goroutinelint:ignore clienttimeout event stream; each request carries a deadline
package main
