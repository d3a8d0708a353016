package web

import (
	"net/http"
	"net/url"

	"github.com/threadline/threadline/internal/auth"
	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/user"
)

// Settings: what admins configure. Each page reads through the service,
// which refuses what the caller's role does not allow; each form posts,
// and comes back to its page with a notice (by name: nothing the user
// typed is reflected from the URL) or with the page and its error.

// notices are the messages a settings page shows after a change.
var notices = map[string]string{
	"user-created": "User added.", "role-changed": "Role changed.", "user-deleted": "User removed.",
	"password-set": "Password set; their sessions are closed.",
	"key-revoked":  "API key revoked.", "label-created": "Label type added.", "label-archived": "Label type archived.",
	"label-restored": "Label type restored.", "field-created": "Thread field added.", "field-deleted": "Thread field removed.",
	"webhook-created": "Webhook target added.", "webhook-deleted": "Webhook target removed.", "webhook-changed": "Webhook target saved.",
}

func (h *Handler) settingsRoutes() {
	h.mux.HandleFunc("GET /settings", h.signedIn(func(q *request) error {
		http.Redirect(q.w, q.r, "/settings/users", http.StatusSeeOther)
		return nil
	}))
	h.mux.HandleFunc("GET /settings/users", h.signedIn(h.usersPage))
	h.mux.HandleFunc("POST /settings/users", h.signedIn(h.createUser))
	h.mux.HandleFunc("POST /settings/users/{id}/role", h.signedIn(h.changeRole))
	h.mux.HandleFunc("POST /settings/users/{id}/password", h.signedIn(h.resetPassword))
	h.mux.HandleFunc("POST /settings/users/{id}/delete", h.signedIn(h.deleteUser))
	h.keyRoutes()
	h.labelRoutes()
	h.webhookRoutes()
	h.mux.HandleFunc("GET /settings/email", h.signedIn(h.emailPage))
}

// settingsView is a settings page's view: the notice its URL names.
func settingsView(q *request, title string, data any) *view {
	v := q.view(title+" · Settings", data)
	v.Notice = notices[q.r.URL.Query().Get("notice")]
	return v
}

// showSettings renders a settings page with its data and, for a refused
// change, its status and message.
func (h *Handler) showSettings(q *request, status int, msg, title, tmpl string, data any) error {
	v := settingsView(q, title, data)
	v.Page, v.Error = "settings", msg
	h.render(q.w, q.r, status, tmpl, v)
	return nil
}

// back returns to a settings page with a notice.
func back(q *request, page, notice string) error {
	http.Redirect(q.w, q.r, page+"?notice="+url.QueryEscape(notice), http.StatusSeeOther)
	return nil
}

// again shows a settings page with the error of a refused change (or fails
// the request for errors that are not the caller's).
func (h *Handler) again(q *request, err error, show func(q *request, status int, msg string) error) error {
	status, msg := describe(err)
	if status == http.StatusInternalServerError {
		return err
	}
	return show(q, status, msg)
}

// usersData is the users page's.
type usersData struct {
	Users []user.User
	Roles []auth.Role
}

func (h *Handler) usersPage(q *request) error { return h.showUsers(q, http.StatusOK, "") }

func (h *Handler) showUsers(q *request, status int, msg string) error {
	conn, err := h.svc.Users(q.ctx, user.Filter{Deleted: core.Ptr(false)}, core.PageArgs{First: core.Ptr(100)})
	if err != nil {
		return err
	}
	d := usersData{Roles: auth.Roles}
	for _, e := range conn.Edges {
		d.Users = append(d.Users, e.Node)
	}
	return h.showSettings(q, status, msg, "Users and roles", "settings_users", d)
}

func (h *Handler) createUser(q *request) error {
	role, _ := auth.ParseRole(q.r.PostFormValue("role"))
	in := service.NewUserInput{Email: q.r.PostFormValue("email"), FullName: q.r.PostFormValue("name"), Role: role}
	if pw := q.r.PostFormValue("password"); pw != "" {
		in.Password = &pw
	}
	if _, err := h.svc.CreateUserWith(q.ctx, in); err != nil {
		return h.again(q, err, h.showUsers)
	}
	return back(q, "/settings/users", "user-created")
}

func (h *Handler) changeRole(q *request) error {
	if _, err := h.svc.ChangeUserRole(q.ctx, q.r.PathValue("id"), auth.Role(q.r.PostFormValue("role"))); err != nil {
		return h.again(q, err, h.showUsers)
	}
	return back(q, "/settings/users", "role-changed")
}

func (h *Handler) resetPassword(q *request) error {
	if err := h.svc.SetUserPassword(q.ctx, q.r.PathValue("id"), q.r.PostFormValue("password")); err != nil {
		return h.again(q, err, h.showUsers)
	}
	return back(q, "/settings/users", "password-set")
}

func (h *Handler) deleteUser(q *request) error {
	if q.r.PathValue("id") == q.ses.User.ID {
		return h.showUsers(q, http.StatusUnprocessableEntity, "You cannot remove yourself.")
	}
	if _, err := h.svc.DeleteUser(q.ctx, q.r.PathValue("id")); err != nil {
		return h.again(q, err, h.showUsers)
	}
	return back(q, "/settings/users", "user-deleted")
}

// emailData is the email page's: the workspace's support addresses and
// domain names.
type emailData struct {
	Addresses []email.SupportAddress
	Domains   []string
}

// emailPage shows the workspace's email set-up.
func (h *Handler) emailPage(q *request) error {
	w, err := h.svc.MyWorkspace(q.ctx)
	if err != nil {
		return err
	}
	var d emailData
	if w != nil {
		d.Domains = w.DomainNames
	}
	if d.Addresses, err = h.svc.SupportAddresses(q.ctx); err != nil {
		return err
	}
	return h.showSettings(q, http.StatusOK, "", "Email", "settings_email", d)
}
