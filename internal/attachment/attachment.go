// Package attachment defines attachments: files a customer or agent adds
// to a message or note. An attachment is declared first (its name, exact
// size and kind), which yields a signed, expiring, single-use upload
// token; its content is uploaded once with that token; it is then named
// by notes and chats, and read through signed, expiring download tokens.
package attachment

import (
	"bytes"
	"fmt"
	"mime"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/core"
)

// Type is Plain's AttachmentType: the kind of message an attachment is for.
type Type string

// The attachment types.
const (
	TypeChat                Type = "CHAT"
	TypeCustomTimelineEntry Type = "CUSTOM_TIMELINE_ENTRY"
	TypeDiscord             Type = "DISCORD"
	TypeEmail               Type = "EMAIL"
	TypeMSTeams             Type = "MS_TEAMS"
	TypeNote                Type = "NOTE"
	TypeSlack               Type = "SLACK"
	TypeThreadDiscussion    Type = "THREAD_DISCUSSION"
)

var types = []Type{TypeChat, TypeCustomTimelineEntry, TypeDiscord, TypeEmail, TypeMSTeams, TypeNote, TypeSlack, TypeThreadDiscussion}

// Status says whether an attachment's content was uploaded.
type Status string

// The attachment statuses.
const (
	StatusPending  Status = "PENDING"
	StatusUploaded Status = "UPLOADED"
)

// Limits of attachments.
const (
	// DefaultMaxBytes is the largest file accepted unless the server is
	// configured otherwise: Plain's limit for email attachments (6 MB),
	// applied to every kind.
	DefaultMaxBytes = 6 << 20
	// MaxPerMessage bounds the attachments of one note or chat.
	MaxPerMessage = 100
	// MaxFileNameLength bounds a file name, in characters.
	MaxFileNameLength = 255
	// DefaultUploadTTL is how long an upload token is valid, as in Plain.
	DefaultUploadTTL = 2 * time.Hour
	// DefaultDownloadTTL is how long a download token is valid.
	DefaultDownloadTTL = time.Hour
)

// Error codes of attachments, as Plain names them.
const (
	CodeFileTooLarge       = "attachment_file_size_too_large"
	CodeFileTypeNotAllowed = "attachment_file_type_not_allowed"
	CodeNotUploaded        = "attachment_not_uploaded"
)

// BlockedExtensions are the file extensions Plain refuses: executables and
// scripts.
var BlockedExtensions = []string{"bat", "bin", "chm", "com", "cpl", "crt", "exe", "hlp", "hta", "inf", "ins", "isp",
	"jse", "lnk", "mdb", "msc", "msi", "msp", "mst", "pcd", "pif", "reg", "scr", "sct", "shs", "vba", "vbe", "vbs",
	"wsf", "wsh", "wsl"}

// Attachment is one attachment ("att_") of a customer.
type Attachment struct {
	ID          string
	WorkspaceID string
	CustomerID  string
	Type        Type
	FileName    string
	// Size is the file's exact size in bytes, declared before the upload.
	Size int64
	// MimeType is guessed from the file name until the upload, then
	// sniffed from the content.
	MimeType        string
	Extension       *string // lower case, without the dot
	Status          Status
	UploadExpiresAt core.Time
	UploadedAt      *core.Time
	CreatedAt       core.Time
	CreatedBy       core.Actor
	UpdatedAt       core.Time
	UpdatedBy       core.Actor
}

// IsUploaded reports whether a's content was uploaded.
func (a Attachment) IsUploaded() bool { return a.Status == StatusUploaded }

// UploadInput declares an attachment to upload.
type UploadInput struct {
	CustomerID string
	FileName   string
	Size       int
	Type       Type
}

// Limits are a server's attachment limits.
type Limits struct {
	MaxBytes    int64
	UploadTTL   time.Duration
	DownloadTTL time.Duration
}

// DefaultLimits are Plain's limits.
var DefaultLimits = Limits{MaxBytes: DefaultMaxBytes, UploadTTL: DefaultUploadTTL, DownloadTTL: DefaultDownloadTTL}

// NewUpload checks in against lim and returns the pending attachment it
// declares, created by actor at now. A blocked extension is refused with
// attachment_file_type_not_allowed, a size over the limit with
// attachment_file_size_too_large.
func NewUpload(in UploadInput, workspaceID string, lim Limits, now core.Time, by core.Actor) (Attachment, error) {
	name := strings.TrimSpace(in.FileName)
	// A name is a name, not a path: keep its last element.
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	var c core.Collector
	switch {
	case name == "" || name == "." || name == "/":
		c.Required("fileName")
	case len([]rune(name)) > MaxFileNameLength:
		c.Invalid("fileName", fmt.Sprintf("String must contain at most %d character(s)", MaxFileNameLength))
	case strings.ContainsAny(name, "\x00\r\n"):
		c.Invalid("fileName", "Must not contain control characters")
	}
	if !slices.Contains(types, in.Type) {
		c.Invalid("attachmentType", "Unknown attachment type "+string(in.Type))
	}
	if in.Size < 1 {
		c.Invalid("fileSizeBytes", "Must be at least 1 byte")
	}
	if err := c.Err(); err != nil {
		return Attachment{}, err
	}
	ext := Extension(name)
	if ext != nil && slices.Contains(BlockedExtensions, *ext) {
		return Attachment{}, core.Conflict(CodeFileTypeNotAllowed, "fileName", fmt.Sprintf("Files of type .%s are not allowed", *ext))
	}
	if int64(in.Size) > lim.MaxBytes {
		return Attachment{}, core.Conflict(CodeFileTooLarge, "fileSizeBytes",
			fmt.Sprintf("Attachments may be at most %d bytes", lim.MaxBytes))
	}
	return Attachment{ID: core.NewID(core.PrefixAttachment), WorkspaceID: workspaceID, CustomerID: in.CustomerID,
		Type: in.Type, FileName: name, Size: int64(in.Size), MimeType: GuessType(ext), Extension: ext,
		Status: StatusPending, UploadExpiresAt: now.Add(lim.UploadTTL),
		CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}, nil
}

// Extension returns a file name's extension, lower case and without the
// dot, or nil when it has none.
func Extension(name string) *string {
	e := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	if e == "" {
		return nil
	}
	return &e
}

// GuessType returns the media type an extension usually has, or
// application/octet-stream.
func GuessType(ext *string) string {
	if ext != nil {
		if t := mime.TypeByExtension("." + *ext); t != "" {
			return t
		}
	}
	return "application/octet-stream"
}

// executableMagic are the first bytes of native executables: refused
// whatever their name says.
var executableMagic = [][]byte{[]byte("MZ"), []byte("\x7fELF"), {0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf},
	{0xcf, 0xfa, 0xed, 0xfe}, {0xce, 0xfa, 0xed, 0xfe}, {0xca, 0xfe, 0xba, 0xbe}}

// CheckContent refuses content that is a native executable, with
// attachment_file_type_not_allowed.
func CheckContent(data []byte) error {
	for _, m := range executableMagic {
		if bytes.HasPrefix(data, m) {
			return core.Conflict(CodeFileTypeNotAllowed, "", "Executable files are not allowed")
		}
	}
	return nil
}

// Uploaded returns a with its content uploaded at now, of the sniffed
// media type.
func (a Attachment) Uploaded(mimeType string, now core.Time) Attachment {
	a.Status, a.UploadedAt, a.UpdatedAt = StatusUploaded, &now, now
	if mimeType != "" {
		a.MimeType = mimeType
	}
	return a
}
