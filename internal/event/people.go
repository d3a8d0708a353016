package event

import (
	"encoding/json"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/user"
)

// Actor is who did something as webhook payloads show it (the schema's
// "actor"): tagged by ActorType, with exactly the id property its type
// has, and none for "UNKNOWN".
type Actor struct {
	ActorType     string  `json:"actorType"`
	UserID        *string `json:"userId,omitempty"`
	MachineUserID *string `json:"machineUserId,omitempty"`
	CustomerID    *string `json:"customerId,omitempty"`
	System        *string `json:"system,omitempty"`
}

// NewActor shows a as webhooks do. A deleted customer is still shown as
// the customer it was; an actor of no known type is "UNKNOWN".
func NewActor(a core.Actor) Actor {
	id := a.ID
	switch a.Type {
	case core.ActorUser:
		return Actor{ActorType: "user", UserID: &id}
	case core.ActorMachineUser:
		return Actor{ActorType: "machineUser", MachineUserID: &id}
	case core.ActorCustomer, core.ActorDeletedCustomer:
		return Actor{ActorType: "customer", CustomerID: &id}
	case core.ActorSystem:
		return Actor{ActorType: "system", System: &id}
	}
	return Actor{ActorType: "UNKNOWN"}
}

// NewInternalActor shows a where webhooks only admit a user, machine user
// or system (the schema's "internalActor"): a customer is "UNKNOWN".
func NewInternalActor(a core.Actor) Actor {
	if a.Type == core.ActorCustomer || a.Type == core.ActorDeletedCustomer {
		return Actor{ActorType: "UNKNOWN"}
	}
	return NewActor(a)
}

// iso formats an optional time as webhooks show it: null when unset.
func iso(t *core.Time) *string {
	if t == nil {
		return nil
	}
	s := t.ISO8601()
	return &s
}

// Customer is a customer as webhook payloads show it.
type Customer struct {
	ID             string        `json:"id"`
	FullName       string        `json:"fullName"`
	ShortName      *string       `json:"shortName"`
	ExternalID     *string       `json:"externalId"`
	Email          CustomerEmail `json:"email"`
	CreatedAt      string        `json:"createdAt"`
	CreatedBy      Actor         `json:"createdBy"`
	UpdatedAt      string        `json:"updatedAt"`
	UpdatedBy      Actor         `json:"updatedBy"`
	MarkedAsSpamAt *string       `json:"markedAsSpamAt"`
	// MarkedAsSpamBy is null while the customer is not spam, who marked it
	// once it is, and left out for customers marked before Threadline
	// recorded who did.
	MarkedAsSpamBy           *NullableActor            `json:"markedAsSpamBy,omitempty"`
	CustomerGroupMemberships []CustomerGroupMembership `json:"customerGroupMemberships"`
}

// NullableActor is an internal actor, or null when Actor is nil.
type NullableActor struct{ Actor *Actor }

// MarshalJSON encodes the actor, or null.
func (a NullableActor) MarshalJSON() ([]byte, error) {
	if a.Actor == nil {
		return []byte("null"), nil
	}
	return json.Marshal(a.Actor)
}

// spamMarker is c's markedAsSpamBy (see Customer).
func spamMarker(c customer.Customer) *NullableActor {
	switch {
	case c.MarkedAsSpamAt == nil:
		return &NullableActor{}
	case c.MarkedAsSpamBy != nil:
		a := NewInternalActor(*c.MarkedAsSpamBy)
		return &NullableActor{Actor: &a}
	}
	return nil
}

// CustomerEmail is a customer's email address as webhooks show it.
type CustomerEmail struct {
	Email      string  `json:"email"`
	IsVerified bool    `json:"isVerified"`
	VerifiedAt *string `json:"verifiedAt"`
}

