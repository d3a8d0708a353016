package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/thread"
	"github.com/threadline/threadline/internal/user"
)

// view is what every page template gets: the page's own data in Data.
type view struct {
	Title string
	// Page names the page for the scripts (body data-page).
	Page string
	Me   *user.User
	Can  can
	// Error and Notice are shown at the top of the page (Error as an
	// alert).
	Error  string
	Notice string
	Data   any
}

// can says which controls to show a principal: the service decides, the
// page only leaves out what would be refused anyway.
type can struct {
	Reply, Note, Edit, Assign, Label, Fields, Settings bool
	Users, Keys, Labels, FieldSchemas, Webhooks        bool
	ManageUsers, CreateUsers                           bool
}

func canOf(p *auth.Principal) can {
	if p == nil {
		return can{}
	}
	c := can{
		Reply: p.Has(auth.ThreadReply), Note: p.Has(auth.NoteCreate), Edit: p.Has(auth.ThreadEdit),
		Assign: p.Has(auth.ThreadAssign), Label: p.Has(auth.LabelCreate) && p.Has(auth.LabelDelete),
		Fields: p.Has(auth.ThreadFieldCreate) && p.Has(auth.ThreadFieldUpdate),
		Users:  p.Has(auth.UserRead), ManageUsers: p.Has(auth.UserEdit), CreateUsers: p.Has(auth.UserCreate),
		Keys: p.Has(auth.MachineUserRead) && p.Has(auth.APIKeyRead), Labels: p.Has(auth.LabelTypeCreate),
		FieldSchemas: p.Has(auth.ThreadFieldSchemaCreate), Webhooks: p.Has(auth.WebhookTargetRead),
	}
	c.Settings = c.ManageUsers || c.Keys || c.Labels || c.FieldSchemas || c.Webhooks
	return c
}

// render writes the page name with v, in the layout, with status.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	h.renderTemplate(w, status, name, "layout", v)
}

// renderTemplate writes one template of the page name's set: the whole
// page ("layout") or a part of it that htmx asked for.
func (h *Handler) renderTemplate(w http.ResponseWriter, status int, name, tmpl string, v *view) {
	if v.Page == "" {
		v.Page = name
	}
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, tmpl, v); err != nil {
		h.log.Error("rendering a page", "page", name, "template", tmpl, "err", err)
		http.Error(w, "Internal server error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// funcs are the templates' helpers. None returns unescaped HTML built from
// user data except md, which escapes first.
var funcs = template.FuncMap{
	"ago":      ago,
	"iso":      func(t core.Time) string { return t.ISO8601() },
	"when":     func(t core.Time) string { return t.Std().Format("2 Jan 2006, 15:04 UTC") },
	"priority": priorityName,
	"status":   statusName,
	"detail":   detailName,
	"md":       markdown,
	"initials": initials,
	"deref": func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	},
	"add":        func(a, b int) int { return a + b },
	"priorities": func() []string { return priorityNames },
	// dict makes a map of key-value pairs, to hand a template several
	// values.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"count": func(n, limit int) string {
		if n >= limit {
			return strconv.Itoa(limit) + "+"
		}
		return strconv.Itoa(n)
	},
}

// ago is how long before now t was, in the short form a queue row shows
// ("4m", "3h", "2d", "5w").
func ago(t core.Time) string {
	d := time.Since(t.Std())
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d < 14*24*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	case d < 365*24*time.Hour:
		return fmt.Sprintf("%dw", int(d.Hours()/24/7))
	}
	return fmt.Sprintf("%dy", int(d.Hours()/24/365))
}

// priorityNames are the priorities as Plain names them.
var priorityNames = []string{"Urgent", "High", "Normal", "Low"}

func priorityName(p int) string {
	if p >= 0 && p < len(priorityNames) {
		return priorityNames[p]
	}
	return strconv.Itoa(p)
}

func statusName(s thread.Status) string {
	switch s {
	case thread.StatusTodo:
		return "Todo"
	case thread.StatusSnoozed:
		return "Snoozed"
	case thread.StatusDone:
		return "Done"
	}
	return string(s)
}

// detailName words a status detail as Plain's app does.
func detailName(d thread.Detail) string {
	switch d {
	case thread.DetailCreated:
		return "Needs first response"
	case thread.DetailNewReply:
		return "Needs next response"
	case thread.DetailInProgress:
		return "Investigating"
	case thread.DetailWaitingForCustomer:
		return "Waiting for customer"
	case thread.DetailWaitingForDuration:
		return "Paused for later"
	case thread.DetailDoneManuallySet, thread.DetailDoneAutomaticallySet:
		return "Done"
	case thread.DetailIgnored:
		return "Ignored"
	}
	return strings.ToLower(strings.ReplaceAll(string(d), "_", " "))
}

// initials are up to two letters of a name, for an avatar.
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			out = append(out, r)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}
