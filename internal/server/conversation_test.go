package server

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/store/storetest"
)

// uploadURL asks for an upload form through the API and returns its URL
// and token (or the MutationError's code).
func (e *env) uploadURL(t *testing.T, key, customerID, name string, size int) (string, string, string) {
	t.Helper()
	r := e.post(key, `mutation($in: CreateAttachmentUploadUrlInput!) { createAttachmentUploadUrl(input: $in) {
		attachmentUploadUrl { attachment { id fileName fileSize { bytes } } uploadFormUrl uploadFormData { key value } expiresAt { iso8601 } }
		error { code message } } }`, map[string]any{"in": map[string]any{"customerId": customerID, "fileName": name,
		"fileSizeBytes": size, "attachmentType": "CHAT"}})
	if c, ok := path(r.Body, "data", "createAttachmentUploadUrl", "error", "code").(string); ok {
		return "", "", c
	}
	u := path(r.Body, "data", "createAttachmentUploadUrl", "attachmentUploadUrl")
	if path(u, "uploadFormData", 0, "key") != "token" || path(u, "attachment", "fileSize", "bytes") != float64(size) {
		t.Fatalf("upload URL: %s", r.Raw)
	}
	return path(u, "uploadFormUrl").(string), path(u, "uploadFormData", 0, "value").(string), path(u, "attachment", "id").(string)
}

// upload POSTs a multipart form (token, then file) to an upload URL.
func (e *env) upload(t *testing.T, rawURL, token string, data []byte) (int, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if token != "" {
		_ = mw.WriteField("token", token)
	}
	fw, _ := mw.CreateFormFile("file", "upload.bin")
	_, _ = fw.Write(data)
	_ = mw.Close()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, u.Path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// download GETs a download link.
func (e *env) download(rawURL string) *httptest.ResponseRecorder {
	u, _ := url.Parse(rawURL)
	req := httptest.NewRequest(http.MethodGet, u.RequestURI(), nil)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// downloadURL asks for a download link of an attachment.
func (e *env) downloadURL(key, id string) response {
	return e.post(key, `mutation($id: ID!) { createAttachmentDownloadUrl(input: {attachmentId: $id}) {
		attachmentDownloadUrl { downloadUrl attachment { id fileMimeType } expiresAt { iso8601 } } error { code message } } }`,
		map[string]any{"id": id})
}

// TestAttachmentUploadAndDownload goes through the attachment endpoints:
// an upload stores the file once, sniffed; oversized, short, executable,
// tampered or reused uploads are refused and write nothing; downloads are
// served as attachments and refused once expired or tampered with.
func TestAttachmentUploadAndDownload(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		key := e.key(e.ws, auth.AttachmentCreate, auth.AttachmentDownload)
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
		u, tok, id := e.uploadURL(t, key, f.customer.ID, "shot.txt", len(png))
		if !strings.HasPrefix(u, "http://example.com/attachments/upload") {
			t.Errorf("upload URL %q", u)
		}
		refused := map[string]struct {
			token string
			data  []byte
			want  int
		}{
			"no token":      {"", png, 400},
			"forged token":  {tok[:len(tok)-4] + "AAAA", png, 403},
			"too large":     {tok, append(png, 'x'), 413},
			"too small":     {tok, png[:4], 400},
			"an executable": {tok, append([]byte("MZ"), png[2:]...), 415},
		}
		for name, c := range refused {
			before := storetest.Digest(t, e.st)
			if code, body := e.upload(t, u, c.token, c.data); code != c.want {
				t.Errorf("upload with %s: %d %s, want %d", name, code, body, c.want)
			}
			if storetest.Digest(t, e.st) != before {
				t.Errorf("a refused upload (%s) wrote to the database", name)
			}
		}
		if code, body := e.upload(t, u, tok, png); code != 201 || !strings.Contains(body, `"fileMimeType":"image/png"`) {
			t.Fatalf("upload: %d %s", code, body)
		}
		if code, body := e.upload(t, u, tok, png); code != 409 {
			t.Errorf("the same token twice: %d %s, want 409", code, body)
		}
		if _, _, c := e.uploadURL(t, key, f.customer.ID, "tool.exe", 10); c != attachment.CodeFileTypeNotAllowed {
			t.Errorf("a blocked extension: %q", c)
		}
		if _, _, c := e.uploadURL(t, key, f.customer.ID, "big.zip", attachment.DefaultMaxBytes+1); c != attachment.CodeFileTooLarge {
			t.Errorf("an oversized file: %q", c)
		}

		r := e.downloadURL(key, id)
		link, _ := path(r.Body, "data", "createAttachmentDownloadUrl", "attachmentDownloadUrl", "downloadUrl").(string)
		rec := e.download(link)
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), png) || rec.Header().Get("Content-Type") != "image/png" ||
			rec.Header().Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
			t.Errorf("download: %d %v %q", rec.Code, rec.Header(), rec.Body.String())
		}
		for name, bad := range map[string]string{
			"another attachment's path": strings.Replace(link, id, "att_01H14DFQ4PDYBH398J1E99TWSS", 1),
			"no token":                  link[:strings.Index(link, "?")],
			"an upload token":           link[:strings.Index(link, "?")] + "?token=" + url.QueryEscape(tok),
		} {
			if rec := e.download(bad); rec.Code != 403 {
				t.Errorf("download with %s: %d %s", name, rec.Code, rec.Body.String())
			}
		}

		checkLinksExpire(t, e, key, f.customer.ID, id, png)
	})
}

