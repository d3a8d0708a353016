package graph

import (
	"context"
	"fmt"
	"sync"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/thread"
)

func threadModel(t thread.Thread) *model.Thread {
	return &model.Thread{
		ID: t.ID, Ref: t.RefString(), ExternalID: t.ExternalID, Title: t.Title, Description: t.Description,
		PreviewText: t.PreviewText, Priority: t.Priority, Status: model.ThreadStatus(t.Status),
		StatusDetail: statusDetail(t), StatusChangedAt: t.StatusChangedAt, Channel: model.ThreadChannel(t.Channel),
		AssignedAt: t.AssignedAt, SupportEmailAddresses: append([]string{}, t.SupportEmailAddresses...),
		CreatedAt: t.CreatedAt, CreatedBy: actor(t.CreatedBy), UpdatedAt: t.UpdatedAt, UpdatedBy: actor(t.UpdatedBy),
		StatusChangedBy: actor(t.StatusChangedBy),
		CustomerID:      t.CustomerID, TenantID: t.TenantID, TierID: t.TierID, Assignee: t.Assignee,
		FirstInboundMessageInfo: messageInfo(t.Messages.FirstInbound), FirstOutboundMessageInfo: messageInfo(t.Messages.FirstOutbound),
		LastInboundMessageInfo: messageInfo(t.Messages.LastInbound), LastOutboundMessageInfo: messageInfo(t.Messages.LastOutbound),
	}
}

// messageInfo presents a thread's message info, nil when there is none.
func messageInfo(m *thread.MessageInfo) *model.ThreadMessageInfo {
	if m == nil {
		return nil
	}
	return &model.ThreadMessageInfo{MessageSource: model.MessageSource(m.Source), Timestamp: m.At}
}

// statusDetail presents a thread's status detail as its union member.
func statusDetail(t thread.Thread) model.ThreadStatusDetail {
	at := t.StatusChangedAt
	switch t.StatusDetail {
	case thread.DetailCreated:
		return model.ThreadStatusDetailCreated{CreatedAt: t.CreatedAt, StatusChangedAt: at}
	case thread.DetailInProgress:
		return model.ThreadStatusDetailInProgress{StatusChangedAt: at}
	case thread.DetailNewReply:
		return model.ThreadStatusDetailNewReply{StatusChangedAt: at}
	case thread.DetailWaitingForCustomer:
		return model.ThreadStatusDetailWaitingForCustomer{StatusChangedAt: at}
	case thread.DetailWaitingForDuration:
		until := at
		if t.WaitingUntil != nil {
			until = *t.WaitingUntil
		}
		return model.ThreadStatusDetailWaitingForDuration{StatusChangedAt: at, WaitingUntil: until}
	case thread.DetailDoneManuallySet:
		return model.ThreadStatusDetailDoneManuallySet{StatusChangedAt: at}
	case thread.DetailDoneAutomaticallySet:
		return model.ThreadStatusDetailDoneAutomaticallySet{StatusChangedAt: at}
	case thread.DetailIgnored:
		return model.ThreadStatusDetailIgnored{StatusChangedAt: at}
	}
	return nil
}

func createThreadInput(in model.CreateThreadInput) (service.CreateThreadInput, error) {
	out := service.CreateThreadInput{
		Title: in.Title, Description: in.Description,
		Customer: customer.Identifier{CustomerID: in.CustomerIdentifier.CustomerID,
			EmailAddress: in.CustomerIdentifier.EmailAddress, ExternalID: in.CustomerIdentifier.ExternalID},
		HasComponents: in.Components != nil, LabelTypeIDs: in.LabelTypeIds, ExternalID: in.ExternalID,
		Priority: in.Priority, HasChannelDetail: in.ChannelDetails != nil,
		AttachmentIDs: in.AttachmentIds,
	}
	if in.Components != nil {
		cs, err := components(in.Components)
		if err != nil {
			return out, fmt.Errorf("components: %w", err)
		}
		out.Components = cs
	}
	if in.TenantIdentifier != nil {
		t := tenantIdentifier(*in.TenantIdentifier)
		out.Tenant = &t
	}
	if in.AssignedTo != nil {
		out.AssignedTo = &service.AssigneeInput{UserID: in.AssignedTo.UserID, MachineUserID: in.AssignedTo.MachineUserID}
	}
	if in.Channel != nil {
		ch := thread.Channel(*in.Channel)
		out.Channel = &ch
	}
	for _, f := range in.ThreadFields {
		out.ThreadFields = append(out.ThreadFields, field.ValueInput{Key: f.Key, Type: field.Type(f.Type),
			String: f.StringValue, Bool: f.BooleanValue, Number: f.NumberValue, Date: f.DateValue})
	}
	return out, nil
}

