// Package model holds the GraphQL models: generated ones (models_gen.go) and
// the hand-written ones below, which carry the ids their lazily resolved
// relations need.
package model

import (
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/timeline"
)

// Thread is a thread as the API shows it. Customer, labels, thread fields,
// tenant and assignees are resolved on demand, in batches. The fields of
// features Threadline does not have (AI agents, SLAs, thread links,
// discussions, surveys, channel details, escalations) stay
// zero: null, empty, or an empty connection.
type Thread struct {
	ID                    string
	Ref                   string
	ExternalID            *string
	Title                 string
	Description           *string
	PreviewText           *string
	Priority              int
	Status                ThreadStatus
	StatusDetail          ThreadStatusDetail
	StatusChangedAt       core.Time
	Channel               ThreadChannel
	AssignedAt            *core.Time
	LockedAt              *core.Time
	SupportEmailAddresses []string
	CreatedAt             core.Time
	CreatedBy             Actor
	UpdatedAt             core.Time
	UpdatedBy             Actor
	StatusChangedBy       Actor

	AgentStatus                        *AgentStatus
	AgentStatusDetail                  AgentStatusDetail
	AgentStatusUpdatedAt               *core.Time
	AgentStatusUpdatedBy               Actor
	CatchupDetail                      *ThreadCatchupDetail
	ChannelDetails                     ThreadChannelDetails
	EscalationDetails                  *ThreadEscalationDetails
	FirstInboundMessageInfo            *ThreadMessageInfo
	FirstOutboundMessageInfo           *ThreadMessageInfo
	LastInboundMessageInfo             *ThreadMessageInfo
	LastOutboundMessageInfo            *ThreadMessageInfo
	Links                              ThreadLinkConnection
	LockedBy                           InternalActor
	Participants                       ActorConnection
	ServiceLevelAgreementStatusSummary ServiceLevelAgreementStatusSummary
	SurveyResponse                     *SurveyResponse
	ThreadDiscussions                  []ThreadDiscussion

	CustomerID string
	TenantID   *string
	TierID     *string
	Assignee   *core.Actor
}

// Customer is a customer as the API shows it. Customers are never assigned
// in Threadline, so assignedAt, assignedToUser and the deprecated status
// times stay null.
type Customer struct {
	ID             string
	FullName       string
	ShortName      *string
	ExternalID     *string
	Email          *EmailAddress
	AvatarURL      *string
	IsAnonymous    bool
	MarkedAsSpamAt *core.Time
	Status         *CustomerStatus
	MarkedAsSpamBy InternalActor
	Identities     []CustomerIdentity
	CreatedAt      core.Time
	CreatedBy      Actor
	UpdatedAt      core.Time
	UpdatedBy      Actor

	AssignedAt      *core.Time
	AssignedToUser  *UserActor
	LastIdleAt      *core.Time
	StatusChangedAt *core.Time

	CompanyID *string
}

// LabelType is a label type as the API shows it.
type LabelType struct {
	ID               string
	Name             string
	Icon             *string
	Color            *string
	Description      *string
	ExternalID       *string
	IsArchived       bool
	ArchivedAt       *core.Time
	ArchivedBy       InternalActor
	IsExcludedFromAi bool
	Position         string
	Type             LabelTypeType
	CreatedAt        core.Time
	CreatedBy        InternalActor
	UpdatedAt        core.Time
	UpdatedBy        InternalActor

	ParentID *string
}

// Label is a label on a thread; its type is resolved on demand.
type Label struct {
	ID        string
	CreatedAt core.Time
	CreatedBy Actor
	UpdatedAt core.Time
	UpdatedBy Actor

	TypeID string
	// Type is the label type when it was read with the label.
	Type *label.Type
}

// NoteEntry is a note as a timeline entry shows it; its attachments are
// resolved on demand.
type NoteEntry struct {
	EditedAt      *core.Time
	EditedBy      InternalActor
	IsEdited      bool
	Markdown      *string
	NoteID        string
	Text          string
	AttachmentIDs []string
}

// IsEntry marks NoteEntry as a member of the Entry union.
func (NoteEntry) IsEntry() {}

// ChatEntry is a chat as a timeline entry shows it; its attachments are
// resolved on demand.
type ChatEntry struct {
	ChatID         string
	CustomerReadAt *core.Time
	Text           *string
	AttachmentIDs  []string
}

// IsEntry marks ChatEntry as a member of the Entry union.
func (ChatEntry) IsEntry() {}

// Chat is a chat message; its attachments are resolved on demand.
type Chat struct {
	ID             string
	Text           *string
	CustomerReadAt *core.Time
	CreatedAt      core.Time
	CreatedBy      Actor
	UpdatedAt      core.Time
	UpdatedBy      Actor
	AttachmentIDs  []string
}

// Note is a note; its customer and attachments are resolved on demand.
type Note struct {
	ID            string
	Text          string
	Markdown      *string
	ExternalID    *string
	IsDeleted     bool
	IsEdited      bool
	EditedAt      *core.Time
	EditedBy      InternalActor
	DeletedAt     *core.Time
	DeletedBy     InternalActor
	CreatedAt     core.Time
	CreatedBy     InternalActor
	UpdatedAt     core.Time
	UpdatedBy     InternalActor
	CustomerID    string
	AttachmentIDs []string
}

// ThreadAssignmentTransitionedEntry records a change of assignee; the
// assignees are resolved on demand.
type ThreadAssignmentTransitionedEntry struct {
	Next     *core.Actor
	Previous *core.Actor
}

// IsEntry marks ThreadAssignmentTransitionedEntry as a member of the Entry union.
func (ThreadAssignmentTransitionedEntry) IsEntry() {}

// ThreadLabelsChangedEntry records labels added or removed; the labels
// are shown as they were when the change happened.
type ThreadLabelsChangedEntry struct {
	Next     []timeline.Label
	Previous []timeline.Label
}

// IsEntry marks ThreadLabelsChangedEntry as a member of the Entry union.
func (ThreadLabelsChangedEntry) IsEntry() {}