// refusedOnB posts, with a key of workspace A, every write naming workspace
// B's customer, thread, note or attachment: each must be NOT_FOUND.
func (e *env) refusedOnB(t *testing.T, keyA, cust, threadB, noteB, attachmentB string) {
	t.Helper()
	for name, q := range map[string]string{
		"createNote":                  `mutation { createNote(input: {customerId: "` + cust + `", threadId: "` + threadB + `", text: "x"}) { error { code } } }`,
		"updateNote":                  `mutation { updateNote(input: {noteId: "` + noteB + `", text: "x"}) { error { code } } }`,
		"deleteNote":                  `mutation { deleteNote(input: {noteId: "` + noteB + `"}) { error { code } } }`,
		"sendChat":                    `mutation { sendChat(input: {customerId: "` + cust + `", threadId: "` + threadB + `", text: "x"}) { error { code } } }`,
		"sendCustomerChat":            `mutation { sendCustomerChat(input: {customerId: "` + cust + `", threadId: "` + threadB + `", text: "x"}) { error { code } } }`,
		"replyToThread":               `mutation { replyToThread(input: {threadId: "` + threadB + `", textContent: "x"}) { error { code } } }`,
		"createThreadEvent":           `mutation { createThreadEvent(input: {threadId: "` + threadB + `", title: "t", components: [{componentText: {text: "x"}}]}) { error { code } } }`,
		"createCustomerEvent":         `mutation { createCustomerEvent(input: {customerIdentifier: {customerId: "` + cust + `"}, title: "t", components: [{componentText: {text: "x"}}]}) { error { code } } }`,
		"createAttachmentUploadUrl":   `mutation { createAttachmentUploadUrl(input: {customerId: "` + cust + `", fileName: "a.png", fileSizeBytes: 1, attachmentType: CHAT}) { error { code } } }`,
		"createAttachmentDownloadUrl": `mutation { createAttachmentDownloadUrl(input: {attachmentId: "` + attachmentB + `"}) { error { code } } }`,
	} {
		r := e.post(keyA, q, nil)
		if c := path(r.Body, "data", name, "error", "code"); c != "not_found" {
			t.Errorf("%s on B's data: %s", name, r.Raw)
		}
	}
}

// checkLinksExpire: with one-second links, an upload link and a download
// link (of attachment id) used two seconds later are refused with 410.
func checkLinksExpire(t *testing.T, e *env, key, customerID, id string, png []byte) {
	t.Helper()
	e.svc.SetAttachmentLimits(attachment.Limits{MaxBytes: attachment.DefaultMaxBytes, UploadTTL: time.Second, DownloadTTL: time.Second})
	u2, tok2, _ := e.uploadURL(t, key, customerID, "late.png", len(png))
	late := e.downloadURL(key, id)
	lateLink, _ := path(late.Body, "data", "createAttachmentDownloadUrl", "attachmentDownloadUrl", "downloadUrl").(string)
	time.Sleep(2 * time.Second)
	if code, body := e.upload(t, u2, tok2, png); code != 410 || !strings.Contains(body, "attachment_token_expired") {
		t.Errorf("an expired upload: %d %s", code, body)
	}
	if rec := e.download(lateLink); rec.Code != 410 {
		t.Errorf("an expired download link: %d %s", rec.Code, rec.Body.String())
	}
}

