package lint

import (
	"bytes"
	"strings"
	"testing"
)

func TestGuardRecoversAndNames(t *testing.T) {
	var buf bytes.Buffer
	stderrMu.Lock()
	old := stderr
	stderr = &buf
	stderrMu.Unlock()
	defer func() {
		stderrMu.Lock()
		stderr = old
		stderrMu.Unlock()
	}()

	ran := false
	if ok := Guard("clienttimeout", "example.com/p", Text("p.f"), func() { ran = true }); !ok || !ran {
		t.Fatalf("Guard on a function that returns: ok=%v ran=%v, want true true", ok, ran)
	}
	if buf.Len() != 0 {
		t.Fatalf("Guard wrote %q for a function that did not panic", buf.String())
	}

	before := Crashes()
	var nilMap map[string]int
	ok := Guard("clienttimeout", "example.com/p", Text("p.g"), func() { nilMap["x"] = 1 })
	if ok {
		t.Fatal("Guard returned true after a panic")
	}
	if Crashes() != before+1 {
		t.Errorf("Crashes() = %d after one recovered panic, want %d", Crashes(), before+1)
	}
	msg := buf.String()
	for _, want := range []string{"goroutinelint: internal error", "clienttimeout", "example.com/p", "p.g", "assignment to entry in nil map", "guard_test.go:"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Guard's message %q lacks %q", msg, want)
		}
	}
	if strings.Count(msg, "\n") != 1 {
		t.Errorf("Guard's message should be one line, got %q", msg)
	}
}
