package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/timeline"
)

// MaxUploads bounds the files one message or note carries from the web.
const MaxUploads = 10

// done ends a thread action: back to the thread page (htmx follows the
// redirect and swaps the page in).
func done(q *request) error {
	http.Redirect(q.w, q.r, "/threads/"+q.r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// refused shows the thread page again with what went wrong and the draft
// kept; failures that are not the caller's are returned as they are.
func (h *Handler) refused(q *request, err error, dr draft) error {
	status, msg := describe(err)
	if status == http.StatusInternalServerError || status == http.StatusNotFound {
		return err
	}
	d, derr := h.threadData(q.ctx, q.r.PathValue("id"), "")
	if derr != nil {
		return derr
	}
	d.Me, d.Draft = q.ses.User.ID, dr
	h.showThread(q, status, d, msg, "")
	return nil
}

// reply answers the customer on the thread's channel.
func (h *Handler) reply(q *request) error {
	return h.compose(q, "reply", func(text string, ids []string) error {
		return h.svc.ReplyToThread(q.ctx, service.ReplyInput{ThreadID: q.r.PathValue("id"), Text: text, AttachmentIDs: ids})
	})
}

// note adds an internal note to the thread.
func (h *Handler) note(q *request) error {
	return h.compose(q, "note", func(text string, ids []string) error {
		th, err := h.svc.Thread(q.ctx, service.ThreadLookup{ID: q.r.PathValue("id")})
		if err != nil || th == nil {
			return errors.Join(err, errNotFound)
		}
		_, err = h.svc.CreateNote(q.ctx, service.CreateNoteInput{CustomerID: th.CustomerID, ThreadID: &th.ID,
			Content: note.Content{Text: text, AttachmentIDs: ids}})
		return err
	})
}

// compose sends what the composer holds, unless someone else wrote on the
// thread since the page was shown: then the page comes back with what they
// wrote, the draft kept, and a button to send anyway.
func (h *Handler) compose(q *request, kind string, send func(text string, attachmentIDs []string) error) error {
	if err := q.r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return h.refused(q, core.InvalidField("attachments", "The files could not be read: "+err.Error()), draft{Kind: kind})
	}
	dr := draft{Kind: kind, Text: q.r.FormValue("text")}
	if q.r.FormValue("confirm") != "1" {
		others, err := h.newSince(q.ctx, q.r.PathValue("id"), q.r.FormValue("seen"), q.ses.User.ID)
		if err != nil {
			return err
		}
		if len(others) > 0 {
			d, err := h.threadData(q.ctx, q.r.PathValue("id"), "")
			if err != nil {
				return err
			}
			d.Me, d.Draft, d.Conflict = q.ses.User.ID, dr, others
			msg := fmt.Sprintf("%s wrote on this thread while you were writing. Read it, then send again or change your %s.",
				others[len(others)-1].Actor, kind)
			h.showThread(q, http.StatusConflict, d, msg, "")
			return nil
		}
	}
	ids, err := h.uploads(q, kind)
	if err != nil {
		return h.refused(q, err, dr)
	}
	if err := send(dr.Text, ids); err != nil {
		return h.refused(q, err, dr)
	}
	return done(q)
}

// newSince returns what others than me wrote on a thread (messages and
// notes) after the entry of cursor seen.
func (h *Handler) newSince(ctx context.Context, threadID, seen, me string) ([]entryView, error) {
	if seen == "" {
		return nil, nil
	}
	page, err := h.svc.ThreadTimeline(ctx, threadID, service.TimelineFilter{}, core.PageArgs{First: core.Ptr(50), After: &seen})
	if err != nil {
		if _, ok := core.AsError(err); ok { // a cursor from another page: nothing to compare with
			return nil, nil
		}
		return nil, err
	}
	var items []service.TimelineItem
	for _, e := range page.Edges {
		en := e.Node.Entry
		byMe := en.Actor.Type == core.ActorUser && en.Actor.ID == me
		if !byMe && (en.Kind.IsMessage() || en.Kind == timeline.KindNote || en.Kind == timeline.KindThreadCreated) {
			items = append(items, e.Node)
		}
	}
	if len(items) == 0 {
		return nil, nil
	}
	return h.entryViews(ctx, items, "The customer")
}

// uploads stores the files of the form's "attachments" field as
// attachments of the thread's customer, of the composer's kind, and
// returns their ids.
func (h *Handler) uploads(q *request, kind string) ([]string, error) {
	if q.r.MultipartForm == nil || len(q.r.MultipartForm.File["attachments"]) == 0 {
		return nil, nil
	}
	files := q.r.MultipartForm.File["attachments"]
	if len(files) > MaxUploads {
		return nil, core.InvalidField("attachments", fmt.Sprintf("At most %d files can be sent at once.", MaxUploads))
	}
	th, err := h.svc.Thread(q.ctx, service.ThreadLookup{ID: q.r.PathValue("id")})
	if err != nil || th == nil {
		return nil, errors.Join(err, errNotFound)
	}
	typ := attachment.TypeChat
	if kind == "note" {
		typ = attachment.TypeNote
	}
	var ids []string
	for _, fh := range files {
		id, err := h.upload(q.ctx, th.CustomerID, typ, fh)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (h *Handler) upload(ctx context.Context, customerID string, typ attachment.Type, fh *multipart.FileHeader) (string, error) {
	tok, err := h.svc.CreateAttachmentUploadURL(ctx, attachment.UploadInput{CustomerID: customerID, FileName: fh.Filename,
		Size: int(fh.Size), Type: typ})
	if err != nil {
		return "", err
	}
	f, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, fh.Size+1))
	if err != nil {
		return "", err
	}
	a, err := h.svc.UploadAttachment(ctx, tok.Token, data, fh.Header.Get("Content-Type"))
	if err != nil {
		return "", err
	}
	return a.ID, nil
}

// setStatus marks the thread done or back to todo.
func (h *Handler) setStatus(q *request) error {
	var err error
	switch id := q.r.PathValue("id"); q.r.PostFormValue("to") {
	case "done":
		_, err = h.svc.MarkThreadAsDone(q.ctx, id, nil)
	case "todo":
		_, err = h.svc.MarkThreadAsTodo(q.ctx, id, nil)
	default:
		err = core.InvalidField("to", "Choose Done or Todo")
	}
	if err != nil {
		return h.refused(q, err, draft{Kind: "reply"})
	}
	return done(q)
}

// snooze snoozes the thread for a number of seconds, or (0) until the
// customer replies.
func (h *Handler) snooze(q *request) error {
	secs, err := strconv.Atoi(q.r.PostFormValue("seconds"))
	if err != nil || secs < 0 {
		return h.refused(q, core.InvalidField("seconds", "Choose how long to snooze"), draft{Kind: "reply"})
	}
	var dur *int
	detail := thread.DetailWaitingForDuration
	if secs == 0 {
		detail = thread.DetailWaitingForCustomer
	} else {
		dur = &secs
	}
	if _, err := h.svc.SnoozeThread(q.ctx, q.r.PathValue("id"), dur, &detail); err != nil {
		return h.refused(q, err, draft{Kind: "reply"})
	}
	return done(q)
}

// assign assigns the thread to the caller ("me"), to a user, or to nobody
// ("").
func (h *Handler) assign(q *request) error {
	var err error
	id := q.r.PathValue("id")
	switch to := q.r.PostFormValue("to"); to {
	case "":
		_, err = h.svc.UnassignThread(q.ctx, id)
	case "me":
		_, err = h.svc.AssignThread(q.ctx, id, service.AssigneeInput{UserID: &q.ses.User.ID})
	default:
		_, err = h.svc.AssignThread(q.ctx, id, service.AssigneeInput{UserID: &to})
	}
	if err != nil {
		return h.refused(q, err, draft{Kind: "reply"})
	}
	return done(q)
}

// setLabels makes the thread's labels the checked label types: adds the
// new ones, removes the unchecked.
func (h *Handler) setLabels(q *request) error {
	id := q.r.PathValue("id")
	if err := q.r.ParseForm(); err != nil {
		return h.refused(q, core.InvalidField("labels", "The form could not be read"), draft{Kind: "reply"})
	}
	want := map[string]bool{}
	for _, t := range q.r.PostForm["label"] {
		want[t] = true
	}
	current, err := h.svc.LabelsOfThreads(q.ctx, []string{id})
	if err != nil {
		return h.refused(q, err, draft{Kind: "reply"})
	}
	var remove []string
	for _, l := range current[id] {
		if !want[l.Type.ID] {
			remove = append(remove, l.Label.ID)
		}
		delete(want, l.Type.ID)
	}
	var add []string
	for t := range want {
		add = append(add, t)
	}
	if len(add) > 0 {
		if _, err := h.svc.AddLabels(q.ctx, id, add); err != nil {
			return h.refused(q, err, draft{Kind: "reply"})
		}
	}
	if len(remove) > 0 {
		if _, err := h.svc.RemoveLabels(q.ctx, remove); err != nil {
			return h.refused(q, err, draft{Kind: "reply"})
		}
	}
	return done(q)
}

func (h *Handler) setPriority(q *request) error {
	p, err := strconv.Atoi(q.r.PostFormValue("priority"))
	if err == nil {
		_, err = h.svc.ChangeThreadPriority(q.ctx, q.r.PathValue("id"), p)
	} else {
		err = core.InvalidField("priority", "Choose a priority")
	}
	if err != nil {
		return h.refused(q, err, draft{Kind: "reply"})
	}
	return done(q)
}

// setField sets one thread field from its form (as text, read as its
// schema's type), or clears it when the value is empty.
func (h *Handler) setField(q *request) error {
	id, key := q.r.PathValue("id"), q.r.PostFormValue("key")
	value := strings.TrimSpace(q.r.PostFormValue("value"))
	var err error
	if value == "" {
		err = h.svc.DeleteThreadField(q.ctx, id, key)
	} else {
		var in field.ValueInput
		if in, err = h.fieldInput(q.ctx, key, value); err == nil {
			_, _, err = h.svc.UpsertThreadField(q.ctx, id, in)
		}
	}
	if err != nil {
		return h.refused(q, err, draft{Kind: "reply"})
	}
	return done(q)
}

// fieldInput reads a field's text as the value its schema's type takes.
func (h *Handler) fieldInput(ctx context.Context, key, value string) (field.ValueInput, error) {
	schemas, err := h.svc.ThreadFieldSchemas(ctx, core.PageArgs{First: core.Ptr(100)})
	if err != nil {
		return field.ValueInput{}, err
	}
	for _, e := range schemas.Edges {
		s := e.Node
		if s.Key != key {
			continue
		}
		in := field.ValueInput{Key: key, Type: s.Type}
		switch s.Type {
		case field.TypeBool:
			b, err := strconv.ParseBool(value)
			if err != nil {
				return in, core.InvalidField(key, "Choose yes or no")
			}
			in.Bool = &b
		case field.TypeNumber, field.TypeCurrency:
			n, err := strconv.ParseFloat(value, 64)
			if err != nil {
				return in, core.InvalidField(key, "Enter a number")
			}
			in.Number = &n
		case field.TypeDate:
			in.Date = &value
		default:
			in.String = &value
		}
		return in, nil
	}
	return field.ValueInput{}, core.NotFound("key", "Thread field")
}
