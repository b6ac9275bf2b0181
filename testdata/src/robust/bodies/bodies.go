// Package bodies starts goroutines with method values, closures and
// function values.
package bodies

type server struct{ jobs chan int }

func (s *server) run() {
	for j := range s.jobs {
		_ = j
	}
}

// Start uses every spelling of a goroutine body.
func Start(s *server, f func()) {
	go s.run()
	run := s.run
	go run()
	go (*server).run(s)
	go f()
	go func() { f() }()
	var g func() = s.run
	go g()
}
