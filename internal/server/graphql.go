package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/graph"
	"github.com/threadline/threadline/internal/service"
)

// apqCacheSize is how many persisted query texts the server remembers by
// hash; a client whose hash was forgotten is told PERSISTED_QUERY_NOT_FOUND
// and sends the document again.
const apqCacheSize = 1000

// codePersistedQueryNotFound answers a persisted query hash the server does
// not know, with status 200 as Apollo Server does: clients then send the
// document with its hash.
const codePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"

// maxBodyBytes bounds a GraphQL request body; attachments have their own
// upload endpoint.
const maxBodyBytes = 1 << 20

// graphQLHandler serves POST /graphql/v1 with the status codes and error
// shapes Plain's SDK understands: 401 for bad keys, 400 for malformed
// queries, 403 for missing permissions on queries, 500 for panics.
type graphQLHandler struct {
	opts   Options
	svc    *service.Service
	exec   *executor.Executor
	cache  *lru.LRU[*ast.QueryDocument]
	limits graph.Limits
	log    *slog.Logger
}

type panicFlag struct{}

func newGraphQLHandler(svc *service.Service, log *slog.Logger, opts Options) (*graphQLHandler, error) {
	e, err := graph.NewExecutor(&graph.Resolver{Svc: svc, Log: log})
	if err != nil {
		return nil, err
	}
	e.Use(extension.Introspection{})
	limits := graph.DefaultLimits
	e.SetParserTokenLimit(limits.Tokens)
	// gqlgen keeps a document in its query cache once it has parsed and
	// validated it: a cached query text is neither parsed nor validated
	// again (only its variables are checked, per request).
	cache := lru.New[*ast.QueryDocument](1000)
	e.SetQueryCache(cache)
	// Automatic persisted queries (Apollo's protocol): a client may send
	// the SHA-256 of a document it sent before instead of the document.
	e.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](apqCacheSize)})
	e.SetRecoverFunc(func(ctx context.Context, p any) error {
		if f, ok := ctx.Value(panicFlag{}).(*atomic.Bool); ok {
			f.Store(true)
		}
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &gqlerror.Error{Message: "Internal server error.", Extensions: map[string]any{"code": graph.CodeInternal}}
	})
	return &graphQLHandler{opts: opts.withDefaults(), svc: svc, exec: e, cache: cache, limits: limits, log: log}, nil
}

type gqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
	Extensions    map[string]any `json:"extensions"`
}

func (h *graphQLHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start, sw, op := time.Now(), &statusWriter{ResponseWriter: w}, "invalid"
	defer func() { h.opts.Metrics.Request(op, sw.status, time.Since(start)) }()
	h.serve(sw, r, &op)
}

// serve answers one request; op receives the operation's label for metrics
// once the document is known to be valid.
func (h *graphQLHandler) serve(w http.ResponseWriter, r *http.Request, op *string) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeErrors(w, http.StatusMethodNotAllowed, nil, errorf("Only POST is allowed.", graph.CodeBadUserInput))
		return
	}
	p, err := h.svc.Authenticate(r.Context(), r.Header.Get("Authorization"))
	if err != nil {
		if !errors.Is(err, service.ErrUnauthenticated) {
			h.log.ErrorContext(r.Context(), "authentication failed", "err", err)
			writeErrors(w, http.StatusInternalServerError, nil, errorf("Internal server error.", graph.CodeInternal))
			return
		}
		writeErrors(w, http.StatusUnauthorized, nil,
			errorf("Authentication failed. Please check the provided API key.", graph.CodeUnauthenticated))
		return
	}
	if !h.allow(w, r, p.WorkspaceID) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.RequestTimeout)
	defer cancel()
	ctx = graph.WithLoaders(auth.WithPrincipal(ctx, p), h.svc)
	ctx = graph.WithBaseURL(ctx, publicBase(h.opts.PublicURL, r))
	setLogAttr(ctx, "workspace", p.WorkspaceID)

	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeErrors(w, http.StatusBadRequest, nil, errorf("Content-Type must be application/json.", graph.CodeBadUserInput))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeErrors(w, http.StatusRequestEntityTooLarge, nil, errorf("Request body too large.", graph.CodeBadUserInput))
		return
	case err != nil:
		writeErrors(w, http.StatusBadRequest, nil, errorf("Could not read the request body.", graph.CodeBadUserInput))
		return
	}
	req, gerr := decodeRequest(body)
	if gerr != nil {
		writeErrors(w, http.StatusBadRequest, nil, gerr)
		return
	}
	h.execute(ctx, w, op, &graphql.RawParams{
		Query: req.Query, Variables: req.Variables, OperationName: req.OperationName,
		Extensions: req.Extensions, Headers: r.Header,
	})
}

