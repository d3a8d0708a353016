package core

// Optional is an update wrapper: Set says whether the client sent the
// wrapper at all (omitted = leave unchanged); Value nil with Set clears.
type Optional[T any] struct {
	Set   bool
	Value *T
}

// Some returns a set Optional holding v.
func Some[T any](v T) Optional[T] { return Optional[T]{Set: true, Value: &v} }

// Ptr returns a pointer to v.
func Ptr[T any](v T) *T { return &v }

// Equal reports whether two optional values are equal.
func Equal[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
