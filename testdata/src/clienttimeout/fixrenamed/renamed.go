package fixrenamed

import (
	"net/http"
	stdtime "time"
)

var _ = stdtime.Now

var client = &http.Client{} // want `http.Client has no Timeout`
