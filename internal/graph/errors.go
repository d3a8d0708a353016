package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph/model"
)

// Error codes of GraphQL errors (extensions.code), as Plain documents them.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeValidation      = "GRAPHQL_VALIDATION_FAILED"
	CodeInternal        = "INTERNAL_SERVER_ERROR"
)

// mutationError presents a use-case failure as a MutationError. Errors that
// are not core.Errors are internal: they are logged and hidden.
func (r *Resolver) mutationError(ctx context.Context, err error) *model.MutationError {
	e, ok := core.AsError(err)
	if !ok || e.Kind == core.KindInternal {
		r.Log.ErrorContext(ctx, "mutation failed", "field", fieldPath(ctx), "err", err)
		return &model.MutationError{Type: model.MutationErrorTypeInternal, Code: core.CodeInternal,
			Message: "An internal error occurred. Please retry.", Fields: []model.MutationFieldError{}}
	}
	out := &model.MutationError{Code: e.Code, Message: e.Message, Fields: make([]model.MutationFieldError, len(e.Fields))}
	switch e.Kind {
	case core.KindForbidden:
		out.Type = model.MutationErrorTypeForbidden
	default:
		out.Type = model.MutationErrorTypeValidation
	}
	for i, f := range e.Fields {
		out.Fields[i] = model.MutationFieldError{Field: f.Field, Message: f.Message, Type: model.MutationFieldErrorType(f.Type)}
	}
	return out
}

// queryError presents a use-case failure of a query field as a GraphQL error
// with extensions.code; internal errors are logged and hidden.
func (r *Resolver) queryError(ctx context.Context, err error) error {
	var gqlErr *gqlerror.Error
	if errors.As(err, &gqlErr) {
		return gqlErr
	}
	e, ok := core.AsError(err)
	switch {
	case ok && e.Kind == core.KindForbidden:
		return NewError(ctx, e.Message, CodeForbidden)
	case ok && (e.Kind == core.KindBadInput || e.Kind == core.KindValidation):
		msg := e.Message
		if len(e.Fields) > 0 { // a query has no MutationError to carry the fields
			msg = fmt.Sprintf("%s: %s: %s.", strings.TrimSuffix(msg, "."), e.Fields[0].Field, strings.TrimSuffix(e.Fields[0].Message, "."))
		}
		return NewError(ctx, msg, CodeBadUserInput)
	}
	r.Log.ErrorContext(ctx, "query failed", "field", fieldPath(ctx), "err", err)
	return NewError(ctx, "Internal server error.", CodeInternal)
}

// NewError returns a GraphQL error at the current field's path.
func NewError(ctx context.Context, message, code string) *gqlerror.Error {
	e := &gqlerror.Error{Message: message, Extensions: map[string]any{"code": code}}
	if graphql.GetFieldContext(ctx) != nil {
		e.Path = graphql.GetPath(ctx)
	}
	return e
}

func fieldPath(ctx context.Context) string {
	if graphql.GetFieldContext(ctx) == nil {
		return ""
	}
	return graphql.GetPath(ctx).String()
}

// nilOrQueryError returns nil for a nil error and the presented error otherwise.
func (r *Resolver) nilOrQueryError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	return r.queryError(ctx, err)
}
