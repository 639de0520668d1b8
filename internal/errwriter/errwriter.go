// Package errwriter holds a Writer that remembers its first error, so a
// sequence of Fprintf calls can be checked once. It imports nothing of the
// project.
package errwriter

import "io"

// Writer writes to W until a write fails; then it remembers that error in
// Err and writes nothing more, returning Err from every later Write.
type Writer struct {
	W   io.Writer
	Err error
}

// Write writes p to W unless an earlier write failed.
func (e *Writer) Write(p []byte) (int, error) {
	if e.Err != nil {
		return 0, e.Err
	}
	n, err := e.W.Write(p)
	e.Err = err
	return n, err
}
