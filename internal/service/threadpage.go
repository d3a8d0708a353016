package service

import (
	"context"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/tenant"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/user"
)

// ThreadRelationsWant names the relations of a page of threads to read
// together with ThreadRelations.
type ThreadRelationsWant struct {
	Customers, Labels, Fields, Tenants, Users, MachineUsers bool
}

// ThreadRelations are the relations of a page of threads, read at once.
// A map is nil when it was not asked for or the caller may not read it;
// otherwise it holds every relation found, by thread id (Labels, Fields) or
// by the related id.
type ThreadRelations struct {
	Customers    map[string]customer.Customer
	Labels       map[string][]TypedLabel
	Fields       map[string][]field.Value
	Tenants      map[string]tenant.Tenant
	Users        map[string]user.User
	MachineUsers map[string]user.MachineUser
}

// ThreadRelations reads, in one read transaction, the relations of threads
// that want asks for and the caller may read (the permission each batch
// lookup of its own needs: customer:read, label:read, thread:read,
// tenant:read, user:read, machineUser:read); the others it leaves nil, for
// the caller to look up one by one and be refused as usual. Users and
// MachineUsers are the threads' assignees.
func (s *Service) ThreadRelations(ctx context.Context, threads []thread.Thread, want ThreadRelationsWant) (ThreadRelations, error) {
	var out ThreadRelations
	p, err := principal(ctx, auth.ThreadRead)
	if err != nil || len(threads) == 0 {
		return out, err
	}
	threadIDs := make([]string, len(threads))
	var customerIDs, tenantIDs, userIDs, machineUserIDs []string
	for i, t := range threads {
		threadIDs[i] = t.ID
		customerIDs = append(customerIDs, t.CustomerID)
		if t.TenantID != nil {
			tenantIDs = append(tenantIDs, *t.TenantID)
		}
		if a := t.Assignee; a != nil {
			switch a.Type {
			case core.ActorUser:
				userIDs = append(userIDs, a.ID)
			case core.ActorMachineUser:
				machineUserIDs = append(machineUserIDs, a.ID)
			}
		}
	}
	may := func(asked bool, perm auth.Permission, ids []string) bool {
		return asked && len(ids) > 0 && p.Has(perm)
	}
	err = s.store.View(ctx, func(tx store.Tx) error {
		ws := p.WorkspaceID
		if may(want.Customers, auth.CustomerRead, customerIDs) {
			cs, err := tx.GetCustomers(ctx, ws, dedupe(customerIDs))
			if err != nil {
				return err
			}
			out.Customers = make(map[string]customer.Customer, len(cs))
			for _, c := range cs {
				out.Customers[c.ID] = c
			}
		}
		if may(want.Labels, auth.LabelRead, threadIDs) {
			ls, err := typedLabels(ctx, tx, ws, threadIDs)
			if err != nil {
				return err
			}
			out.Labels = ls
		}
		if may(want.Fields, auth.ThreadRead, threadIDs) {
			vs, err := tx.FieldValuesOfThreads(ctx, ws, threadIDs)
			if err != nil {
				return err
			}
			out.Fields = make(map[string][]field.Value, len(threadIDs))
			for _, v := range vs {
				out.Fields[v.ThreadID] = append(out.Fields[v.ThreadID], v)
			}
		}
		if may(want.Tenants, auth.TenantRead, tenantIDs) {
			ts, err := tx.FindTenants(ctx, ws, dedupe(tenantIDs), nil)
			if err != nil {
				return err
			}
			out.Tenants = make(map[string]tenant.Tenant, len(ts))
			for _, t := range ts {
				out.Tenants[t.ID] = t
			}
		}
		if may(want.Users, auth.UserRead, userIDs) {
			us, err := tx.GetUsers(ctx, ws, dedupe(userIDs))
			if err != nil {
				return err
			}
			out.Users = make(map[string]user.User, len(us))
			for _, u := range us {
				out.Users[u.ID] = u
			}
		}
		if may(want.MachineUsers, auth.MachineUserRead, machineUserIDs) {
			ms, err := tx.GetMachineUsers(ctx, ws, dedupe(machineUserIDs))
			if err != nil {
				return err
			}
			out.MachineUsers = make(map[string]user.MachineUser, len(ms))
			for _, m := range ms {
				out.MachineUsers[m.ID] = m
			}
		}
		return nil
	})
	if err != nil {
		return ThreadRelations{}, err
	}
	return out, nil
}
