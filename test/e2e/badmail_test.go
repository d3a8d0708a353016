package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/mail"
	"github.com/threadline/threadline/test/harness"
)

// TestEmailBadMail: a 50 MB message over the limit, a recipient that is no
// support address, broken MIME, unknown charsets, a header injection
// through the API: each gets a clear answer (refused, or stored with its
// problems recorded) and the server keeps serving.
func TestEmailBadMail(t *testing.T) {
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			relay := startRelay(t)
			db := b.NewDatabaseURL(t)
			srv := harness.Start(t, db, mailEnv(relay, "THREADLINE_SMTP_MAX_BYTES=10485760")...)
			key := harness.NewAPIKey(t, db, "", "all")
			smtpAddr := srv.SMTPAddr(t)
			refused := func(name string, err error, code string) {
				t.Helper()
				var se *mail.SendError
				if !errors.As(err, &se) || !se.Permanent || !strings.Contains(err.Error(), code) {
					t.Errorf("%s: %v, want a permanent refusal with %s", name, err, code)
				}
			}
			line := strings.Repeat("x", 998) + "\r\n"
			big := bytes.NewBufferString("From: big@example.com\r\nTo: " + supportAddress + "\r\nSubject: big\r\n\r\n")
			for big.Len() < 50<<20 {
				big.WriteString(line)
			}
			refused("50 MB over the 10 MB limit", sendMail(t, smtpAddr, "big@example.com", []string{supportAddress}, big.Bytes()), "552")
			refused("not a support address", sendMail(t, smtpAddr, "a@example.com", []string{"nobody@acme.test"},
				[]byte("From: a@example.com\r\nSubject: x\r\n\r\nx\r\n")), "550")

			broken := "From: Broken <broken@example.com>\r\nTo: " + supportAddress + "\r\nSubject: broken\r\nMessage-ID: <b1@example.com>\r\n" +
				"Content-Type: multipart/mixed; boundary=\"nope\"\r\n\r\n--wrong\r\nContent-Type: text/plain\r\n\r\nstill here\r\n"
			charset := "From: =?x-unknown?Q?Andr=E9?= <charset@example.com>\r\nTo: " + supportAddress + "\r\nSubject: =?ISO-8859-1?Q?caf=E9?=\r\n" +
				"Message-ID: <c1@example.com>\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nhello\r\n"
			bad64 := "From: b64@example.com\r\nTo: " + supportAddress + "\r\nSubject: b64\r\nMessage-ID: <e1@example.com>\r\n" +
				"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
			for _, m := range []struct{ from, raw, text string }{{"broken@example.com", broken, "still here"},
				{"charset@example.com", charset, "hello"}, {"b64@example.com", bad64, ""}} {
				if err := sendMail(t, smtpAddr, m.from, []string{supportAddress}, []byte(m.raw)); err != nil {
					t.Errorf("%s: %v", m.from, err)
					continue
				}
				th := customerThreads(t, srv, key, m.from)
				if len(th) != 1 {
					t.Errorf("%s: %d threads", m.from, len(th))
					continue
				}
				e := emailEntries(t, th[0])[0]
				if text, _ := e["textContent"].(string); !strings.Contains(text, m.text) {
					t.Errorf("%s: text %q, want %q in it", m.from, text, m.text)
				}
			}
			if shown := harness.CLI(t, db, "email", "show", brokenEmailID(t, srv, key)); !strings.Contains(shown, "Problem:") {
				t.Errorf("broken MIME recorded no problem:\n%s", shown)
			}
			checkInjection(t, srv, key, relay)
			resp, err := http.Get(srv.URL + "/healthz")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("healthz after bad mail: %v %v", resp, err)
			}
			resp.Body.Close()
			if strings.Contains(srv.Logs(), "panic") {
				t.Fatalf("the server panicked:\n%s", srv.Logs())
			}
		})
	}
}

func brokenEmailID(t *testing.T, srv *harness.Server, key string) string {
	t.Helper()
	return emailEntries(t, customerThreads(t, srv, key, "broken@example.com")[0])[0]["emailId"].(string)
}

// checkInjection sends an email whose subject tries to add a header: it is
// refused with a validation error on the subject, and nothing is sent.
func checkInjection(t *testing.T, srv *harness.Server, key string, relay *testRelay) {
	t.Helper()
	c := newCustomer(t, srv, key, "target@example.com")
	for _, subject := range []string{"Hi\r\nBcc: everyone@example.com", "Hi\nX-Evil: 1", "Hi\rTo: x@example.com"} {
		quoted, _ := json.Marshal(subject)
		out := graphql(t, srv.GraphQLURL(), key, fmt.Sprintf(`mutation { sendNewEmail(input: {customerId: %q, subject: %s,
			textContent: "x"}) { email { id } error { type code fields { field type } } } }`, c, quoted))
		if e, _ := data(t, out, "sendNewEmail.error").(map[string]any); e == nil || e["type"] != "VALIDATION" ||
			data(t, out, "sendNewEmail.error.fields.0.field") != "subject" {
			t.Errorf("subject %q: %v", subject, out)
		}
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(relay.messages()); n != 0 {
		t.Errorf("the relay received %d messages", n)
	}
}
