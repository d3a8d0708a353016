package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/component"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/customergroup"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/tier"
	"github.com/threadline/threadline/internal/timeline"
)

// AssigneeInput names a user or a machine user (exactly one).
type AssigneeInput struct {
	UserID        *string
	MachineUserID *string
}

// CreateThreadInput is createThread's input.
type CreateThreadInput struct {
	Title            *string
	Description      *string
	Customer         customer.Identifier
	Components       []component.Component
	HasComponents    bool // components was sent (an empty list is an error)
	LabelTypeIDs     []string
	ThreadFields     []field.ValueInput
	ExternalID       *string
	Priority         *int
	AssignedTo       *AssigneeInput
	Tenant           *tenant.Identifier
	Channel          *thread.Channel
	HasChannelDetail bool
	AttachmentIDs    []string
}

// validateCreateThread checks everything that needs no database.
func validateCreateThread(in *CreateThreadInput) error {
	var c core.Collector
	if err := in.Customer.Validate("customerIdentifier"); err != nil {
		c.Invalid("customerIdentifier", "Exactly one of customerId, emailAddress or externalId must be set")
	}
	title := thread.CleanTitle(&c, "title", in.Title)
	in.Title = &title
	in.Description = c.OptionalString("description", in.Description, 10000)
	if in.HasComponents {
		if err := component.Validate("components", in.Components); err != nil {
			e, _ := core.AsError(err)
			for _, f := range e.Fields {
				c.Add(f.Field, f.Message, f.Type)
			}
		}
		in.Components = component.Normalize(in.Components)
	}
	if in.Priority != nil && !thread.ValidPriority(*in.Priority) {
		c.Invalid("priority", "Priority must be 0 (urgent), 1 (high), 2 (normal) or 3 (low)")
	}
	if in.ExternalID != nil {
		v := strings.TrimSpace(*in.ExternalID)
		if v == "" || len(v) > 500 {
			c.Invalid("externalId", "Must be 1 to 500 characters")
		}
		in.ExternalID = &v
	}
	if a := in.AssignedTo; a != nil && (a.UserID == nil) == (a.MachineUserID == nil) {
		c.Invalid("assignedTo", "Exactly one of userId or machineUserId must be set")
	}
	if in.Channel != nil {
		switch *in.Channel {
		case thread.ChannelAPI, thread.ChannelEmail, thread.ChannelChat:
		case thread.ChannelSlack, thread.ChannelMSTeams, thread.ChannelDiscord:
			c.Invalid("channel", fmt.Sprintf("Channel %s needs a connected %s integration, which this workspace does not have", *in.Channel, *in.Channel))
		default:
			c.Invalid("channel", "Threads cannot be created on channel "+string(*in.Channel))
		}
	}
	for i := range in.AttachmentIDs {
		c.Add(fmt.Sprintf("attachmentIds.%d", i), "Attachment not found", core.FieldNotFound)
	}
	for i, f := range in.ThreadFields {
		if strings.TrimSpace(f.Key) == "" {
			c.Required(fmt.Sprintf("threadFields.%d.key", i))
		}
	}
	return c.Err()
}

// CreateThread creates a thread: the thread, its labels, field values,
// first timeline entry and thread.thread_created event in one transaction.
// Needs thread:create and thread:read.
func (s *Service) CreateThread(ctx context.Context, in CreateThreadInput) (thread.Thread, error) {
	c, err := s.CreateThreadWith(ctx, in)
	return c.Thread, err
}

// CreatedThread is a new thread with what was written with it, so that a
// caller can answer about it without reading it back.
type CreatedThread struct {
	Thread   thread.Thread
	Customer customer.Customer
	Labels   []TypedLabel
	Fields   []field.Value
}

// CreateThreadWith is CreateThread returning the thread's customer, labels
// and field values too.
func (s *Service) CreateThreadWith(ctx context.Context, in CreateThreadInput) (CreatedThread, error) {
	p, err := principal(ctx, auth.ThreadCreate, auth.ThreadRead)
	if err != nil {
		return CreatedThread{}, err
	}
	if err := validateCreateThread(&in); err != nil {
		return CreatedThread{}, err
	}
	// On PostgreSQL the ref is allocated first, in its own transaction, so
	// that concurrent creates do not queue on the workspace's counter row
	// until each commits; a create that then fails leaves a gap in refs.
	var ref int64
	if a, ok := s.store.(store.Allocator); ok {
		if ref, err = a.Allocate(ctx, p.WorkspaceID, "thread_ref"); err != nil {
			return CreatedThread{}, err
		}
	}
	var out CreatedThread
	err = s.store.Update(ctx, func(tx store.Tx) error {
		c, err := s.createThread(ctx, tx, p, in, ref)
		out = c
		return err
	})
	if errors.Is(err, core.ErrDuplicate) {
		err = core.InvalidField("externalId", "A thread with this external id already exists for this customer.")
	}
	return out, err
}

