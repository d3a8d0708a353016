package event

import (
	"github.com/threadline/threadline/internal/customergroup"
)

// CustomerGroup is a customer group as webhook payloads show it; its
// actors are internal actors.
type CustomerGroup struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspaceId"`
	Name        string `json:"name"`
	Key         string `json:"key"`
	Color       string `json:"color"`
	CreatedAt   string `json:"createdAt"`
	CreatedBy   Actor  `json:"createdBy"`
	UpdatedAt   string `json:"updatedAt"`
	UpdatedBy   Actor  `json:"updatedBy"`
}

// NewCustomerGroup shows g as webhooks do.
func NewCustomerGroup(g customergroup.Group) CustomerGroup {
	return CustomerGroup{ID: g.ID, WorkspaceID: g.WorkspaceID, Name: g.Name, Key: g.Key, Color: g.Color,
		CreatedAt: g.CreatedAt.ISO8601(), CreatedBy: NewInternalActor(g.CreatedBy),
		UpdatedAt: g.UpdatedAt.ISO8601(), UpdatedBy: NewInternalActor(g.UpdatedBy)}
}

// CustomerGroupMembership is a customer's membership of a customer group
// as webhook payloads show it, with the group.
type CustomerGroupMembership struct {
	CustomerID      string        `json:"customerId"`
	CustomerGroupID string        `json:"customerGroupId"`
	WorkspaceID     string        `json:"workspaceId"`
	CreatedAt       string        `json:"createdAt"`
	CreatedBy       Actor         `json:"createdBy"`
	UpdatedAt       string        `json:"updatedAt"`
	UpdatedBy       Actor         `json:"updatedBy"`
	CustomerGroup   CustomerGroup `json:"customerGroup"`
}

// NewCustomerGroupMembership shows m as webhooks do.
func NewCustomerGroupMembership(m customergroup.Member) CustomerGroupMembership {
	return CustomerGroupMembership{CustomerID: m.Membership.CustomerID, CustomerGroupID: m.Membership.GroupID,
		WorkspaceID: m.Membership.WorkspaceID, CreatedAt: m.Membership.CreatedAt.ISO8601(),
		CreatedBy: NewInternalActor(m.Membership.CreatedBy), UpdatedAt: m.Membership.UpdatedAt.ISO8601(),
		UpdatedBy: NewInternalActor(m.Membership.UpdatedBy), CustomerGroup: NewCustomerGroup(m.Group)}
}

// ChangeType says how an entity or a set of memberships changed.
type ChangeType string

// The change types of Plain's "…_changed" webhook events.
const (
	ChangeAdded   ChangeType = "ADDED"
	ChangeUpdated ChangeType = "UPDATED"
	ChangeRemoved ChangeType = "REMOVED"
)

// CustomerGroupChangedPayload is the payload of
// customer.customer_group_changed: the group as it is (unless REMOVED)
// and as it was (unless ADDED).
type CustomerGroupChangedPayload struct {
	EventType             Type           `json:"eventType"`
	ChangeType            ChangeType     `json:"changeType"`
	CustomerGroup         *CustomerGroup `json:"customerGroup,omitempty"`
	PreviousCustomerGroup *CustomerGroup `json:"previousCustomerGroup,omitempty"`
}

// NewCustomerGroupChanged is the event of a group's creation (prev nil),
// change, or removal (next nil).
func NewCustomerGroupChanged(next, prev *customergroup.Group) CustomerGroupChangedPayload {
	p := CustomerGroupChangedPayload{EventType: CustomerGroupChanged, ChangeType: ChangeUpdated}
	if next != nil {
		g := NewCustomerGroup(*next)
		p.CustomerGroup = &g
	}
	if prev != nil {
		g := NewCustomerGroup(*prev)
		p.PreviousCustomerGroup = &g
	}
	switch {
	case prev == nil:
		p.ChangeType = ChangeAdded
	case next == nil:
		p.ChangeType = ChangeRemoved
	}
	return p
}

// Type is customer.customer_group_changed.
func (CustomerGroupChangedPayload) Type() Type { return CustomerGroupChanged }

// OrderKey is the group's id: a target receives a group's changes in order.
func (p CustomerGroupChangedPayload) OrderKey() string {
	if p.CustomerGroup != nil {
		return p.CustomerGroup.ID
	}
	return p.PreviousCustomerGroup.ID
}

// CustomerGroupMembershipsChangedPayload is the payload of
// customer.customer_group_memberships_changed: the customer with their
// memberships after the change and before it.
type CustomerGroupMembershipsChangedPayload struct {
	EventType        Type       `json:"eventType"`
	ChangeType       ChangeType `json:"changeType"`
	Customer         Customer   `json:"customer"`
	PreviousCustomer Customer   `json:"previousCustomer"`
}

// NewCustomerGroupMembershipsChanged is the event of memberships added
// (ChangeAdded) to or removed (ChangeRemoved) from a customer.
func NewCustomerGroupMembershipsChanged(change ChangeType, next, prev Customer) CustomerGroupMembershipsChangedPayload {
	return CustomerGroupMembershipsChangedPayload{EventType: CustomerGroupMembershipsChanged, ChangeType: change,
		Customer: next, PreviousCustomer: prev}
}

// Type is customer.customer_group_memberships_changed.
func (CustomerGroupMembershipsChangedPayload) Type() Type { return CustomerGroupMembershipsChanged }

// OrderKey is the customer's id.
func (p CustomerGroupMembershipsChangedPayload) OrderKey() string { return p.Customer.ID }

// ThreadTenantUpdatedPayload is the payload of thread.thread_tenant_updated:
// the thread after its tenant changed and before. (SDK 5.12.1's webhook
// schema names the type but defines no payload for it; this is the shape
// of Plain's other thread changes.)
type ThreadTenantUpdatedPayload struct {
	EventType Type `json:"eventType"`
	ThreadChange
}

// NewThreadTenantUpdated is the event of a change of a thread's tenant.
func NewThreadTenantUpdated(c ThreadChange) ThreadTenantUpdatedPayload {
	return ThreadTenantUpdatedPayload{EventType: ThreadTenantUpdated, ThreadChange: c}
}

// Type is thread.thread_tenant_updated.
func (ThreadTenantUpdatedPayload) Type() Type { return ThreadTenantUpdated }

// ThreadTierUpdatedPayload is the payload of thread.thread_tier_updated,
// which only the outbox records (Plain has no such webhook).
type ThreadTierUpdatedPayload struct {
	EventType Type `json:"eventType"`
	ThreadChange
}

// NewThreadTierUpdated is the event of a change of a thread's tier.
func NewThreadTierUpdated(c ThreadChange) ThreadTierUpdatedPayload {
	return ThreadTierUpdatedPayload{EventType: ThreadTierUpdated, ThreadChange: c}
}

// Type is thread.thread_tier_updated.
func (ThreadTierUpdatedPayload) Type() Type { return ThreadTierUpdated }

// OrderKey is "": only the outbox records the event.
func (ThreadTierUpdatedPayload) OrderKey() string { return "" }