func (r *Resolver) threadBy(ctx context.Context, l service.ThreadLookup) (*model.Thread, error) {
	t, err := r.Svc.Thread(ctx, l)
	if err != nil || t == nil {
		return nil, r.nilOrQueryError(ctx, err)
	}
	return threadModel(*t), nil
}

// assignee resolves a thread's assignee to its union member. Reading a
// user needs user:read, a machine user machineUser:read.
func (r *Resolver) assignee(ctx context.Context, a *core.Actor) (model.ThreadAssignee, error) {
	if a == nil {
		return nil, nil
	}
	// Selecting only __typename of a member needs no read of it (and no
	// permission), as the access rules of User and MachineUser say.
	switch a.Type {
	case core.ActorUser:
		if !selectsFieldsOf(ctx, "User", "ThreadAssignee") {
			return &model.User{ID: a.ID}, nil
		}
		u, err := usersByID.of(ctx, r.Svc).Load(ctx, a.ID)
		if err != nil || u == nil {
			return nil, r.nilOrQueryError(ctx, err)
		}
		return userModel(*u), nil
	case core.ActorMachineUser:
		if !selectsFieldsOf(ctx, "MachineUser", "ThreadAssignee") {
			return &model.MachineUser{ID: a.ID}, nil
		}
		m, err := machineUsersByID.of(ctx, r.Svc).Load(ctx, a.ID)
		if err != nil || m == nil {
			return nil, r.nilOrQueryError(ctx, err)
		}
		return machineUserModel(*m), nil
	}
	return &model.System{ID: a.ID}, nil
}

// prime seeds the request's loaders with what creating a thread wrote, so
// that answering about it reads nothing back. The access guard checks each
// relation of the answer like any other.
func (r *Resolver) prime(ctx context.Context, c service.CreatedThread) {
	customersByID.of(ctx, r.Svc).Prime(c.Customer.ID, &c.Customer)
	labels := c.Labels
	if labels == nil {
		labels = []service.TypedLabel{}
	}
	labelsOfThread.of(ctx, r.Svc).Prime(c.Thread.ID, labels)
	fields := c.Fields
	if fields == nil {
		fields = []field.Value{}
	}
	fieldsOfThread.of(ctx, r.Svc).Prime(c.Thread.ID, fields)
}

// additionalAssigneesOfThread loads each thread's additional assignees
// (Thread.additionalAssignees).
var additionalAssigneesOfThread = newLoaderKind(func(s *service.Service) func(context.Context, []string) ([][]core.Actor, []error) {
	return grouped(s.AdditionalAssigneesOfThreads)
})

// assignees resolves several assignees at once, so that their loads share
// one batch; those that cannot be read any more are left out.
func (r *Resolver) assignees(ctx context.Context, as []core.Actor) ([]model.ThreadAssignee, error) {
	ms, errs := make([]model.ThreadAssignee, len(as)), make([]error, len(as))
	var wg sync.WaitGroup
	for i := range as {
		wg.Go(func() { ms[i], errs[i] = r.assignee(ctx, &as[i]) })
	}
	wg.Wait()
	out := make([]model.ThreadAssignee, 0, len(as))
	for i, m := range ms {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if m != nil {
			out = append(out, m)
		}
	}
	return out, nil
}
