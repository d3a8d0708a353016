package mail

import (
	"strings"

	"github.com/jhillyerd/enmime/v2"

	"github.com/threadline/threadline/internal/email"
)

// classify says whether a machine sent the message, and which kind: RFC
// 3834 auto-submitted mail, delivery reports (RFC 3464 bounces, RFC 8098
// read receipts), mail from the null sender or MAILER-DAEMON, bulk
// precedence, and the vendor headers of out-of-office replies.
func classify(env *enmime.Envelope, opt ParseOptions) email.Automation {
	h := func(name string) string { return strings.ToLower(strings.TrimSpace(env.GetHeader(name))) }
	if v := h("Auto-Submitted"); v != "" && v != "no" {
		return email.AutoSubmitted
	}
	if isReport(env) {
		return email.DeliveryReport
	}
	if opt.HasEnvelope && (opt.EnvelopeFrom == "" || opt.EnvelopeFrom == "<>") {
		return email.NullSender
	}
	if rp := h("Return-Path"); rp == "<>" {
		return email.NullSender
	}
	if from, err := env.AddressList("From"); err == nil && len(from) > 0 {
		local, _, _ := strings.Cut(strings.ToLower(from[0].Address), "@")
		if local == "mailer-daemon" || local == "postmaster" {
			return email.MailerDaemon
		}
	}
	switch h("Precedence") {
	case "bulk", "junk", "list", "auto_reply":
		return email.BulkPrecedence
	}
	if h("X-Autoreply") != "" || h("X-Autorespond") != "" || h("X-Autoresponse") != "" ||
		strings.Contains(h("X-Auto-Response-Suppress"), "oof") && strings.Contains(h("Subject"), "automatic reply") {
		return email.AutoReply
	}
	return email.Human
}

// isReport reports whether a message is a delivery status notification
// (RFC 3464, or a server's plain-text bounce naming the failed recipients)
// or a read receipt (RFC 8098).
func isReport(env *enmime.Envelope) bool {
	ct := strings.ToLower(env.Root.ContentType)
	return ct == "multipart/report" || ct == "message/delivery-status" || ct == "message/disposition-notification" ||
		strings.TrimSpace(env.GetHeader("X-Failed-Recipients")) != ""
}

// authenticity reads the verdicts a trusted server recorded in its
// Authentication-Results header (RFC 8601): PASS when DMARC, DKIM or SPF
// passed and none failed, FAIL when one failed, UNKNOWN without a trusted
// header.
func authenticity(headers []string, trusted string) email.Authenticity {
	if trusted == "" {
		return email.AuthUnknown
	}
	verdict := email.AuthUnknown
	for _, h := range headers {
		id, rest, _ := strings.Cut(h, ";")
		if !strings.EqualFold(strings.Fields(id + " x")[0], trusted) {
			continue
		}
		for _, clause := range strings.Split(rest, ";") {
			method, result, ok := strings.Cut(strings.TrimSpace(clause), "=")
			if !ok {
				continue
			}
			result = strings.ToLower(strings.Fields(result + " x")[0])
			switch strings.ToLower(strings.TrimSpace(method)) {
			case "dmarc", "dkim", "spf":
				switch result {
				case "fail", "permerror":
					return email.AuthFail
				case "pass":
					verdict = email.AuthPass
				}
			}
		}
	}
	return verdict
}
