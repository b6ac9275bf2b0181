// Package linedirective moves positions with //line.
package linedirective

import "net/http"

//line template.tmpl:40
var Client = &http.Client{} // finding: clienttimeout, at the file's own line

//line template.tmpl:90
func Start(ch chan int) {
	go func() {
		for range ch {
		}
	}()
}