// decodeRequest reads a GraphQL request body: one JSON object (trailing
// whitespace only) whose strings hold no NUL character.
func decodeRequest(body []byte) (gqlRequest, *gqlerror.Error) {
	var req gqlRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil || dec.InputOffset() != int64(len(bytes.TrimRight(body, " \t\r\n"))) {
		return req, errorf("The request body is not valid JSON.", graph.CodeBadUserInput)
	}
	if strings.ContainsRune(req.Query, 0) || strings.ContainsRune(req.OperationName, 0) || hasNUL(req.Variables) {
		return req, errorf("Strings must not contain NUL (\\u0000) characters.", graph.CodeBadUserInput)
	}
	return req, nil
}

func (h *graphQLHandler) execute(ctx context.Context, w http.ResponseWriter, op *string, params *graphql.RawParams) {
	// A document not seen before is measured before gqlgen validates it:
	// validation and execution cost are bounded by the limits first. A
	// persisted query sent by hash alone was measured when it was sent.
	byHash := params.Query == "" && params.Extensions["persistedQuery"] != nil
	if _, seen := h.cache.Get(ctx, params.Query); !seen && !byHash {
		if _, err := graph.ParseBounded(params.Query, h.limits); err != nil {
			if c, _ := err.Extensions["code"].(string); c == "" {
				setCode(err, "GRAPHQL_PARSE_FAILED")
			}
			writeErrors(w, http.StatusBadRequest, nil, err)
			return
		}
	}
	params.ReadTime = graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}
	ctx = graphql.StartOperationTrace(ctx)
	panicked := new(atomic.Bool)
	ctx = context.WithValue(ctx, panicFlag{}, panicked)

	opCtx, errs := h.exec.CreateOperationContext(ctx, params)
	if len(errs) > 0 {
		for _, e := range errs {
			switch {
			case len(e.Path) > 0 && e.Path[0] == ast.PathName("variable"):
				describeVariableError(opCtx.Operation, e)
				setCode(e, graph.CodeBadUserInput)
			default:
				// gqlgen marks parse and validation failures itself; the
				// rest reject the query as such.
				if c, _ := e.Extensions["code"].(string); c == "" {
					setCode(e, graph.CodeValidation)
				}
			}
		}
		status := http.StatusBadRequest
		if hasCode(errs, codePersistedQueryNotFound) {
			status = http.StatusOK
		}
		writeErrors(w, status, nil, errs...)
		return
	}
	*op = operationLabel(opCtx.Operation)
	setLogAttr(ctx, "operation", *op)
	if opCtx.Operation.Operation == ast.Subscription {
		writeErrors(w, http.StatusBadRequest, nil, errorf("Subscriptions are not supported.", graph.CodeValidation))
		return
	}
	ctx = graphql.WithOperationContext(ctx, opCtx)
	respond, ctx := h.exec.DispatchOperation(ctx, opCtx)
	resp := respond(ctx)
	if resp == nil {
		writeErrors(w, http.StatusInternalServerError, nil, errorf("Internal server error.", graph.CodeInternal))
		return
	}
	for _, e := range resp.Errors {
		if c, _ := e.Extensions["code"].(string); c == "" { // e.g. a null in a non-null field
			h.log.ErrorContext(ctx, "graphql error without code", "message", e.Message, "path", e.Path.String())
			setCode(e, graph.CodeInternal)
		}
	}
	status := http.StatusOK
	switch {
	case panicked.Load() || hasCode(resp.Errors, graph.CodeInternal):
		status = http.StatusInternalServerError
	case hasCode(resp.Errors, graph.CodeForbidden):
		status = http.StatusForbidden
	case hasCode(resp.Errors, graph.CodeBadUserInput):
		status = http.StatusBadRequest
	}
	data := resp.Data
	if status != http.StatusOK || data == nil {
		data = json.RawMessage("null")
	}
	writeErrors(w, status, data, resp.Errors...)
}

// describeVariableError rewrites gqlgen's terse variable errors in the
// wording of Plain (graphql-js): Variable "$id" of required type "ID!" was
// not provided.
func describeVariableError(op *ast.OperationDefinition, e *gqlerror.Error) {
	if len(e.Path) < 2 {
		return
	}
	name, ok := e.Path[1].(ast.PathName)
	if !ok {
		return
	}
	typ := ""
	if def := op.VariableDefinitions.ForName(string(name)); def != nil {
		typ = def.Type.String()
	}
	if e.Message == "must be defined" || e.Message == "cannot be null" {
		verb := "was not provided"
		if e.Message == "cannot be null" {
			verb = "must not be null"
		}
		e.Message = fmt.Sprintf("Variable \"$%s\" of required type \"%s\" %s.", name, typ, verb)
	} else {
		e.Message = fmt.Sprintf("Variable \"$%s\" got invalid value at %q: %s.", name, e.Path.String(), e.Message)
	}
	e.Path = nil
}

