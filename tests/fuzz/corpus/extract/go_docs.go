// Package docs shows which comments document a declaration.
package docs

// Limits of the pool.
const (
	// MaxSize is the largest pool.
	MaxSize = 10

	MinSize = 1 // a trailing comment documents nothing
	// Default sits right above its spec.
	Default = 5
)

var x = 1 // trailing, and the next line declares
func AfterTrailing() {}

// Detached by a blank line.

func Undocumented() {}

/*
Block documents a function too.
*/
func Block() {}

// Reader reads.
type Reader interface {
	// Read fills p.
	Read(p []byte) (int, error)
}

func body() {
	// Inside a function: an ordinary comment.
	type local struct{}
}
