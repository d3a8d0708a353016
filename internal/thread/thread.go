// Package thread defines support threads: their identity (id, per-workspace
// ref "T-n", external id), status model, priority, assignee and channel.
package thread

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/threadline/threadline/internal/core"
)

// Status is Plain's ThreadStatus.
type Status string

// The thread statuses.
const (
	StatusTodo    Status = "TODO"
	StatusSnoozed Status = "SNOOZED"
	StatusDone    Status = "DONE"
)

// Detail is Plain's StatusDetailType: why a thread has its status.
type Detail string

// The status details Threadline sets.
const (
	DetailCreated              Detail = "CREATED"
	DetailInProgress           Detail = "IN_PROGRESS"
	DetailNewReply             Detail = "NEW_REPLY"
	DetailWaitingForCustomer   Detail = "WAITING_FOR_CUSTOMER"
	DetailWaitingForDuration   Detail = "WAITING_FOR_DURATION"
	DetailDoneManuallySet      Detail = "DONE_MANUALLY_SET"
	DetailDoneAutomaticallySet Detail = "DONE_AUTOMATICALLY_SET"
	DetailIgnored              Detail = "IGNORED"
)

// Channel is Plain's ThreadChannel.
type Channel string

// The thread channels.
const (
	ChannelAPI     Channel = "API"
	ChannelChat    Channel = "CHAT"
	ChannelDiscord Channel = "DISCORD"
	ChannelEmail   Channel = "EMAIL"
	ChannelImport  Channel = "IMPORT"
	ChannelMSTeams Channel = "MS_TEAMS"
	ChannelSlack   Channel = "SLACK"
)

// CanReply reports whether agents can answer threads of channel c:
// replies leave on the thread's own channel, chat for CHAT threads and
// email for EMAIL and API threads (ReplyToThread and the web app's
// composer both ask).
func (c Channel) CanReply() bool { return c == ChannelChat || c == ChannelEmail || c == ChannelAPI }

// Priorities: 0 urgent, 1 high, 2 normal (default), 3 low.
const (
	PriorityUrgent  = 0
	PriorityLow     = 3
	DefaultPriority = 2
)

// Limits of thread text.
const (
	MaxTitleLength   = 500
	MaxPreviewLength = 500
)

// Thread is one support conversation with a customer.
type Thread struct {
	ID              string
	WorkspaceID     string
	Ref             int64 // shown as "T-<Ref>"
	ExternalID      *string
	CustomerID      string
	Title           string
	Description     *string
	PreviewText     *string
	Priority        int
	Status          Status
	StatusDetail    Detail
	StatusChangedAt core.Time
	StatusChangedBy core.Actor
	// WaitingUntil is when a snoozed thread wakes (WAITING_FOR_DURATION).
	WaitingUntil *core.Time
	Channel      Channel
	// TenantID is the tenant the thread is about; TierID the tier it was
	// placed in (its tenant's, else its customer's company's, else the
	// workspace's default tier), where service levels will attach.
	TenantID   *string
	TierID     *string
	Assignee   *core.Actor // a user or machine user
	AssignedAt *core.Time
	// Messages are the thread's first and last inbound and outbound
	// message infos.
	Messages Messages
	// SupportEmailAddresses are the workspace's support addresses the
	// thread's emails were exchanged through, in the order first used.
	SupportEmailAddresses []string
	CreatedAt             core.Time
	CreatedBy             core.Actor
	UpdatedAt             core.Time
	UpdatedBy             core.Actor
}

// RefString formats the ref ("T-12").
func (t Thread) RefString() string { return "T-" + strconv.FormatInt(t.Ref, 10) }

// ParseRef parses "T-12" (case-insensitive "t-12" too) into 12.
func ParseRef(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 3 || (s[0] != 'T' && s[0] != 't') || s[1] != '-' {
		return 0, false
	}
	n, err := strconv.ParseInt(s[2:], 10, 64)
	return n, err == nil && n > 0
}

// ValidPriority reports whether p is 0..3.
func ValidPriority(p int) bool { return p >= PriorityUrgent && p <= PriorityLow }

// CleanTitle trims a given title and checks it is neither blank nor too
// long; an absent title (nil) is "" and the caller derives one.
func CleanTitle(c *core.Collector, field string, s *string) string {
	if s == nil {
		return ""
	}
	v := strings.TrimSpace(*s)
	if v == "" {
		c.Invalid(field, "String must contain at least 1 character(s)")
	}
	if len([]rune(v)) > MaxTitleLength {
		c.Invalid(field, fmt.Sprintf("String must contain at most %d character(s)", MaxTitleLength))
	}
	return v
}

// Truncate shortens s to at most n runes, on a word boundary when one is
// near, adding "…" when it cut.
func Truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)*3/4 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ") + "…"
}

// DeriveTitle returns the title of a thread created without one: the first
// line of its description or message, else "Thread from <customer>".
func DeriveTitle(description, preview, customerName string) string {
	for _, s := range []string{description, preview} {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if i := strings.IndexByte(s, '\n'); i > 0 {
			s = s[:i]
		}
		return Truncate(s, 100)
	}
	return Truncate("Thread from "+customerName, MaxTitleLength)
}

// Deleted records that a thread was deleted, and when: what is left of it
// (Plain's DeletedThread).
type Deleted struct {
	ThreadID  string
	DeletedAt core.Time
	DeletedBy core.Actor
}

// DeletedFilter selects deleted threads by when they were deleted.
type DeletedFilter struct {
	DeletedAt *TimeRange
}

// DeletedCursorOf is the cursor of a deleted thread in lists of deleted
// threads (newest first).
func DeletedCursorOf(d Deleted) string {
	return core.EncodeCursor(strconv.FormatInt(d.DeletedAt.Millis(), 10), d.ThreadID)
}

// AdditionalAssignee is a user or machine user looped in on a thread
// besides its assignee.
type AdditionalAssignee struct {
	WorkspaceID string
	ThreadID    string
	Assignee    core.Actor
	CreatedAt   core.Time
	CreatedBy   core.Actor
}

// MaxAdditionalAssignees bounds a thread's additional assignees.
const MaxAdditionalAssignees = 25

// SearchText is the text a thread is found by, besides its messages': its
// title, description and preview.
func (t Thread) SearchText() string {
	s := t.Title
	for _, p := range []*string{t.Description, t.PreviewText} {
		if p != nil && *p != "" {
			s += "\n" + *p
		}
	}
	return s
}
