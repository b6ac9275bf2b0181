package testlock

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Tool takes the lock that the test binaries of the module share while they
// run the tool binary bin under go vet: its name comes from bin's content,
// so every test package running the same binary takes the same lock, and
// the one that runs second replays go vet's cached results instead of
// computing them at the same time. It gives up waiting after a few minutes;
// the lock only saves work.
func Tool(bin string) (unlock func(), err error) {
	f, err := os.Open(bin)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return nil, err
	}
	name := filepath.Join(os.TempDir(), fmt.Sprintf("goroutinelint-vet-%x.lock", h.Sum(nil)[:8]))
	return File(name, 5*time.Minute)
}
