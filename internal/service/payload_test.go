package service

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/customer"
	"github.com/threadline/threadline/internal/event"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/store"
	"github.com/threadline/threadline/internal/store/sqlite"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/webhook"
)

// payloadClock is a clock the test moves; each reading is 1ms after the
// last, so events are ordered and distinct.
type payloadClock struct{ ms atomic.Int64 }

func (c *payloadClock) Now() core.Time { return core.FromMillis(c.ms.Add(1)) }

// payloadWorld is what the scenario made.
type payloadWorld struct {
	ws, customerID, threadID, agentID, botID string
}

// TestPayloadWebhookSchema performs every change that emits a webhook
// event, wraps each outbox payload in the webhook envelope the outbox
// sends, and validates it against the official SDK's webhook schema (and
// with the SDK's parsePlainWebhook when node is installed).
func TestPayloadWebhookSchema(t *testing.T) {
	schema := loadWebhookSchema(t)
	_, bodies := payloadWebhooks(t)
	for i, b := range bodies {
		if err := schema.validate(b); err != nil {
			t.Errorf("webhook %d (%s) does not validate:\n%v\nbody: %s", i, payloadStr(payloadJSON(t, b), "type"), err, b)
		}
	}
	t.Logf("%d webhook bodies validated", len(bodies))
	checkSchemaRejects(t, schema, bodies)
}

// TestPayloadContents checks what the webhook payloads of the same changes
// say, with or without the SDK, and that this scenario, the conversation
// scenario and the email scenario emit every webhook type.
func TestPayloadContents(t *testing.T) {
	w, bodies := payloadWebhooks(t)
	_, conversation := conversationWebhooks(t) // chats, notes and timeline entries
	_, emails := emailWebhooks(t)
	seen := map[string]bool{}
	for _, b := range slices.Concat(bodies, conversation, emails) {
		seen[payloadStr(payloadJSON(t, b), "type")] = true
	}
	for _, typ := range webhook.EventTypes {
		if !seen[typ] {
			t.Errorf("the scenario emitted no %s event", typ)
		}
	}
	checkPayloadContents(t, w, bodies)
}

