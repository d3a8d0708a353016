package graph

import (
	"context"
	"strings"

	"github.com/threadline/threadline/internal/attachment"
	"github.com/threadline/threadline/internal/chat"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/note"
	"github.com/threadline/threadline/internal/service"
)

func noteModel(n note.Note) *model.Note {
	return &model.Note{ID: n.ID, Text: n.Text, Markdown: n.Markdown, IsDeleted: n.IsDeleted(), IsEdited: n.EditedAt != nil,
		EditedAt: n.EditedAt, EditedBy: actorOrNil(n.EditedBy), DeletedAt: n.DeletedAt, DeletedBy: actorOrNil(n.DeletedBy),
		CreatedAt: n.CreatedAt, CreatedBy: internalActor(n.CreatedBy), UpdatedAt: n.UpdatedAt, UpdatedBy: internalActor(n.UpdatedBy),
		CustomerID: n.CustomerID, AttachmentIDs: n.AttachmentIDs}
}

func chatModel(c chat.Chat) *model.Chat {
	return &model.Chat{ID: c.ID, Text: c.Text, CustomerReadAt: c.CustomerReadAt, CreatedAt: c.CreatedAt, CreatedBy: actor(c.CreatedBy),
		UpdatedAt: c.CreatedAt, UpdatedBy: actor(c.CreatedBy), AttachmentIDs: c.AttachmentIDs}
}

// The attachment endpoints, served by internal/server at these paths of
// the server's URL.
const (
	AttachmentUploadPath   = "/attachments/upload"
	AttachmentDownloadPath = "/attachments/download/"
)

type baseURLKey struct{}

// WithBaseURL returns ctx carrying the URL the server is reached at
// (scheme and host, no trailing slash), which upload and download links
// start with.
func WithBaseURL(ctx context.Context, u string) context.Context {
	return context.WithValue(ctx, baseURLKey{}, strings.TrimSuffix(u, "/"))
}

func baseURL(ctx context.Context) string {
	u, _ := ctx.Value(baseURLKey{}).(string)
	return u
}

// uploadURL presents an upload token as Plain's upload form: a URL to POST
// multipart/form-data to, with the fields to send before the file.
func uploadURL(ctx context.Context, t service.AttachmentToken) *model.AttachmentUploadURL {
	return &model.AttachmentUploadURL{Attachment: attachmentModel(t.Attachment), ExpiresAt: t.ExpiresAt,
		UploadFormURL:  baseURL(ctx) + AttachmentUploadPath,
		UploadFormData: []model.UploadFormData{{Key: "token", Value: t.Token}}}
}

// downloadURL presents a download token as a link.
func downloadURL(ctx context.Context, t service.AttachmentToken) *model.AttachmentDownloadURL {
	return &model.AttachmentDownloadURL{Attachment: attachmentModel(t.Attachment), ExpiresAt: t.ExpiresAt,
		DownloadURL: baseURL(ctx) + AttachmentDownloadPath + t.Attachment.ID + "?token=" + t.Token}
}

// uploadInput converts createAttachmentUploadUrl's input.
func uploadInput(in model.CreateAttachmentUploadURLInput) attachment.UploadInput {
	return attachment.UploadInput{CustomerID: in.CustomerID, FileName: in.FileName, Size: in.FileSizeBytes,
		Type: attachment.Type(in.AttachmentType)}
}

// customerOf resolves the customer a note (or another object) names:
// selecting only its id needs no customer:read.
func (r *Resolver) customerOf(ctx context.Context, id string) (*model.Customer, error) {
	if onlyID(ctx) {
		return &model.Customer{ID: id}, nil
	}
	c, err := customersByID.of(ctx, r.Svc).Load(ctx, id)
	if err != nil || c == nil {
		return nil, r.nilOrQueryError(ctx, err)
	}
	return customerModel(*c), nil
}
