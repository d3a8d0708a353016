package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/test/harness"
)

// TestEmailOverSMTP: a customer's message sent over SMTP becomes a thread
// with its customer, text, HTML and attachment; Threadline's answer goes
// out through the relay with the headers that thread it; the customer's
// reply to it lands on the same thread; an auto-reply and a bounce create
// nothing (the bounce marks the answer BOUNCED); swaks, where installed,
// delivers too.
func TestEmailOverSMTP(t *testing.T) {
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			relay := startRelay(t)
			db := b.NewDatabaseURL(t)
			srv := harness.Start(t, db, mailEnv(relay)...)
			key := harness.NewAPIKey(t, db, "", "all")
			smtpAddr := srv.SMTPAddr(t)

			first := customerMail(t, email.Draft{From: email.Address{Name: "Grace Hopper", Email: "grace@example.com"},
				Subject: "Printer on fire", Text: "It burns.\n\nGrace", HTML: "<p>It <b>burns</b>.<script>alert(1)</script></p>",
				Attachments: []email.Attachment{{FileName: "photo.png", ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\nfire")}}})
			if err := sendMail(t, smtpAddr, "grace@example.com", []string{supportAddress}, first); err != nil {
				t.Fatal(err)
			}
			threads := customerThreads(t, srv, key, "grace@example.com")
			if len(threads) != 1 {
				t.Fatalf("%d threads for the sender, want 1", len(threads))
			}
			th := threads[0].(map[string]any)["node"].(map[string]any)
			if th["title"] != "Printer on fire" || th["channel"] != "EMAIL" || th["status"] != "TODO" ||
				fmt.Sprint(th["supportEmailAddresses"]) != "["+supportAddress+"]" {
				t.Fatalf("thread = %v", th)
			}
			entries := emailEntries(t, threads[0])
			in := entries[0]
			if len(entries) != 1 || in["textContent"] != "It burns.\n\nGrace" || in["isStartOfThread"] != true ||
				in["from"].(map[string]any)["name"] != "Grace Hopper" || len(in["attachments"].([]any)) != 1 ||
				in["attachments"].([]any)[0].(map[string]any)["fileName"] != "photo.png" {
				t.Fatalf("email entries (%d) = %q", len(entries), entries)
			}
			// The HTML is kept, sanitised, with the sender checks (the CLI shows them).
			shown := harness.CLI(t, db, "email", "show", in["emailId"].(string))
			for _, want := range []string{"<p>It <b>burns</b>.</p>", "inbound via smtp", `envelope sender "grace@example.com" (matches From's domain: true)`} {
				if !strings.Contains(shown, want) {
					t.Errorf("email show lacks %q:\n%s", want, shown)
				}
			}
			if strings.Contains(shown, "<script") {
				t.Errorf("the HTML kept a script:\n%s", shown)
			}
			answerID := checkAnswerAndReply(t, srv, key, relay, smtpAddr, th["id"].(string), in["emailId"].(string))
			checkAutomated(t, srv, key, relay, smtpAddr, answerID)
			checkSwaks(t, srv, key, smtpAddr)
		})
	}
}

// checkAnswerAndReply answers the customer's email through the API,
// checks what the relay received, and sends the customer's reply to it.
// It returns the answer's id.
func checkAnswerAndReply(t *testing.T, srv *harness.Server, key string, relay *testRelay, smtpAddr, threadID, emailID string) string {
	t.Helper()
	out := graphql(t, srv.GraphQLURL(), key, fmt.Sprintf(`mutation { replyToEmail(input: {inReplyToEmailId: %q,
		textContent: "Is it plugged in?", markdownContent: "Is it **plugged in**?",
		additionalRecipients: [{email: "boss@example.com", name: "Boss"}], hiddenRecipients: [{email: "audit@acme.test"}]}) {
		email { id subject } error { message } } }`, emailID))
	answerID, _ := data(t, out, "replyToEmail.email.id").(string)
	if answerID == "" {
		t.Fatalf("replyToEmail: %v", out)
	}
	got := relay.waitFor(t, 1, 20*time.Second)[0]
	m := got.msg
	if !strings.HasPrefix(m.MessageID, strings.ToLower(answerID)+"@") || m.Subject != "Re: Printer on fire" ||
		m.From.Email != supportAddress || m.To[0].Email != "grace@example.com" || len(m.InReplyTo) != 1 ||
		len(m.References) == 0 || m.References[len(m.References)-1] != m.InReplyTo[0] ||
		m.ReplyTo[0].Email != email.ReplyAddress(supportAddress, threadID) || !strings.Contains(m.HTML, "<strong>plugged in</strong>") ||
		m.Text != "Is it plugged in?" || got.from != supportAddress || !slices.Contains(got.to, "audit@acme.test") ||
		strings.Contains(string(got.raw), "audit@acme.test") {
		t.Fatalf("relayed message: envelope %s → %v\n%+v\n%s", got.from, got.to, m, got.raw)
	}
	eventually(t, 10*time.Second, "the answer SENT", func() bool {
		return entryStatus(t, srv, key, "grace@example.com", answerID) == "SENT"
	})
	// The customer answers Threadline's email: it threads by In-Reply-To.
	reply := customerMail(t, email.Draft{From: email.Address{Email: "grace@example.com"}, Subject: "Re: Printer on fire",
		Text: "Yes it is.\n\nOn Tue, Threadline wrote:\n> Is it plugged in?", InReplyTo: m.MessageID,
		References: append(m.References, m.MessageID)})
	if err := sendMail(t, smtpAddr, "grace@example.com", []string{m.ReplyTo[0].Email}, reply); err != nil {
		t.Fatal(err)
	}
	threads := customerThreads(t, srv, key, "grace@example.com")
	entries := emailEntries(t, threads[0])
	last := entries[len(entries)-1]
	if len(threads) != 1 || len(entries) != 3 || last["textContent"] != "Yes it is." || last["hasMoreTextContent"] != true {
		t.Fatalf("after the reply: %d threads; entries %v", len(threads), entries)
	}
	return answerID
}

// entryStatus returns the send status of an email entry of the customer's
// first thread.
func entryStatus(t *testing.T, srv *harness.Server, key, addr, emailID string) string {
	t.Helper()
	for _, th := range customerThreads(t, srv, key, addr) {
		for _, e := range emailEntries(t, th) {
			if e["emailId"] == emailID {
				s, _ := e["sendStatus"].(string)
				return s
			}
		}
	}
	return ""
}

// checkAutomated sends an out-of-office reply and a bounce of the answer:
// neither creates a thread or a customer; the bounce marks the answer.
func checkAutomated(t *testing.T, srv *harness.Server, key string, relay *testRelay, smtpAddr, answerID string) {
	t.Helper()
	before := threadCount(t, srv, key)
	answer := relay.messages()[0].msg
	ooo := []byte("From: Vacation <away@example.com>\r\nTo: " + supportAddress + "\r\nSubject: Out of office\r\n" +
		"Message-ID: <ooo1@example.com>\r\nAuto-Submitted: auto-replied\r\nIn-Reply-To: <" + answer.MessageID + ">\r\n\r\nI am away.\r\n")
	if err := sendMail(t, smtpAddr, "away@example.com", []string{supportAddress}, ooo); err != nil {
		t.Fatal(err)
	}
	dsn := strings.ReplaceAll("From: MAILER-DAEMON@mx.example.com\nTo: "+supportAddress+"\nSubject: Undelivered Mail\n"+
		"Message-ID: <dsn1@mx.example.com>\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"+
		"--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n--B\nContent-Type: message/delivery-status\n\n"+
		"Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; boss@example.com\nAction: failed\nStatus: 5.1.1\n"+
		"Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n--B\nContent-Type: text/rfc822-headers\n\n"+
		"Message-ID: <"+answer.MessageID+">\nSubject: "+answer.Subject+"\n\n--B--\n", "\n", "\r\n")
	if err := sendMail(t, smtpAddr, "", []string{supportAddress}, []byte(dsn)); err != nil {
		t.Fatal(err)
	}
	if n := threadCount(t, srv, key); n != before {
		t.Errorf("automated mail changed the thread count from %d to %d", before, n)
	}
	if len(customerThreads(t, srv, key, "away@example.com")) != 0 {
		t.Error("an auto-reply created a customer with threads")
	}
	if s := entryStatus(t, srv, key, "grace@example.com", answerID); s != "BOUNCED" {
		t.Errorf("the bounced answer's status is %q, want BOUNCED", s)
	}
}

// checkSwaks sends a message with swaks (Debian's SMTP test tool) where it
// is installed: under THREADLINE_TEST_STRICT it must be.
func checkSwaks(t *testing.T, srv *harness.Server, key, smtpAddr string) {
	t.Helper()
	swaks, err := exec.LookPath("swaks")
	if err != nil {
		if harness.Strict() {
			t.Fatal("swaks not installed (THREADLINE_TEST_STRICT is set)")
		}
		t.Log("swaks not installed: its delivery is not tested")
		return
	}
	host, port, _ := strings.Cut(smtpAddr, ":")
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.4 swaks"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(swaks, "--server", host, "--port", port, "--from", "ada@example.com", "--to", supportAddress,
		"--h-From", "Ada Lovelace <ada@example.com>", "--h-Subject", "Sent with swaks", "--body", "Hello from swaks.",
		"--attach-type", "application/pdf", "--attach-name", "report.pdf", "--attach", "@"+file, "--silent", "2")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("swaks: %v\n%s", err, out)
	}
	threads := customerThreads(t, srv, key, "ada@example.com")
	if len(threads) != 1 {
		t.Fatalf("swaks's message made %d threads", len(threads))
	}
	e := emailEntries(t, threads[0])[0]
	if e["subject"] != "Sent with swaks" || e["textContent"] != "Hello from swaks." || len(e["attachments"].([]any)) != 1 {
		t.Fatalf("swaks's email = %v", e)
	}
}