// threadRefs is what a new thread's input refers to, resolved in the
// transaction that creates it.
type threadRefs struct {
	customer customer.Customer
	groups   []customergroup.Member
	// customerEntries: the customer has entries for copyCustomerEntries.
	customerEntries bool
	tenant          *tenant.Tenant
	tier            *tier.Tier
	labelTypes      []label.Type
	assignee        *core.Actor
	// assigneeBody is the assignee as event payloads show it.
	assigneeBody event.Assignee
}

// resolveThreadRefs checks everything a new thread refers to, collecting
// every problem before failing.
func (s *Service) resolveThreadRefs(ctx context.Context, tx store.Tx, ws string, in CreateThreadInput) (threadRefs, error) {
	var r threadRefs
	var c core.Collector
	found, err := findCustomerForThread(ctx, tx, ws, in.Customer)
	cust := found.Customer
	if errors.Is(err, core.ErrNotFound) {
		c.Add(in.Customer.Field("customerIdentifier"), "Customer not found", core.FieldNotFound)
	} else if err != nil {
		return r, err
	}
	r.customer, r.groups, r.customerEntries = cust, found.Groups, found.HasEntries
	if r.labelTypes, err = s.checkLabelTypes(ctx, tx, ws, in.LabelTypeIDs, &c); err != nil {
		return r, err
	}
	if err := s.checkThreadFields(ctx, tx, ws, in.ThreadFields, in.LabelTypeIDs, &c); err != nil {
		return r, err
	}
	if r.assignee, r.assigneeBody, err = checkAssignee(ctx, tx, ws, "assignedTo.", in.AssignedTo, &c); err != nil {
		return r, err
	}
	if err := checkUserComponents(ctx, tx, ws, component.Users("components", in.Components), &c); err != nil {
		return r, err
	}
	if in.Tenant != nil {
		if err := in.Tenant.Validate("tenantIdentifier"); err != nil {
			c.Invalid("tenantIdentifier", "Exactly one of tenantId or externalId must be set")
		} else if t, err := findTenant(ctx, tx, ws, *in.Tenant); errors.Is(err, core.ErrNotFound) {
			c.Add(in.Tenant.Field("tenantIdentifier"), "Tenant not found", core.FieldNotFound)
		} else if err != nil {
			return r, err
		} else {
			r.tenant = &t
		}
	}
	if cust.ID != "" {
		var tenantID *string
		if r.tenant != nil {
			tenantID = &r.tenant.ID
		}
		if r.tier, err = threadTier(ctx, tx, ws, tenantID, cust.CompanyID); err != nil {
			return r, err
		}
	}
	if in.ExternalID != nil && cust.ID != "" {
		if _, err := tx.GetThreadByExternalID(ctx, ws, cust.ID, *in.ExternalID); err == nil {
			c.Invalid("externalId", "A thread with this external id already exists for this customer.")
		} else if !errors.Is(err, core.ErrNotFound) {
			return r, err
		}
	}
	return r, c.Err()
}

