// Package core is Threadline's leaf kernel: typed errors, identifiers, time
// values, actors and cursor pagination. It imports nothing of Threadline's.
package core

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an Error the way Plain's MutationErrorType does.
type Kind string

// The kinds of error a use case can report.
const (
	KindValidation Kind = "VALIDATION"
	KindForbidden  Kind = "FORBIDDEN"
	KindInternal   Kind = "INTERNAL"
)

// FieldErrorType says what is wrong with one input field (MutationFieldErrorType).
type FieldErrorType string

// The field error types Plain documents.
const (
	FieldValidation FieldErrorType = "VALIDATION"
	FieldRequired   FieldErrorType = "REQUIRED"
	FieldNotFound   FieldErrorType = "NOT_FOUND"
)

// Error codes with a meaning across domains. Domain packages add their own
// (e.g. "customer_already_exists_with_email").
const (
	CodeInputValidation = "input_validation"
	CodeForbidden       = "forbidden"
	CodeInternal        = "internal"
	CodeNotFound        = "not_found"
	CodeConflict        = "conflict"
)

// FieldError names one invalid input field by its dotted path inside the input.
type FieldError struct {
	Field   string
	Message string
	Type    FieldErrorType
}

// Error is the typed error every use case returns for a failure the caller
// caused or must know about. Its Message is safe to show to API clients.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Fields  []FieldError
}

// Error implements error.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Code + ": " + e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return e.Code + ": " + e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// HasCode reports whether err is an *Error with the given code.
func HasCode(err error, code string) bool {
	e, ok := AsError(err)
	return ok && e.Code == code
}

// ValidationMessage is the top-level message of every validation error.
const ValidationMessage = "There was a validation error."

// Invalid returns a VALIDATION error with code input_validation and the given
// field errors.
func Invalid(fields ...FieldError) *Error {
	return &Error{Kind: KindValidation, Code: CodeInputValidation, Message: ValidationMessage, Fields: fields}
}

// InvalidField returns a validation error about one field.
func InvalidField(field, message string) *Error {
	return Invalid(FieldError{Field: field, Message: message, Type: FieldValidation})
}

// RequiredField returns a validation error for one missing field.
func RequiredField(field string) *Error {
	return Invalid(FieldError{Field: field, Message: "Required", Type: FieldRequired})
}

// NotFound returns a not_found error naming the input field that referred to a
// missing entity. Field may be empty when the entity was not named by input.
func NotFound(field, what string) *Error {
	e := &Error{Kind: KindValidation, Code: CodeNotFound, Message: what + " not found"}
	if field != "" {
		e.Fields = []FieldError{{Field: field, Message: what + " not found", Type: FieldNotFound}}
	}
	return e
}

// Conflict returns a validation error with a specific conflict code.
func Conflict(code, field, message string) *Error {
	e := &Error{Kind: KindValidation, Code: code, Message: message}
	if field != "" {
		e.Fields = []FieldError{{Field: field, Message: message, Type: FieldValidation}}
	}
	return e
}

// Forbidden returns the error for a missing permission, in Plain's wording.
func Forbidden(permission string) *Error {
	return &Error{Kind: KindForbidden, Code: CodeForbidden,
		Message: fmt.Sprintf("Insufficient permissions, missing %q.", permission)}
}

// ErrNotFound is returned by stores when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned by stores when a unique constraint is violated;
// stores wrap it with the constraint's name.
var ErrDuplicate = errors.New("duplicate")

// Collector accumulates field errors while validating an input.
type Collector struct{ fields []FieldError }

// Add records a field error.
func (c *Collector) Add(field, message string, t FieldErrorType) {
	c.fields = append(c.fields, FieldError{Field: field, Message: message, Type: t})
}

// Invalid records a VALIDATION field error.
func (c *Collector) Invalid(field, message string) { c.Add(field, message, FieldValidation) }

// Required records a REQUIRED field error.
func (c *Collector) Required(field string) { c.Add(field, "Required", FieldRequired) }

// Err returns the collected errors as one validation *Error, or nil. When
// every error is about a missing entity, the code is not_found.
func (c *Collector) Err() error {
	if len(c.fields) == 0 {
		return nil
	}
	e := Invalid(c.fields...)
	for _, f := range c.fields {
		if f.Type != FieldNotFound {
			return e
		}
	}
	e.Code, e.Message = CodeNotFound, c.fields[0].Message
	return e
}

// OptionalString trims an optional string input: blank becomes nil, and a
// value over max runes is recorded as a VALIDATION error on field.
func (c *Collector) OptionalString(field string, s *string, max int) *string {
	if s == nil {
		return nil
	}
	v := strings.TrimSpace(*s)
	if v == "" {
		return nil
	}
	if len([]rune(v)) > max {
		c.Invalid(field, fmt.Sprintf("String must contain at most %d character(s)", max))
	}
	return &v
}