// newCustomer creates a customer and returns their id.
func newCustomer(t *testing.T, srv *harness.Server, key, addr string) string {
	t.Helper()
	out := graphql(t, srv.GraphQLURL(), key, fmt.Sprintf(`mutation { upsertCustomer(input: {identifier: {emailAddress: %q},
		onCreate: {fullName: "C", email: {email: %q, isVerified: true}}, onUpdate: {}}) { customer { id } error { message } } }`, addr, addr))
	id, _ := data(t, out, "upsertCustomer.customer.id").(string)
	if id == "" {
		t.Fatalf("upsertCustomer: %v", out)
	}
	return id
}

// sendNewEmail sends a new email to a customer and returns its id.
func sendNewEmail(t *testing.T, srv *harness.Server, key, customerID, subject string) string {
	t.Helper()
	out := graphql(t, srv.GraphQLURL(), key, fmt.Sprintf(`mutation { sendNewEmail(input: {customerId: %q, subject: %q,
		textContent: "Hello"}) { email { id } error { message code fields { field message } } } }`, customerID, subject))
	id, _ := data(t, out, "sendNewEmail.email.id").(string)
	if id == "" {
		t.Fatalf("sendNewEmail: %v", out)
	}
	return id
}

// TestEmailSendRetriedAndSurvivesKill: a relay refusing the first attempts
// gets the email later; emails pending when the server is killed
// (SIGKILL) are sent after the restart; every email reaches the relay
// exactly once, with one Message-ID each.
func TestEmailSendRetriedAndSurvivesKill(t *testing.T) {
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			relay := startRelay(t)
			relay.set(false, 2)
			db := b.NewDatabaseURL(t)
			srv := harness.Start(t, db, mailEnv(relay)...)
			key := harness.NewAPIKey(t, db, "", "all")
			const n = 20
			ids := make([]string, n+1)
			for i := range ids {
				ids[i] = newCustomer(t, srv, key, fmt.Sprintf("send%d@example.com", i))
			}
			first := sendNewEmail(t, srv, key, ids[0], "Refused twice")
			relay.waitFor(t, 1, 20*time.Second)
			if n := relay.refusedCount(); n != 2 {
				t.Errorf("the relay refused %d attempts, want 2", n)
			}
			eventually(t, 10*time.Second, "the first email SENT", func() bool {
				return entryStatus(t, srv, key, "send0@example.com", first) == "SENT"
			})

			relay.set(true, 0) // refuses everything: sends stay pending
			for i := 1; i <= n; i++ {
				sendNewEmail(t, srv, key, ids[i], fmt.Sprintf("Pending %d", i))
			}
			time.Sleep(700 * time.Millisecond) // some attempts refused, some sends mid-lease
			srv.Kill()
			relay.set(false, 0)
			srv = harness.Start(t, db, mailEnv(relay)...)
			relay.waitFor(t, n+1, 60*time.Second)
			time.Sleep(3 * time.Second) // a lease's length: let any second copy arrive
			distinct, total, dup := relay.counts()
			t.Logf("%d emails, %d deliveries (after %d refusals and a SIGKILL)", distinct, total, relay.refusedCount())
			if distinct != n+1 || total != n+1 || len(dup) != 0 {
				t.Fatalf("%d distinct Message-IDs, %d deliveries, duplicates %v; want %d once each", distinct, total, dup, n+1)
			}
			for i := 1; i <= n; i++ {
				addr := fmt.Sprintf("send%d@example.com", i)
				eventually(t, 10*time.Second, addr+"'s email SENT", func() bool {
					th := customerThreads(t, srv, key, addr)
					return len(th) == 1 && emailEntries(t, th[0])[0]["sendStatus"] == "SENT"
				})
			}
		})
	}
}