// NewCustomer shows c, a member of the customer groups of groups, as
// webhooks do.
func NewCustomer(c customer.Customer, groups ...customergroup.Member) Customer {
	ms := make([]CustomerGroupMembership, len(groups))
	for i, g := range groups {
		ms[i] = NewCustomerGroupMembership(g)
	}
	return Customer{
		ID: c.ID, FullName: c.FullName, ShortName: c.ShortName, ExternalID: c.ExternalID,
		Email:     CustomerEmail{Email: c.Email, IsVerified: c.EmailVerified, VerifiedAt: iso(c.EmailVerifiedAt)},
		CreatedAt: c.CreatedAt.ISO8601(), CreatedBy: NewActor(c.CreatedBy),
		UpdatedAt: c.UpdatedAt.ISO8601(), UpdatedBy: NewActor(c.UpdatedBy),
		MarkedAsSpamAt: iso(c.MarkedAsSpamAt), MarkedAsSpamBy: spamMarker(c),
		CustomerGroupMemberships: ms,
	}
}

// Assignee is a thread's assignee as webhooks show it: a User, a
// MachineUser, or an AssigneeRef for one that cannot be read any more. A
// nil Assignee is shown as null.
type Assignee interface{ assignee() }

// AssigneeRef is an assignee shown by id only, as the schema allows, for
// one that cannot be read any more.
type AssigneeRef struct {
	ID string `json:"id"`
}

func (AssigneeRef) assignee() {}

// User is a user as webhooks show it.
type User struct {
	ID         string `json:"id"`
	Email      string `json:"email"`
	FullName   string `json:"fullName"`
	PublicName string `json:"publicName"`
	// Status is one of Plain's user statuses, or UNKNOWN_USER_STATUS.
	Status string `json:"status"`
	// StatusChangedAt is when the user was created: Threadline sets a
	// user's status only then.
	StatusChangedAt string  `json:"statusChangedAt"`
	CreatedAt       string  `json:"createdAt"`
	CreatedBy       Actor   `json:"createdBy"`
	UpdatedAt       string  `json:"updatedAt"`
	UpdatedBy       Actor   `json:"updatedBy"`
	DeletedAt       *string `json:"deletedAt"`
	DeletedBy       *Actor  `json:"deletedBy"`
}

func (User) assignee() {}

// NewUser shows u as webhooks do; its actors are internal actors.
func NewUser(u user.User) User {
	status := string(u.Status)
	switch u.Status {
	case user.StatusOnline, user.StatusOffline, user.StatusAway, user.StatusBreak:
	default:
		status = "UNKNOWN_USER_STATUS"
	}
	return User{ID: u.ID, Email: u.Email, FullName: u.FullName, PublicName: u.PublicName,
		Status: status, StatusChangedAt: u.CreatedAt.ISO8601(),
		CreatedAt: u.CreatedAt.ISO8601(), CreatedBy: NewInternalActor(u.CreatedBy),
		UpdatedAt: u.UpdatedAt.ISO8601(), UpdatedBy: NewInternalActor(u.UpdatedBy),
		DeletedAt: iso(u.DeletedAt), DeletedBy: deletedBy(u.DeletedAt, u.UpdatedBy)}
}

// MachineUser is a machine user as webhooks show it.
type MachineUser struct {
	ID          string  `json:"id"`
	FullName    string  `json:"fullName"`
	PublicName  string  `json:"publicName"`
	Description *string `json:"description"`
	CreatedAt   string  `json:"createdAt"`
	CreatedBy   Actor   `json:"createdBy"`
	UpdatedAt   string  `json:"updatedAt"`
	UpdatedBy   Actor   `json:"updatedBy"`
	DeletedAt   *string `json:"deletedAt"`
	DeletedBy   *Actor  `json:"deletedBy"`
}

func (MachineUser) assignee() {}

// NewMachineUser shows m as webhooks do; its actors are internal actors.
func NewMachineUser(m user.MachineUser) MachineUser {
	return MachineUser{ID: m.ID, FullName: m.FullName, PublicName: m.PublicName, Description: m.Description,
		CreatedAt: m.CreatedAt.ISO8601(), CreatedBy: NewInternalActor(m.CreatedBy),
		UpdatedAt: m.UpdatedAt.ISO8601(), UpdatedBy: NewInternalActor(m.UpdatedBy),
		DeletedAt: iso(m.DeletedAt), DeletedBy: deletedBy(m.DeletedAt, m.UpdatedBy)}
}

// deletedBy is who deleted a record (deletion is its last update), or nil
// when it is not deleted.
func deletedBy(at *core.Time, updatedBy core.Actor) *Actor {
	if at == nil {
		return nil
	}
	a := NewInternalActor(updatedBy)
	return &a
}
