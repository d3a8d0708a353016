package server

import (
	"context"
	"testing"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/service"
)

// relationWorld holds what the samples of the relations from actors, label
// types and machine users act on: threads created by each kind of actor,
// and a label type with a parent.
type relationWorld struct {
	byUserThreadID, byMachineUserThreadID, byCustomerThreadID, childLabelTypeID, botID string
}

// actingAs returns a context of the workspace acting as actor, holding
// every permission: so that tests can make rows attributed to users and
// customers, which API keys cannot.
func actingAs(ws string, actor core.Actor) context.Context {
	return auth.WithPrincipal(context.Background(), &auth.Principal{WorkspaceID: ws, Actor: actor,
		Permissions: []auth.Permission{auth.All}})
}

func (e *env) relationWorld(t *testing.T, w accessWorld) relationWorld {
	t.Helper()
	out := relationWorld{botID: w.botID}
	for _, c := range []struct {
		actor core.Actor
		dst   *string
	}{
		{core.Actor{Type: core.ActorUser, ID: w.userID}, &out.byUserThreadID},
		{core.Actor{Type: core.ActorMachineUser, ID: w.botID}, &out.byMachineUserThreadID},
		{core.Actor{Type: core.ActorCustomer, ID: w.customerID}, &out.byCustomerThreadID},
	} {
		th, err := e.svc.CreateThread(actingAs(e.ws, c.actor), service.CreateThreadInput{Title: core.Ptr("T"),
			Customer: customer.Identifier{CustomerID: &w.customerID}})
		if err != nil {
			t.Fatal(err)
		}
		*c.dst = th.ID
	}
	lt, err := e.svc.CreateLabelType(service.System(context.Background(), e.ws),
		label.CreateInput{Name: "Child", ParentID: &w.labelTypeID})
	if err != nil {
		t.Fatal(err)
	}
	out.childLabelTypeID = lt.ID
	return out
}

// relationSamples select the relations from actors to who they are, from a
// label type to its parent, and from a machine user to its keys.
func relationSamples(w relationWorld) []string {
	return []string{
		`{ thread(threadId: "` + w.byUserThreadID + `") { createdBy { ... on UserActor { user { fullName } } } } }`,
		`{ thread(threadId: "` + w.byMachineUserThreadID + `") { createdBy { ... on MachineUserActor { machineUser { fullName } } } } }`,
		`{ thread(threadId: "` + w.byCustomerThreadID + `") { createdBy { ... on CustomerActor { customer { id } } } } }`,
		`{ thread(threadId: "` + w.byCustomerThreadID + `") { createdBy { ... on CustomerActor { customer { fullName } } } } }`,
		`{ labelType(labelTypeId: "` + w.childLabelTypeID + `") { parentLabelType { name } } }`,
		`{ thread(threadId: "` + w.byMachineUserThreadID + `") { createdBy { ... on MachineUserActor { machineUser { apiKeys { edges { node { id } } } apiKey(apiKeyId: "x") { id } } } } } }`,
	}
}
