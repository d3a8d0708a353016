package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/thread"
)

// A page of threads reads the relations its selection needs for all its
// threads at once, before gqlgen resolves them thread by thread: each
// relation resolver then finds its value primed in the request's loader,
// with no batch to wait for. What the prefetch leaves out (a relation the
// caller may not read, one selected through a fragment on an interface) the
// loaders read as before, so the answer and its errors do not depend on it.

// selectionStep is one step down a selection: the fields named field of
// the object type typ.
type selectionStep struct{ field, typ string }

// threadEdgeNode is the way from a connection of threads to its threads.
var threadEdgeNode = []selectionStep{{"edges", "ThreadConnection"}, {"node", "ThreadEdge"}}

// threadsByExternalIDNode is that way for ThreadsByExternalIdConnection.
var threadsByExternalIDNode = []selectionStep{{"edges", "ThreadsByExternalIdConnection"}, {"node", "ThreadEdge"}}

// searchResultThread is the way from a ThreadSearchResultConnection to its
// threads.
var searchResultThread = []selectionStep{{"edges", "ThreadSearchResultConnection"}, {"node", "ThreadSearchResultEdge"}, {"thread", "ThreadSearchResult"}}

// selectionsAt returns the selection sets the current field selects at the
// end of path (one per occurrence, aliases included).
func selectionsAt(ctx context.Context, path []selectionStep) []ast.SelectionSet {
	oc := graphql.GetOperationContext(ctx)
	sels := []ast.SelectionSet{graphql.GetFieldContext(ctx).Field.Selections}
	for _, step := range path {
		var next []ast.SelectionSet
		for _, sel := range sels {
			for _, f := range graphql.CollectFields(oc, sel, []string{step.typ}) {
				if f.Name == step.field {
					next = append(next, f.Selections)
				}
			}
		}
		sels = next
	}
	return sels
}

// threadRelationsWanted reads from the selections of threads which
// relations their resolvers will load, as those resolvers decide it.
func threadRelationsWanted(oc *graphql.OperationContext, sels []ast.SelectionSet) service.ThreadRelationsWant {
	var w service.ThreadRelationsWant
	selectsBeyond := func(sel ast.SelectionSet, satisfies []string, free ...string) bool {
		for _, f := range graphql.CollectFields(oc, sel, satisfies) {
			if f.Name != "__typename" && (len(free) == 0 || f.Name != free[0]) {
				return true
			}
		}
		return false
	}
	for _, sel := range sels {
		for _, f := range graphql.CollectFields(oc, sel, []string{"Thread"}) {
			switch f.Name {
			case "customer": // Thread.customer reads nothing for id alone
				w.Customers = w.Customers || selectsBeyond(f.Selections, nil, "id")
			case "labels":
				w.Labels = true
			case "threadFields":
				w.Fields = true
			case "tenant":
				w.Tenants = true
			case "assignedTo":
				w.Users = w.Users || selectsBeyond(f.Selections, []string{"User", "ThreadAssignee"})
				w.MachineUsers = w.MachineUsers || selectsBeyond(f.Selections, []string{"MachineUser", "ThreadAssignee"})
			}
		}
	}
	return w
}

// prefetchThreads primes the request's loaders with the relations of
// threads that the current field selects at path. A failed read primes
// nothing: the resolvers then read, and fail, one relation at a time.
func (r *Resolver) prefetchThreads(ctx context.Context, threads []thread.Thread, path []selectionStep) {
	if len(threads) == 0 {
		return
	}
	want := threadRelationsWanted(graphql.GetOperationContext(ctx), selectionsAt(ctx, path))
	if want == (service.ThreadRelationsWant{}) {
		return
	}
	rel, err := r.Svc.ThreadRelations(ctx, threads, want)
	if err != nil {
		return
	}
	for _, t := range threads {
		if rel.Customers != nil {
			primeByID(ctx, r.Svc, customersByID, rel.Customers, t.CustomerID)
		}
		if rel.Labels != nil {
			labelsOfThread.of(ctx, r.Svc).Prime(t.ID, rel.Labels[t.ID])
		}
		if rel.Fields != nil {
			fieldsOfThread.of(ctx, r.Svc).Prime(t.ID, rel.Fields[t.ID])
		}
		if rel.Tenants != nil && t.TenantID != nil {
			primeByID(ctx, r.Svc, tenantsByID, rel.Tenants, *t.TenantID)
		}
		if a := t.Assignee; a != nil {
			switch {
			case rel.Users != nil && a.Type == core.ActorUser:
				primeByID(ctx, r.Svc, usersByID, rel.Users, a.ID)
			case rel.MachineUsers != nil && a.Type == core.ActorMachineUser:
				primeByID(ctx, r.Svc, machineUsersByID, rel.MachineUsers, a.ID)
			}
		}
	}
}

// primeByID primes the loader of kind with the value of id in m, or with
// nil when m does not hold it, as a batch lookup would answer.
func primeByID[V any](ctx context.Context, svc *service.Service, kind *loaderKind[string, *V], m map[string]V, id string) {
	var v *V
	if x, ok := m[id]; ok {
		v = &x
	}
	kind.of(ctx, svc).Prime(id, v)
}

// threadsOf returns the threads of a page's edges.
func threadsOf(edges []core.Edge[thread.Thread]) []thread.Thread {
	out := make([]thread.Thread, len(edges))
	for i, e := range edges {
		out[i] = e.Node
	}
	return out
}
