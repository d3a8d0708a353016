package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/field"
	"github.com/threadline/threadline/internal/label"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/user"
	"github.com/threadline/threadline/internal/webhook"
)

// API keys, label types and thread fields.

// keyPresets are the permission sets the API key form offers: a role's.
var keyPresets = []auth.Role{auth.RoleAdmin, auth.RoleSupport, auth.RoleViewer}

// machineKeys is a machine user with its keys.
type machineKeys struct {
	Machine user.MachineUser
	Keys    []auth.APIKey
}

// keysData is the API keys page's.
type keysData struct {
	Machines []machineKeys
	Presets  []auth.Role
	// Secret is a key just created: shown this once.
	Secret  string
	NewName string
}

func (h *Handler) keyRoutes() {
	h.mux.HandleFunc("GET /settings/api-keys", h.signedIn(func(q *request) error { return h.showKeys(q, http.StatusOK, "", "") }))
	h.mux.HandleFunc("POST /settings/api-keys", h.signedIn(h.createKey))
	h.mux.HandleFunc("POST /settings/api-keys/{id}/revoke", h.signedIn(h.revokeKey))
}

func (h *Handler) showKeys(q *request, status int, msg, secret string) error {
	mus, err := h.svc.MachineUsers(q.ctx, core.Ptr(user.MachineAPIUser), core.PageArgs{First: core.Ptr(100)})
	if err != nil {
		return err
	}
	d := keysData{Presets: keyPresets, Secret: secret}
	for _, e := range mus.Edges {
		if e.Node.DeletedAt != nil {
			continue
		}
		keys, err := h.svc.APIKeysOfMachineUser(q.ctx, e.Node.ID, core.PageArgs{First: core.Ptr(100)})
		if err != nil {
			return err
		}
		mk := machineKeys{Machine: e.Node}
		for _, k := range keys.Edges {
			if k.Node.RevokedAt == nil {
				mk.Keys = append(mk.Keys, k.Node)
			}
		}
		d.Machines = append(d.Machines, mk)
	}
	v := settingsView(q, "API keys", d)
	v.Page, v.Error = "settings", msg
	if secret != "" {
		v.Notice = "API key created. Copy it now: it is shown this once."
	}
	h.render(q.w, q.r, status, "settings_keys", v)
	return nil
}

func (h *Handler) createKey(q *request) error {
	role, ok := auth.ParseRole(q.r.PostFormValue("preset"))
	if !ok || !slices.Contains(keyPresets, role) {
		return h.showKeys(q, http.StatusUnprocessableEntity, "Choose what the key may do.", "")
	}
	k, err := h.svc.CreateAPIKey(q.ctx, q.r.PostFormValue("name"), role.Permissions(), "")
	if err != nil {
		return h.again(q, err, func(q *request, status int, msg string) error { return h.showKeys(q, status, msg, "") })
	}
	return h.showKeys(q, http.StatusOK, "", k.Secret)
}

func (h *Handler) revokeKey(q *request) error {
	if _, err := h.svc.DeleteAPIKey(q.ctx, q.r.PathValue("id")); err != nil {
		return h.again(q, err, func(q *request, status int, msg string) error { return h.showKeys(q, status, msg, "") })
	}
	return back(q, "/settings/api-keys", "key-revoked")
}

// labelsData is the label types page's, with the thread fields' (one page
// of settings for what threads are tagged with).
type labelsData struct {
	Types      []label.Type
	Schemas    []field.Schema
	FieldTypes []field.Type
}

func (h *Handler) labelRoutes() {
	h.mux.HandleFunc("GET /settings/labels", h.signedIn(func(q *request) error { return h.showLabels(q, http.StatusOK, "") }))
	h.mux.HandleFunc("POST /settings/labels", h.signedIn(h.createLabel))
	h.mux.HandleFunc("POST /settings/labels/{id}/archive", h.signedIn(h.archiveLabel))
	h.mux.HandleFunc("GET /settings/fields", h.signedIn(func(q *request) error { return h.showFields(q, http.StatusOK, "") }))
	h.mux.HandleFunc("POST /settings/fields", h.signedIn(h.createField))
	h.mux.HandleFunc("POST /settings/fields/{id}/delete", h.signedIn(h.deleteField))
}

func (h *Handler) showLabels(q *request, status int, msg string) error {
	conn, err := h.svc.LabelTypes(q.ctx, nil, core.PageArgs{First: core.Ptr(100)})
	if err != nil {
		return err
	}
	var d labelsData
	for _, e := range conn.Edges {
		d.Types = append(d.Types, e.Node)
	}
	return h.showSettings(q, status, msg, "Label types", "settings_labels", d)
}

func (h *Handler) createLabel(q *request) error {
	in := label.CreateInput{Name: q.r.PostFormValue("name")}
	if c := strings.TrimSpace(q.r.PostFormValue("color")); c != "" {
		in.Color = &c
	}
	if _, err := h.svc.CreateLabelType(q.ctx, in); err != nil {
		return h.again(q, err, h.showLabels)
	}
	return back(q, "/settings/labels", "label-created")
}

func (h *Handler) archiveLabel(q *request) error {
	archive := q.r.PostFormValue("archive") == "1"
	if _, err := h.svc.SetLabelTypeArchived(q.ctx, q.r.PathValue("id"), archive); err != nil {
		return h.again(q, err, h.showLabels)
	}
	if archive {
		return back(q, "/settings/labels", "label-archived")
	}
	return back(q, "/settings/labels", "label-restored")
}

