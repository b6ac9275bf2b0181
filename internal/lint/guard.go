package lint

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// stderr is where Guard reports a recovered panic; tests replace it.
var (
	stderrMu sync.Mutex
	stderr   io.Writer = os.Stderr
)

// crashes counts the panics Guard has recovered in this process.
var crashes atomic.Int64

// Crashes returns how many panics Guard has recovered in this process, so
// that tests over odd code can assert that none happened.
func Crashes() int64 { return crashes.Load() }

// Guard runs f, which analyses one function, and recovers a panic in it.
// A recovered panic is reported on stderr naming the pass, the package and
// the function, and Guard returns false: the caller must then treat the
// function as unknown, reporting nothing and exporting no fact for it.
//
// Recovering per function rather than per package matters: unitchecker drops
// an error from a pass that runs only for facts, so a per-package failure
// would silently lose every fact of a dependency.
//
// what names the code for that report; it is a fmt.Stringer, such as an
// *ssa.Function, because naming every function analysed would cost more
// than the analysis of most of them.
func Guard(passName, pkgPath string, what fmt.Stringer, f func()) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			ok = false
			crashes.Add(1)
			stderrMu.Lock()
			defer stderrMu.Unlock()
			fmt.Fprintf(stderr, "goroutinelint: internal error: %s: %s: %s skipped: %v (at %s)\n",
				passName, pkgPath, what, v, panicSite())
		}
	}()
	f()
	return true
}

// Text is a fixed description for Guard.
type Text string

func (t Text) String() string { return string(t) }

// panicSite returns the innermost frame of this module below the panic, so
// that a bug report names the line that failed without a full stack trace.
func panicSite() string {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		fr, more := frames.Next()
		inGuard := strings.Contains(fr.Function, "internal/lint.Guard") || strings.Contains(fr.Function, "internal/lint.panicSite")
		if strings.Contains(fr.Function, "goroutinelint/") && !inGuard {
			return fmt.Sprintf("%s:%d", shortFile(fr.File), fr.Line)
		}
		if !more {
			return "unknown location"
		}
	}
}

// shortFile keeps the last two elements of a path: no machine paths in output.
func shortFile(path string) string {
	parts := strings.Split(path, "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	return strings.Join(parts, "/")
}
