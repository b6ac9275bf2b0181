package fixsingle

import "net/http"

var client = &http.Client{} // want `http.Client has no Timeout`

var other = &http.Client{} // want `http.Client has no Timeout`
