package mail

import (
	"regexp"
	"slices"
	"strings"

	"github.com/jhillyerd/enmime/v2"

	"github.com/threadline/threadline/internal/email"
)

// Fields of a delivery status notification (RFC 3464), read from the
// whole message: the report's machine-readable part and the original's
// headers it quotes are usually sent unencoded. Mail servers that send
// plain-text bounces (X-Failed-Recipients) quote the original too.
var (
	actionRe     = regexp.MustCompile(`(?im)^Action:[ \t]*([a-z]+)`)
	statusRe     = regexp.MustCompile(`(?im)^Status:[ \t]*([245]\.\d{1,3}\.\d{1,3})`)
	recipientRe  = regexp.MustCompile(`(?im)^(?:Final|Original)-Recipient:[ \t]*[^;\r\n]*;[ \t]*<?([^>\s]+@[^>\s]+)>?`)
	diagnosticRe = regexp.MustCompile(`(?im)^Diagnostic-Code:[ \t]*[^;\r\n]*;[ \t]*([^\r\n]+)`)
	quotedIDRe   = regexp.MustCompile(`(?im)^Message-ID:[ \t]*<([^<>\s]+)>`)
)

// maxReportBytes bounds how much of a report is searched.
const maxReportBytes = 1 << 20

// report reads what a delivery report says: the Message-IDs of the
// messages it is about (those it quotes, its own excepted), the first
// recipient it names, its action and status.
func report(env *enmime.Envelope, raw []byte, ownID string) *email.StatusReport {
	if len(raw) > maxReportBytes {
		raw = raw[:maxReportBytes]
	}
	s := string(raw)
	r := &email.StatusReport{}
	if m := actionRe.FindStringSubmatch(s); m != nil {
		r.Action = strings.ToLower(m[1])
	}
	if m := statusRe.FindStringSubmatch(s); m != nil {
		r.Status = m[1]
	}
	if m := recipientRe.FindStringSubmatch(s); m != nil {
		r.Recipient = email.Normalize(m[1])
	}
	if m := diagnosticRe.FindStringSubmatch(s); m != nil {
		r.Diagnostic = strings.TrimSpace(m[1])
	}
	if failed := strings.TrimSpace(env.GetHeader("X-Failed-Recipients")); failed != "" {
		if r.Recipient == "" {
			r.Recipient = email.Normalize(strings.Split(failed, ",")[0])
		}
		if r.Action == "" {
			r.Action = "failed"
		}
	}
	for _, m := range quotedIDRe.FindAllStringSubmatch(s, 20) {
		if m[1] != ownID && !slices.Contains(r.MessageIDs, m[1]) {
			r.MessageIDs = append(r.MessageIDs, m[1])
		}
	}
	return r
}