// newThread builds a thread from a checked input.
func newThread(p *auth.Principal, in CreateThreadInput, r threadRefs, ref int64, now core.Time) thread.Thread {
	th := thread.Thread{ID: core.NewID(core.PrefixThread), WorkspaceID: p.WorkspaceID, Ref: ref,
		ExternalID: in.ExternalID, CustomerID: r.customer.ID, Description: in.Description, Priority: thread.DefaultPriority,
		Status: thread.StatusTodo, StatusDetail: thread.DetailCreated, StatusChangedAt: now, StatusChangedBy: p.Actor,
		Channel: thread.ChannelAPI, CreatedAt: now, CreatedBy: p.Actor, UpdatedAt: now, UpdatedBy: p.Actor}
	if r.tenant != nil {
		th.TenantID = &r.tenant.ID
	}
	if r.tier != nil {
		// A thread in a tier gets the tier's priority unless given one.
		th.TierID, th.Priority = &r.tier.ID, r.tier.DefaultThreadPriority
	}
	if in.Priority != nil {
		th.Priority = *in.Priority
	}
	if in.Channel != nil {
		th.Channel = *in.Channel
	}
	desc, preview := "", ""
	if in.Description != nil {
		desc = *in.Description
		preview = thread.Truncate(desc, thread.MaxPreviewLength)
	} else {
		preview = component.PreviewText(in.Components, thread.MaxPreviewLength)
	}
	if preview != "" {
		th.PreviewText = &preview
	}
	if th.Title = *in.Title; th.Title == "" {
		th.Title = thread.DeriveTitle(desc, preview, r.customer.FullName)
	}
	if r.assignee != nil {
		th.Assignee, th.AssignedAt = r.assignee, &now
	}
	return th
}

func (s *Service) createThread(ctx context.Context, tx store.Tx, p *auth.Principal, in CreateThreadInput, ref int64) (CreatedThread, error) {
	now := s.clock.Now()
	r, err := s.resolveThreadRefs(ctx, tx, p.WorkspaceID, in)
	if err != nil {
		return CreatedThread{}, err
	}
	if ref == 0 {
		if ref, err = tx.NextCounter(ctx, p.WorkspaceID, "thread_ref"); err != nil {
			return CreatedThread{}, err
		}
	}
	th := newThread(p, in, r, ref, now)
	if err := tx.CreateThread(ctx, th); err != nil {
		return CreatedThread{}, err
	}
	var labels []label.Label
	var typed []TypedLabel
	for _, lt := range r.labelTypes {
		l := label.Label{ID: core.NewID(core.PrefixLabel), WorkspaceID: p.WorkspaceID, ThreadID: th.ID, TypeID: lt.ID,
			CreatedAt: now, CreatedBy: p.Actor, UpdatedAt: now, UpdatedBy: p.Actor}
		if err := tx.CreateLabel(ctx, l); err != nil {
			return CreatedThread{}, err
		}
		labels = append(labels, l)
		typed = append(typed, TypedLabel{Label: l, Type: lt})
	}
	var values []field.Value
	for _, f := range in.ThreadFields {
		v := field.NewValue(p.WorkspaceID, th.ID, f, now, p.Actor)
		if err := tx.CreateFieldValue(ctx, v); err != nil {
			return CreatedThread{}, err
		}
		values = append(values, v)
	}
	snap := event.NewThread(th, event.ThreadParts{Customer: r.customer, CustomerGroups: r.groups, Labels: labels, LabelTypes: r.labelTypes,
		Values: values, Assignee: r.assigneeBody})
	out := CreatedThread{Thread: th, Customer: r.customer, Labels: typed, Fields: values}
	if err := s.emit(ctx, tx, p.WorkspaceID, p.Actor, now, event.NewThreadCreated(snap)); err != nil {
		return out, err
	}
	if r.customerEntries {
		if err := s.copyCustomerEntries(ctx, tx, th, now); err != nil {
			return out, err
		}
	}
	if in.HasComponents {
		_, err = s.newEntry(ctx, tx, th, "", timeline.ThreadCreated{Components: in.Components}, p.Actor, now, now)
	}
	return out, err
}