// payloadWebhooks runs the scenario on a new SQLite store and returns the
// webhook bodies of its events, in order.
func payloadWebhooks(t *testing.T) (payloadWorld, [][]byte) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "payload.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := &payloadClock{}
	clock.ms.Store(time.Now().UnixMilli())
	w := runPayloadScenario(t, New(st, clock, nil), clock)

	var events []event.Record
	if err := st.View(ctx, func(tx store.Tx) (err error) {
		events, err = tx.ListEvents(ctx, w.ws, 0, 1000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var bodies [][]byte
	for _, e := range events {
		if e.Type.IsWebhook() {
			bodies = append(bodies, payloadEnvelope(t, e))
		}
	}
	return w, bodies
}

// payloadJSON decodes a webhook body.
func payloadJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// runPayloadScenario makes every kind of change once or more.
func runPayloadScenario(t *testing.T, svc *Service, clock *payloadClock) payloadWorld {
	t.Helper()
	ctx := context.Background()
	ws := payloadMust(svc.EnsureDefaultWorkspace(ctx))(t)
	sys := System(ctx, ws)
	key := payloadMust(svc.CreateAPIKey(sys, "Payload bot", []auth.Permission{auth.All}, ""))(t)
	bot := auth.WithPrincipal(ctx, key.Key.Principal())
	agent := payloadMust(svc.CreateUser(sys, "ada@example.com", "Ada Lovelace"))(t)
	w := payloadWorld{ws: ws, agentID: agent.ID, botID: key.MachineUser.ID}

	bug := payloadMust(svc.CreateLabelType(bot, label.CreateInput{Name: "Bug"}))(t)
	billing := payloadMust(svc.CreateLabelType(bot, label.CreateInput{Name: "Billing", Icon: core.Ptr("💳")}))(t)
	payloadMust(svc.CreateThreadFieldSchema(bot, field.SchemaInput{Key: "plan", Label: "Plan", Type: field.TypeString}))(t)
	payloadMust(svc.CreateThreadFieldSchema(bot, field.SchemaInput{Key: "seats", Label: "Seats", Type: field.TypeNumber}))(t)

	upsert := UpsertCustomerInput{Identifier: customer.Identifier{EmailAddress: core.Ptr("grace@example.com")},
		OnCreate: customer.CreateFields{FullName: "Grace Hopper", ShortName: core.Ptr("Grace"), Email: "grace@example.com"}}
	cust, _ := payloadMust2(svc.UpsertCustomer(bot, upsert))(t)
	w.customerID = cust.ID
	upsert.OnUpdate = customer.UpdateFields{FullName: core.Ptr("Grace B. Hopper"), Email: core.Ptr("grace@example.com"), EmailVerified: true}
	if _, res := payloadMust2(svc.UpsertCustomer(bot, upsert))(t); res != Updated {
		t.Fatalf("second upsert: %s", res)
	}
	// Spam marks: customer.customer_updated with markedAsSpamBy, then null.
	payloadMust(svc.MarkCustomerAsSpam(bot, cust.ID))(t)
	payloadMust(svc.UnmarkCustomerAsSpam(bot, cust.ID))(t)

	th := payloadMust(svc.CreateThread(bot, CreateThreadInput{Title: core.Ptr("Printer on fire"),
		Description: core.Ptr("The office printer is on fire."), Customer: customer.Identifier{CustomerID: &cust.ID},
		LabelTypeIDs: []string{bug.ID}, AssignedTo: &AssigneeInput{UserID: &agent.ID},
		ThreadFields: []field.ValueInput{{Key: "plan", Type: field.TypeString, String: core.Ptr("pro")}}}))(t)
	w.threadID = th.ID

	payloadMust(svc.SnoozeThread(bot, th.ID, core.Ptr(3600), nil))(t)
	clock.ms.Add((2 * time.Hour).Milliseconds())
	if n := payloadMust(svc.WakeDueThreads(ctx, 10))(t); n != 1 {
		t.Fatalf("woke %d threads", n)
	}
	payloadMust(svc.SnoozeThread(bot, th.ID, nil, core.Ptr(thread.DetailWaitingForCustomer)))(t)
	payloadMust(svc.MarkThreadAsTodo(bot, th.ID, nil))(t)
	payloadMust(svc.MarkThreadAsDone(bot, th.ID, nil))(t)
	payloadMust(svc.ChangeThreadPriority(bot, th.ID, thread.PriorityUrgent))(t)
	payloadMust(svc.AssignThread(bot, th.ID, AssigneeInput{MachineUserID: &key.MachineUser.ID}))(t)
	// From here on thread payloads show an additional assignee.
	payloadMust(svc.AddAdditionalAssignees(bot, th.ID, AdditionalAssigneesInput{UserIDs: []string{agent.ID}}))(t)
	payloadMust(svc.UnassignThread(bot, th.ID))(t)

	payloadMust(svc.AddLabels(bot, th.ID, []string{billing.ID}))(t)
	labels := payloadMust(svc.LabelsOfThreads(bot, []string{th.ID}))(t)[th.ID]
	i := slices.IndexFunc(labels, func(l TypedLabel) bool { return l.Label.TypeID == bug.ID })
	if i < 0 {
		t.Fatalf("no Bug label on the thread: %+v", labels)
	}
	if _, err := svc.RemoveLabels(bot, []string{labels[i].Label.ID}); err != nil {
		t.Fatal(err)
	}

	if _, res := payloadMust2(svc.UpsertThreadField(bot, th.ID, field.ValueInput{Key: "seats", Type: field.TypeNumber, Number: core.Ptr(5.0)}))(t); res != Created {
		t.Fatalf("upsert seats: %s", res)
	}
	if _, res := payloadMust2(svc.UpsertThreadField(bot, th.ID, field.ValueInput{Key: "plan", Type: field.TypeString, String: core.Ptr("enterprise")}))(t); res != Updated {
		t.Fatalf("upsert plan: %s", res)
	}
	if err := svc.DeleteThreadField(bot, th.ID, "seats"); err != nil {
		t.Fatal(err)
	}
	runAccountScenario(t, svc, bot, w)
	if err := svc.DeleteCustomer(bot, cust.ID); err != nil {
		t.Fatal(err)
	}
	removeAccountScenario(t, svc, bot)
	return w
}

// payloadEnvelope wraps an outbox event in the body the outbox delivers
// (see outbox.Envelope), for a first delivery attempt now.
func payloadEnvelope(t *testing.T, e event.Record) []byte {
	t.Helper()
	var payload map[string]any
	if err := json.Unmarshal(e.Payload, &payload); err != nil {
		t.Fatalf("event %s (%s): %v", e.ID, e.Type, err)
	}
	payload["eventType"] = e.Type
	b, err := json.Marshal(map[string]any{
		"id": e.ID, "type": e.Type, "timestamp": e.CreatedAt.ISO8601(), "workspaceId": e.WorkspaceID,
		"payload": payload,
		"webhookMetadata": map[string]any{
			"webhookTargetId":                 core.NewID(core.PrefixTarget),
			"webhookTargetVersion":            "2026-02-27",
			"webhookDeliveryAttemptId":        core.NewID(core.PrefixAttempt),
			"webhookDeliveryAttemptNumber":    1,
			"webhookDeliveryAttemptTimestamp": core.SystemClock{}.Now().ISO8601(),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkSchemaRejects makes sure the validation bites: broken copies of a
// valid thread_created body must fail, in Go and in the SDK; the valid
// bodies must pass the SDK's parsePlainWebhook.
func checkSchemaRejects(t *testing.T, schema *webhookSchema, bodies [][]byte) {
	t.Helper()
	var created []byte
	for _, b := range bodies {
		if strings.Contains(string(b), `"type":"thread.thread_created"`) {
			created = b
		}
	}
	if created == nil {
		t.Fatal("no thread.thread_created webhook")
	}
	breaks := map[string]func(env map[string]any){
		"no supportEmailAddresses": func(env map[string]any) {
			delete(payloadDig(env, "payload.thread").(map[string]any), "supportEmailAddresses")
		},
		"snooze without duration": func(env map[string]any) {
			payloadDig(env, "payload.thread").(map[string]any)["statusDetail"] = map[string]any{"type": "WAITING_FOR_DURATION", "waitingUntil": "2026-01-01T00:00:00.000Z"}
		},
		"untagged actor": func(env map[string]any) {
			payloadDig(env, "payload.thread").(map[string]any)["createdBy"] = map[string]any{"actorType": "system"}
		},
		"bad datetime": func(env map[string]any) { env["timestamp"] = "yesterday" },
		"bad id":       func(env map[string]any) { env["workspaceId"] = "w_123" },
		"other schema version": func(env map[string]any) {
			payloadDig(env, "webhookMetadata").(map[string]any)["webhookTargetVersion"] = "2024-09-18"
		},
	}
	var names []string
	all := slices.Clone(bodies)
	for name, brk := range breaks {
		env := payloadJSON(t, created)
		brk(env)
		b, _ := json.Marshal(env)
		if schema.validate(b) == nil {
			t.Errorf("a thread_created body with %s validates", name)
		}
		names, all = append(names, name), append(all, b)
	}
	failures, ok := schema.parseWithSDK(t, all)
	if !ok {
		t.Log("node not found: not checked with the SDK's parsePlainWebhook")
		return
	}
	t.Logf("parsePlainWebhook (node): %d of %d bodies rejected, the %d broken ones expected", len(failures), len(all), len(breaks))
	for i := range all {
		msg, failed := failures[i]
		switch {
		case i < len(bodies) && failed && schema.defines(payloadStr(payloadJSON(t, all[i]), "type")):
			t.Errorf("parsePlainWebhook rejects webhook %d: %s", i, msg)
		case i < len(bodies) && !failed && !schema.defines(payloadStr(payloadJSON(t, all[i]), "type")):
			t.Errorf("parsePlainWebhook accepts webhook %d, of a type its schema defines no payload for", i)
		case i >= len(bodies) && !failed:
			t.Errorf("parsePlainWebhook accepts a thread_created body with %s", names[i-len(bodies)])
		}
	}
}

// checkPayloadContents checks what the payloads say.
func checkPayloadContents(t *testing.T, w payloadWorld, bodies [][]byte) {
	t.Helper()
	byType := map[string][]map[string]any{}
	for _, b := range bodies {
		env := payloadJSON(t, b)
		typ := payloadStr(env, "type")
		byType[typ] = append(byType[typ], env)
	}
	bot := map[string]any{"actorType": "machineUser", "machineUserId": w.botID}
	c := payloadChecker{t: t}

	cc := c.one(byType, "customer.customer_created", 1)[0]
	c.eq(cc, "payload.customer.id", w.customerID)
	c.eq(cc, "payload.customer.fullName", "Grace Hopper")
	c.eq(cc, "payload.customer.shortName", "Grace")
	c.eq(cc, "payload.customer.email", map[string]any{"email": "grace@example.com", "isVerified": false, "verifiedAt": nil})
	c.eq(cc, "payload.customer.createdBy", bot)
	c.eq(cc, "payload.customer.customerGroupMemberships", []any{})
	updates := c.one(byType, "customer.customer_updated", 3)
	cu := updates[0]
	c.eq(cu, "payload.previousCustomer.fullName", "Grace Hopper")
	c.eq(cu, "payload.customer.fullName", "Grace B. Hopper")
	c.eq(cu, "payload.customer.email.isVerified", true)
	c.eq(cu, "payload.customer.email.verifiedAt", cu["timestamp"])
	spam, unspam := updates[1], updates[2]
	c.eq(spam, "payload.customer.markedAsSpamAt", spam["timestamp"])
	c.eq(spam, "payload.customer.markedAsSpamBy", bot)
	c.eq(spam, "payload.previousCustomer.markedAsSpamBy", nil)
	c.eq(unspam, "payload.customer.markedAsSpamAt", nil)
	c.eq(unspam, "payload.customer.markedAsSpamBy", nil)
	c.eq(unspam, "payload.previousCustomer.markedAsSpamBy", bot)
	c.eq(c.one(byType, "customer.customer_deleted", 1)[0], "payload.previousCustomer.id", w.customerID)

	checkThreadCreated(c, w, c.one(byType, "thread.thread_created", 1)[0], bot)
	checkAccountPayloads(c, w, byType)
	for typ, envs := range byType {
		if !strings.HasPrefix(typ, "thread.") || typ == "thread.thread_created" {
			continue
		}
		for _, env := range envs {
			c.eq(env, "payload.thread.id", w.threadID)
			c.eq(env, "payload.thread.updatedAt", env["timestamp"])
			if prev := payloadDig(env, "payload.previousThread"); prev != nil && reflect.DeepEqual(prev, payloadDig(env, "payload.thread")) {
				t.Errorf("%s: previousThread equals thread", typ)
			}
		}
	}
	checkStatusTransitions(c, c.one(byType, "thread.thread_status_transitioned", 5))
	checkThreadWork(c, w, byType)
}

func checkThreadCreated(c payloadChecker, w payloadWorld, env map[string]any, bot map[string]any) {
	c.eq(env, "payload.thread.id", w.threadID)
	c.eq(env, "payload.thread.title", "Printer on fire")
	c.eq(env, "payload.thread.status", "TODO")
	c.eq(env, "payload.thread.statusDetail", map[string]any{"type": "CREATED", "createdAt": env["timestamp"]})
	c.eq(env, "payload.thread.createdAt", env["timestamp"])
	c.eq(env, "payload.thread.createdBy", bot)
	c.eq(env, "payload.thread.statusChangedBy", bot)
	c.eq(env, "payload.thread.priority", 2.0)
	c.eq(env, "payload.thread.customer.id", w.customerID)
	c.eq(env, "payload.thread.customer.fullName", "Grace B. Hopper")
	c.eq(env, "payload.thread.labels.0.labelType.name", "Bug")
	c.eq(env, "payload.thread.labels.0.labelType.createdBy", bot)
	c.eq(env, "payload.thread.threadFields.0.stringValue", "pro")
	c.eq(env, "payload.thread.assignee.id", w.agentID)
	c.eq(env, "payload.thread.assignee.email", "ada@example.com")
	c.eq(env, "payload.thread.assignee.fullName", "Ada Lovelace")
	c.eq(env, "payload.thread.assignee.status", "OFFLINE")
	c.eq(env, "payload.thread.assignee.deletedAt", nil)
	c.eq(env, "payload.thread.assignedAt", env["timestamp"])
	c.eq(env, "payload.thread.firstInboundMessageInfo", nil)
	c.eq(env, "payload.thread.supportEmailAddresses", []any{})
}

func checkStatusTransitions(c payloadChecker, envs []map[string]any) {
	want := []string{
		"TODO/CREATED -> SNOOZED/WAITING_FOR_DURATION",
		"SNOOZED/WAITING_FOR_DURATION -> TODO/IN_PROGRESS",
		"TODO/IN_PROGRESS -> SNOOZED/WAITING_FOR_CUSTOMER",
		"SNOOZED/WAITING_FOR_CUSTOMER -> TODO/IN_PROGRESS",
		"TODO/IN_PROGRESS -> DONE/DONE_MANUALLY_SET",
	}
	for i, env := range envs {
		got := payloadDig(env, "payload.previousThread.status").(string) + "/" + payloadDig(env, "payload.previousThread.statusDetail.type").(string) +
			" -> " + payloadDig(env, "payload.thread.status").(string) + "/" + payloadDig(env, "payload.thread.statusDetail.type").(string)
		if got != want[i] {
			c.t.Errorf("status transition %d: %s, want %s", i, got, want[i])
		}
		c.eq(env, "payload.thread.statusChangedAt", env["timestamp"])
	}
	snooze := envs[0]
	c.eq(snooze, "payload.thread.statusDetail.durationSeconds", 3600.0)
	at, _ := time.Parse(time.RFC3339, payloadStr(snooze, "payload.thread.statusChangedAt"))
	c.eq(snooze, "payload.thread.statusDetail.waitingUntil", core.At(at.Add(time.Hour)).ISO8601())
	scheduler := map[string]any{"actorType": "system", "system": thread.SchedulerActor.ID}
	c.eq(envs[1], "payload.thread.statusChangedBy", scheduler)
	c.eq(envs[1], "payload.thread.updatedBy", scheduler)
	c.eq(envs[2], "payload.thread.statusDetail", map[string]any{"type": "WAITING_FOR_CUSTOMER"})
}

func checkThreadWork(c payloadChecker, w payloadWorld, byType map[string][]map[string]any) {
	pr := c.one(byType, "thread.thread_priority_changed", 1)[0]
	c.eq(pr, "payload.previousThread.priority", 2.0)
	c.eq(pr, "payload.thread.priority", 0.0)

	as := c.one(byType, "thread.thread_assignment_transitioned", 2)
	c.eq(as[0], "payload.previousThread.assignee.id", w.agentID)
	c.eq(as[0], "payload.thread.assignee.id", w.botID)
	c.eq(as[0], "payload.thread.assignee.fullName", "Payload bot")
	c.eq(as[0], "payload.thread.assignee.description", nil)
	c.eq(as[0], "payload.thread.assignedAt", as[0]["timestamp"])
	c.eq(as[1], "payload.previousThread.assignee.id", w.botID)
	c.eq(as[1], "payload.thread.assignee", nil)
	c.eq(as[1], "payload.thread.assignedAt", nil)

	ls := c.one(byType, "thread.thread_labels_changed", 2)
	c.eq(ls[0], "payload.changeType", "ADDED")
	c.eq(ls[0], "previousThread labels", labelNames(payloadDig(ls[0], "payload.previousThread.labels")), "Bug")
	c.eq(ls[0], "thread labels", labelNames(payloadDig(ls[0], "payload.thread.labels")), "Billing,Bug")
	c.eq(ls[1], "payload.changeType", "REMOVED")
	c.eq(ls[1], "thread labels", labelNames(payloadDig(ls[1], "payload.thread.labels")), "Billing")
	c.eq(ls[1], "payload.thread.labels.0.labelType.icon", "💳")

	fc := c.one(byType, "thread.thread_field_created", 1)[0]
	c.eq(fc, "payload.threadField.key", "seats")
	c.eq(fc, "payload.threadField.type", "NUMBER")
	c.eq(fc, "payload.threadField.numberValue", 5.0)
	c.eq(fc, "payload.threadField.threadId", w.threadID)
	fu := c.one(byType, "thread.thread_field_updated", 1)[0]
	c.eq(fu, "payload.previousThreadField.stringValue", "pro")
	c.eq(fu, "payload.threadField.stringValue", "enterprise")
	c.eq(fu, "payload.threadField.id", payloadDig(fu, "payload.previousThreadField.id"))
	fd := c.one(byType, "thread.thread_field_deleted", 1)[0]
	c.eq(fd, "payload.previousThreadField.key", "seats")
	c.eq(fd, "payload.thread.threadFields.0.key", "plan")
}

// payloadChecker reports mismatches in webhook bodies.
type payloadChecker struct{ t *testing.T }

// one returns the bodies of type typ, requiring n of them.
func (c payloadChecker) one(byType map[string][]map[string]any, typ string, n int) []map[string]any {
	c.t.Helper()
	if len(byType[typ]) != n {
		c.t.Fatalf("%d %s events, want %d", len(byType[typ]), typ, n)
	}
	return byType[typ]
}

// eq checks the value at path in env, or, given a value, that value.
func (c payloadChecker) eq(env map[string]any, path string, args ...any) {
	c.t.Helper()
	got, want := payloadDig(env, path), args[0]
	if len(args) == 2 {
		got, want = args[0], args[1]
	}
	if !reflect.DeepEqual(got, want) {
		c.t.Errorf("%s: %s = %#v, want %#v", env["type"], path, got, want)
	}
}

// labelNames lists the label type names of webhook labels, sorted.
func labelNames(labels any) string {
	var names []string
	for _, l := range labels.([]any) {
		names = append(names, payloadDig(l, "labelType.name").(string))
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}

// payloadDig returns the value at a dotted path ("a.b.0.c") in decoded JSON, or nil.
func payloadDig(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// payloadStr returns the string at path.
func payloadStr(v any, path string) string { s, _ := payloadDig(v, path).(string); return s }

// payloadMust and payloadMust2 return the values of a call, failing the
// test given to the returned function on its error:
// payloadMust(svc.X(ctx))(t).
func payloadMust[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func payloadMust2[T, U any](v T, u U, err error) func(*testing.T) (T, U) {
	return func(t *testing.T) (T, U) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v, u
	}
}
