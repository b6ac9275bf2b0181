package negative

import (
	"net/http"
	"time"
)

func init() { http.DefaultClient.Timeout = 20 * time.Second }

func usesDefault(url string) {
	http.Get(url)               // ok: this package gives DefaultClient a Timeout
	http.DefaultClient.Get(url) // ok: likewise
}