// checkLabelTypes resolves label type ids for a new thread: each must exist
// and not be archived. Duplicates are applied once.
func (s *Service) checkLabelTypes(ctx context.Context, tx store.Tx, ws string, ids []string, c *core.Collector) ([]label.Type, error) {
	found, err := tx.GetLabelTypes(ctx, ws, dedupe(ids))
	if err != nil {
		return nil, err
	}
	byID := map[string]label.Type{}
	for _, t := range found {
		byID[t.ID] = t
	}
	var out []label.Type
	seen := map[string]bool{}
	for i, id := range ids {
		t, ok := byID[id]
		switch {
		case id == "": // skipped by the caller
		case !ok:
			c.Add(fmt.Sprintf("labelTypeIds.%d", i), "Label type not found", core.FieldNotFound)
		case t.IsArchived():
			c.Invalid(fmt.Sprintf("labelTypeIds.%d", i), "Label type "+t.Name+" is archived and cannot be applied")
		case !seen[id]:
			seen[id] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// checkThreadFields validates values against the workspace's schemas and
// reports required fields that are missing.
func (s *Service) checkThreadFields(ctx context.Context, tx store.Tx, ws string, vs []field.ValueInput, labelTypeIDs []string, c *core.Collector) error {
	schemas, err := tx.ListFieldSchemas(ctx, ws)
	if err != nil {
		return err
	}
	byKey := map[string]*field.Schema{}
	for i := range schemas {
		byKey[schemas[i].Key] = &schemas[i]
	}
	given := map[string]field.ValueInput{}
	for i, v := range vs {
		path := fmt.Sprintf("threadFields.%d", i)
		if _, dup := given[v.Key]; dup {
			c.Invalid(path+".key", fmt.Sprintf("Thread field %q is given twice", v.Key))
			continue
		}
		given[v.Key] = v
		field.CheckValue(c, path, path+".key", byKey[v.Key], v)
	}
	for _, key := range field.MissingRequired(schemas, given, labelTypeIDs) {
		c.Add("threadFields", fmt.Sprintf("Required thread field %q is missing", key), core.FieldRequired)
	}
	return nil
}

// checkUserComponents checks that every user component names a user or
// machine user of the workspace.
func checkUserComponents(ctx context.Context, tx store.Tx, ws string, refs []component.UserRef, c *core.Collector) error {
	for _, r := range refs {
		id := r.Identifier
		var err error
		field := r.Path
		switch {
		case id.UserID != nil:
			_, err = tx.GetUser(ctx, ws, *id.UserID)
			field += ".userId"
		case id.MachineUserID != nil:
			_, err = tx.GetMachineUser(ctx, ws, *id.MachineUserID)
			field += ".machineUserId"
		case id.EmailAddress != nil:
			norm, _ := core.NormalizeEmail(*id.EmailAddress)
			_, err = tx.GetUserByEmail(ctx, ws, norm)
			field += ".emailAddress"
		}
		if errors.Is(err, core.ErrNotFound) {
			c.Add(field, "User not found", core.FieldNotFound)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// checkAssignee checks that the assignee exists in the workspace; prefix
// is the input path of the assignee's fields ("assignedTo." or ""). It
// returns the assignee and its event payload form.
func checkAssignee(ctx context.Context, tx store.Tx, ws, prefix string, a *AssigneeInput, c *core.Collector) (*core.Actor, event.Assignee, error) {
	switch {
	case a == nil:
		return nil, nil, nil
	case a.UserID != nil:
		u, err := tx.GetUser(ctx, ws, *a.UserID)
		if errors.Is(err, core.ErrNotFound) || (err == nil && u.DeletedAt != nil) {
			c.Add(prefix+"userId", "User not found", core.FieldNotFound)
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		return &core.Actor{Type: core.ActorUser, ID: u.ID}, event.NewUser(u), nil
	default:
		m, err := tx.GetMachineUser(ctx, ws, *a.MachineUserID)
		if errors.Is(err, core.ErrNotFound) || (err == nil && m.DeletedAt != nil) {
			c.Add(prefix+"machineUserId", "Machine user not found", core.FieldNotFound)
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		return &core.Actor{Type: core.ActorMachineUser, ID: m.ID}, event.NewMachineUser(m), nil
	}
}

// ThreadLookup names one thread: by id, by ref, or by customer + external id.
type ThreadLookup struct {
	ID         string
	Ref        string
	CustomerID string
	ExternalID string
}

// Thread returns a thread, or nil. Needs thread:read.
func (s *Service) Thread(ctx context.Context, l ThreadLookup) (*thread.Thread, error) {
	p, err := principal(ctx, auth.ThreadRead)
	if err != nil {
		return nil, err
	}
	var th *thread.Thread
	err = s.store.View(ctx, func(tx store.Tx) (err error) {
		switch {
		case l.ID != "":
			th, err = optional(tx.GetThread(ctx, p.WorkspaceID, l.ID))
		case l.Ref != "":
			n, ok := thread.ParseRef(l.Ref)
			if !ok {
				return nil
			}
			th, err = optional(tx.GetThreadByRef(ctx, p.WorkspaceID, n))
		default:
			th, err = optional(tx.GetThreadByExternalID(ctx, p.WorkspaceID, l.CustomerID, l.ExternalID))
		}
		return err
	})
	return th, err
}