// hasNUL reports whether any string in v contains a NUL character, which
// no text column of either backend can store.
func hasNUL(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.ContainsRune(v, 0)
	case map[string]any:
		for k, x := range v {
			if strings.ContainsRune(k, 0) || hasNUL(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if hasNUL(x) {
				return true
			}
		}
	}
	return false
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}

func hasCode(errs gqlerror.List, code string) bool {
	for _, e := range errs {
		if c, _ := e.Extensions["code"].(string); c == code {
			return true
		}
	}
	return false
}

func errorf(message, code string) *gqlerror.Error {
	return &gqlerror.Error{Message: message, Extensions: map[string]any{"code": code}}
}

// wireError is an error as Plain's SDK validates it: message, locations
// (always present, maybe empty), optional path, and extensions.code.
type wireError struct {
	Message    string         `json:"message"`
	Locations  []wireLocation `json:"locations"`
	Path       ast.Path       `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions"`
}

type wireLocation struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// writeErrors writes a GraphQL response. data nil omits "data" (requests
// that never executed); every error gets locations and extensions.code.
func writeErrors(w http.ResponseWriter, status int, data json.RawMessage, errs ...*gqlerror.Error) {
	if max := graph.DefaultLimits.ErrorsPerResp; len(errs) > max {
		more := &gqlerror.Error{Message: fmt.Sprintf("%d more errors not shown.", len(errs)-(max-1)), Extensions: errs[0].Extensions}
		errs = append(errs[:max-1:max-1], more)
	}
	var out []wireError
	for _, e := range errs {
		we := wireError{Message: e.Message, Locations: []wireLocation{}, Path: e.Path, Extensions: map[string]any{}}
		for _, l := range e.Locations {
			we.Locations = append(we.Locations, wireLocation{Line: l.Line, Column: l.Column})
		}
		for k, v := range e.Extensions {
			we.Extensions[k] = v
		}
		if c, ok := we.Extensions["code"].(string); !ok || c == "" {
			we.Extensions["code"] = graph.CodeInternal
		}
		out = append(out, we)
	}
	parts, err := responseParts(data, out)
	if err != nil {
		parts = [][]byte{[]byte(`{"errors":[{"message":"Internal server error.","locations":[],"extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`)}
		status = http.StatusInternalServerError
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(status)
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return
		}
	}
}

// responseParts returns the JSON of a response, {"errors":[…],"data":…}
// (each left out when absent: nil data, no errors), in parts to write one
// after the other: data among them as gqlgen encoded it, not encoded again,
// unless it holds characters that encoding/json escapes in HTML-safe
// output (<, >, &, U+2028 and U+2029), which are escaped as they always
// were. data must be valid JSON.
func responseParts(data json.RawMessage, errs []wireError) ([][]byte, error) {
	head := []byte{'{'}
	if len(errs) > 0 {
		b, err := json.Marshal(errs)
		if err != nil {
			return nil, err
		}
		head = append(append(head, `"errors":`...), b...)
	}
	if data == nil {
		return [][]byte{append(head, '}')}, nil
	}
	if len(errs) > 0 {
		head = append(head, ',')
	}
	head = append(head, `"data":`...)
	if !htmlSafe(data) {
		var buf bytes.Buffer
		json.HTMLEscape(&buf, data)
		data = buf.Bytes()
	}
	return [][]byte{head, data, closeBrace}, nil
}

var closeBrace = []byte{'}'}

// responseBody is the JSON of a response: its parts (responseParts) joined.
func responseBody(data json.RawMessage, errs []wireError) ([]byte, error) {
	parts, err := responseParts(data, errs)
	return bytes.Join(parts, nil), err
}

// htmlSafe reports whether json.HTMLEscape would leave b as it is: no <,
// > or &, and no 0xE2, the first byte of U+2028 and U+2029. Each byte is
// looked for with the vectorised bytes.IndexByte.
func htmlSafe(b []byte) bool {
	for _, c := range []byte{'<', '>', '&', 0xE2} {
		if bytes.IndexByte(b, c) >= 0 {
			return false
		}
	}
	return true
}

// operationLabel names an operation by its root fields (Plain's clients
// send no operation name), a set the schema bounds.
func operationLabel(op *ast.OperationDefinition) string {
	var names []string
	for _, sel := range op.SelectionSet {
		if f, ok := sel.(*ast.Field); ok && !slices.Contains(names, f.Name) {
			names = append(names, f.Name)
		}
	}
	slices.Sort(names)
	if len(names) > 3 {
		names = append(names[:3], "…")
	}
	return strings.Join(names, ",")
}