// TestConversationIsolation: nothing of workspace B's timelines, notes,
// chats and attachments is reachable with a key of workspace A holding
// every permission, and A's writes naming B's things are NOT_FOUND.
func TestConversationIsolation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		other, err := e.svc.CreateWorkspace(ctx, "B")
		if err != nil {
			t.Fatal(err)
		}
		b := &env{t: t, st: e.st, svc: e.svc, h: e.h, ws: other.ID}
		fb := b.fixture(t)
		keyB, keyA := b.key(other.ID, auth.All), e.key(e.ws, auth.All)
		threadB := b.newThread(t, keyB, fb, `, channel: CHAT`)
		sysB := service.System(ctx, other.ID)
		nB, err := e.svc.CreateNote(sysB, service.CreateNoteInput{CustomerID: fb.customer.ID, ThreadID: &threadB, Content: note.Content{Text: "secret"}})
		if err != nil {
			t.Fatal(err)
		}
		up, err := e.svc.CreateAttachmentUploadURL(sysB, attachment.UploadInput{CustomerID: fb.customer.ID, FileName: "b.txt", Size: 2, Type: attachment.TypeChat})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UploadAttachment(ctx, up.Token, []byte("hi"), "text/plain"); err != nil {
			t.Fatal(err)
		}
		rb := e.post(keyB, `{ thread(threadId: "`+threadB+`") { timelineEntries { edges { node { id } } } } }`, nil)
		entryB, _ := path(rb.Body, "data", "thread", "timelineEntries", "edges", 0, "node", "id").(string)
		if entryB == "" {
			t.Fatalf("B's timeline: %s", rb.Raw)
		}
		cust := fb.customer.ID
		for name, q := range map[string]string{
			"timelineEntries": `{ timelineEntries(customerId: "` + cust + `") { edges { node { id } } } }`,
			"timelineEntry":   `{ timelineEntry(customerId: "` + cust + `", timelineEntryId: "` + entryB + `") { id } }`,
		} {
			r := e.post(keyA, q, nil)
			if r.Status != 200 || strings.Contains(r.Raw, entryB) || (name == "timelineEntry" && path(r.Body, "data", name) != nil) {
				t.Errorf("%s of B through A: %s", name, r.Raw)
			}
		}
		before := storetest.Digest(t, e.st)
		e.refusedOnB(t, keyA, cust, threadB, nB.ID, up.Attachment.ID)
		if storetest.Digest(t, e.st) != before {
			t.Error("A's refused writes on B's data wrote to the database")
		}
		// A's own note may not name B's attachment either.
		fa := e.fixture(t)
		r := e.post(keyA, `mutation { createNote(input: {customerId: "`+fa.customer.ID+`", text: "x", attachmentIds: ["`+up.Attachment.ID+`"]}) { error { code fields { field type } } } }`, nil)
		if path(r.Body, "data", "createNote", "error", "fields", 0, "type") != "NOT_FOUND" {
			t.Errorf("A's note with B's attachment: %s", r.Raw)
		}
		rb = e.post(keyB, `{ thread(threadId: "`+threadB+`") { timelineEntries { edges { node { id entry { __typename ... on NoteEntry { text } } } } } } }`, nil)
		// The thread's first message and the note, unchanged.
		if got := path(rb.Body, "data", "thread", "timelineEntries", "edges", 1, "node", "entry", "text"); got != "secret" {
			t.Errorf("B's note changed: %s", rb.Raw)
		}
		if n := len(path(rb.Body, "data", "thread", "timelineEntries", "edges").([]any)); n != 2 {
			t.Errorf("B's timeline has %d entries after A's attempts: %s", n, rb.Raw)
		}
	})
}