func (h *Handler) showFields(q *request, status int, msg string) error {
	conn, err := h.svc.ThreadFieldSchemas(q.ctx, core.PageArgs{First: core.Ptr(100)})
	if err != nil {
		return err
	}
	d := labelsData{FieldTypes: []field.Type{field.TypeString, field.TypeEnum, field.TypeBool, field.TypeNumber,
		field.TypeCurrency, field.TypeDate}}
	for _, e := range conn.Edges {
		d.Schemas = append(d.Schemas, e.Node)
	}
	return h.showSettings(q, status, msg, "Thread fields", "settings_fields", d)
}

func (h *Handler) createField(q *request) error {
	f := q.r.PostFormValue
	in := field.SchemaInput{Key: f("key"), Label: f("label"), Description: f("description"), Type: field.Type(f("type")),
		IsRequired: f("required") == "1"}
	if in.Type == field.TypeEnum {
		for _, v := range strings.Split(f("enum"), ",") {
			if v = strings.TrimSpace(v); v != "" {
				in.EnumValues = append(in.EnumValues, v)
			}
		}
	}
	if n, err := strconv.Atoi(f("order")); err == nil {
		in.Order = n
	}
	if _, err := h.svc.CreateThreadFieldSchema(q.ctx, in); err != nil {
		return h.again(q, err, h.showFields)
	}
	return back(q, "/settings/fields", "field-created")
}

func (h *Handler) deleteField(q *request) error {
	if err := h.svc.DeleteThreadFieldSchema(q.ctx, q.r.PathValue("id")); err != nil {
		return h.again(q, err, h.showFields)
	}
	return back(q, "/settings/fields", "field-deleted")
}

// webhooksData is the webhook targets page's.
type webhooksData struct {
	Targets    []webhook.Target
	EventTypes []string
}

// webhookData is one target's page: its settings and delivery log.
type webhookData struct {
	Target   webhook.Target
	Attempts []webhook.Attempt
}

func (h *Handler) webhookRoutes() {
	h.mux.HandleFunc("GET /settings/webhooks", h.signedIn(func(q *request) error { return h.showWebhooks(q, http.StatusOK, "") }))
	h.mux.HandleFunc("POST /settings/webhooks", h.signedIn(h.createWebhook))
	h.mux.HandleFunc("GET /settings/webhooks/{id}", h.signedIn(h.webhookPage))
	h.mux.HandleFunc("POST /settings/webhooks/{id}/enabled", h.signedIn(h.enableWebhook))
	h.mux.HandleFunc("POST /settings/webhooks/{id}/delete", h.signedIn(h.deleteWebhook))
}

func (h *Handler) showWebhooks(q *request, status int, msg string) error {
	conn, err := h.svc.WebhookTargets(q.ctx, core.PageArgs{First: core.Ptr(100)})
	if err != nil {
		return err
	}
	types, err := h.svc.SubscriptionEventTypes(q.ctx)
	if err != nil {
		return err
	}
	var d webhooksData
	for _, e := range conn.Edges {
		d.Targets = append(d.Targets, e.Node)
	}
	for _, t := range types {
		d.EventTypes = append(d.EventTypes, string(t))
	}
	return h.showSettings(q, status, msg, "Webhooks", "settings_webhooks", d)
}

func (h *Handler) createWebhook(q *request) error {
	if err := q.r.ParseForm(); err != nil {
		return h.showWebhooks(q, http.StatusBadRequest, "The form could not be read.")
	}
	in := webhook.TargetInput{URL: strings.TrimSpace(q.r.PostFormValue("url")), Description: q.r.PostFormValue("description"),
		IsEnabled: q.r.PostFormValue("enabled") == "1", EventTypes: q.r.PostForm["event"]}
	if _, err := h.svc.CreateWebhookTarget(q.ctx, in); err != nil {
		return h.again(q, err, h.showWebhooks)
	}
	return back(q, "/settings/webhooks", "webhook-created")
}

func (h *Handler) webhookPage(q *request) error {
	t, err := h.svc.WebhookTarget(q.ctx, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	if t == nil {
		return errNotFound
	}
	log, err := h.svc.DeliveryAttempts(q.ctx, t.ID, webhook.AttemptFilter{}, core.PageArgs{First: core.Ptr(50)})
	if err != nil {
		return err
	}
	d := webhookData{Target: *t}
	for _, e := range log.Edges {
		d.Attempts = append(d.Attempts, e.Node)
	}
	return h.showSettings(q, http.StatusOK, "", "Webhook "+t.URL, "settings_webhook", d)
}

func (h *Handler) enableWebhook(q *request) error {
	on := q.r.PostFormValue("enabled") == "1"
	if _, err := h.svc.UpdateWebhookTarget(q.ctx, service.TargetUpdate{ID: q.r.PathValue("id"), IsEnabled: &on}); err != nil {
		return h.again(q, err, h.showWebhooks)
	}
	return back(q, "/settings/webhooks", "webhook-changed")
}

func (h *Handler) deleteWebhook(q *request) error {
	if err := h.svc.DeleteWebhookTarget(q.ctx, q.r.PathValue("id")); err != nil {
		return h.again(q, err, h.showWebhooks)
	}
	return back(q, "/settings/webhooks", "webhook-deleted")
}
