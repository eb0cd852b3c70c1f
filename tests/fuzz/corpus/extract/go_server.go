// Package server serves things.
package server

import (
	"fmt"
	"net/http"
)

const Version = "1.0"

const (
	ModeFast Mode = iota
	ModeSafe
	maxRetries, minRetries = 5, 1
)

var defaultClient = &http.Client{}

type Mode int

type (
	Handler func(w http.ResponseWriter)
	Pair[K comparable, V any] struct {
		Key   K
		Value V
	}
)

// Server holds the state.
type Server struct {
	name  string `json:"name"`
	inner struct {
		count int
	}
}

type Store interface {
	Get(key string) (string, error)
	Put(key, value string) error
	fmt.Stringer
}

type Alias = Server

/* NewServer builds a Server. */
func NewServer(name string) *Server {
	raw := `func NotReal() {}
	// not a comment`
	r := '"'
	_ = r
	return &Server{name: name}
}

func (s *Server) Name() string {
	return s.name
}

func (p Pair[K, V]) String() string { return fmt.Sprint(p.Key) }

func Map[T, U any](items []T, f func(T) U) []U {
	return nil
}

var handler = func(w http.ResponseWriter) {
	fmt.Fprintln(w, "ok")
}
