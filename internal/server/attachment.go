package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/graph"
	"github.com/threadline/threadline/internal/service"
)

// Bounds of the upload endpoint.
const (
	// formOverhead is what a multipart form may hold besides the file: the
	// token field, boundaries and part headers.
	formOverhead = 64 << 10
	// maxTokenBytes bounds the token field.
	maxTokenBytes = 1 << 10
	// maxConcurrentUploads bounds the uploads read at once (each holds its
	// file in memory until it is stored): more wait for a free slot or are
	// refused with 503 when the client gives up first.
	maxConcurrentUploads = 16
	// uploadSlotWait is how long an upload waits for a free slot.
	uploadSlotWait = 10 * time.Second
)

// attachmentHandler serves the attachment endpoints: uploads with a
// signed upload token, downloads with a signed download link. Neither
// takes an API key: the token is the authority, and says which attachment
// of which workspace it is for.
type attachmentHandler struct {
	svc   *service.Service
	log   *slog.Logger
	slots chan struct{}
}

func newAttachmentHandler(svc *service.Service, log *slog.Logger) *attachmentHandler {
	return &attachmentHandler{svc: svc, log: log, slots: make(chan struct{}, maxConcurrentUploads)}
}

// uploadError is the JSON body of a refused upload or download.
type uploadError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// fail answers a refused request; errors that are not core.Errors are
// internal: logged and hidden.
func (h *attachmentHandler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, code, msg := http.StatusInternalServerError, core.CodeInternal, "Internal server error."
	if e, ok := core.AsError(err); ok && e.Kind != core.KindInternal {
		code, msg = e.Code, e.Message
		status = map[string]int{
			service.CodeTokenInvalid: http.StatusForbidden, service.CodeTokenExpired: http.StatusGone,
			service.CodeAlreadyUploaded: http.StatusConflict, attachment.CodeFileTooLarge: http.StatusRequestEntityTooLarge,
			attachment.CodeFileTypeNotAllowed: http.StatusUnsupportedMediaType, core.CodeNotFound: http.StatusNotFound,
		}[e.Code]
		if status == 0 {
			status = http.StatusBadRequest
		}
	} else {
		h.log.ErrorContext(r.Context(), "attachment request failed", "err", err)
	}
	var body uploadError
	body.Error.Code, body.Error.Message = code, msg
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
	setLogAttr(r.Context(), "error_code", code)
}

func badRequest(msg string) error {
	return &core.Error{Kind: core.KindValidation, Code: "bad_upload", Message: msg}
}

// upload serves POST /attachments/upload: a multipart/form-data body
// whose "token" field (the upload form's data) comes before its "file".
// The file is read up to its declared size, sniffed, and stored once.
func (h *attachmentHandler) upload(w http.ResponseWriter, r *http.Request) {
	wait := time.NewTimer(uploadSlotWait)
	defer wait.Stop()
	select {
	case h.slots <- struct{}{}:
		defer func() { <-h.slots }()
	case <-wait.C:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "too many uploads at once", http.StatusServiceUnavailable)
		return
	case <-r.Context().Done():
		return
	}
	limit := h.svc.AttachmentLimits().MaxBytes + formOverhead
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		h.fail(w, r, badRequest("The body must be multipart/form-data."))
		return
	}
	var token string
	for {
		part, err := mr.NextPart()
		if err != nil {
			h.fail(w, r, uploadReadError(err, "The form has no file."))
			return
		}
		switch part.FormName() {
		case "token":
			b, err := io.ReadAll(io.LimitReader(part, maxTokenBytes))
			if err != nil {
				h.fail(w, r, uploadReadError(err, "Could not read the form."))
				return
			}
			token = string(b)
		case "file":
			if token == "" {
				h.fail(w, r, badRequest(`The form's "token" field must come before its file.`))
				return
			}
			h.store(w, r, token, part)
			return
		}
	}
}

// store reads the file of a form and stores it for token.
func (h *attachmentHandler) store(w http.ResponseWriter, r *http.Request, token string, file io.Reader) {
	a, err := h.svc.PendingUpload(r.Context(), token)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data, err := io.ReadAll(io.LimitReader(file, a.Size+1))
	switch {
	case err != nil:
		h.fail(w, r, uploadReadError(err, "Could not read the file."))
		return
	case int64(len(data)) > a.Size:
		h.fail(w, r, core.Conflict(attachment.CodeFileTooLarge, "", fmt.Sprintf("The file is larger than the %d bytes declared.", a.Size)))
		return
	}
	sniffed := http.DetectContentType(data)
	if sniffed == "application/octet-stream" {
		sniffed = a.MimeType // no signature recognised: keep the type of its extension
	}
	up, err := h.svc.UploadAttachment(r.Context(), token, data, sniffed)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	setLogAttr(r.Context(), "attachment", up.ID)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"attachment": map[string]any{"id": up.ID, "fileName": up.FileName,
		"fileSizeBytes": up.Size, "fileMimeType": up.MimeType}})
}

// uploadReadError reports a body that could not be read: too large, or
// malformed.
func uploadReadError(err error, msg string) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return core.Conflict(attachment.CodeFileTooLarge, "", "The upload is larger than the attachment size limit.")
	}
	return badRequest(msg)
}

// download serves GET /attachments/download/{id}?token=…: the file, as an
// attachment the browser saves (never renders), of the type sniffed when
// it was uploaded.
func (h *attachmentHandler) download(w http.ResponseWriter, r *http.Request) {
	a, data, err := h.svc.DownloadAttachment(r.Context(), r.URL.Query().Get("token"), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.MimeType)
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": a.FileName})
	if disposition == "" {
		disposition = "attachment"
	}
	hd.Set("Content-Disposition", disposition)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, no-store")
	setLogAttr(r.Context(), "attachment", a.ID)
	_, _ = w.Write(data)
}

// publicBase is the URL clients reach the server at: the configured one,
// else the scheme and host of the request.
func publicBase(configured string, r *http.Request) string {
	if configured != "" {
		return strings.TrimSuffix(configured, "/")
	}
	u := url.URL{Scheme: "http", Host: r.Host}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u.String()
}

// routes registers the attachment endpoints on mux.
func (h *attachmentHandler) routes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+graph.AttachmentUploadPath, h.upload)
	mux.HandleFunc("GET "+graph.AttachmentDownloadPath+"{id}", h.download)
}
