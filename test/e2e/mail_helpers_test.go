package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threadline/threadline/internal/core"
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/mail"
	"github.com/threadline/threadline/test/harness"
)

// supportAddress is the default workspace's support address in these tests.
const supportAddress = "help@acme.test"

// relayed is one message the test relay accepted.
type relayed struct {
	from string
	to   []string
	raw  []byte
	msg  email.Message
}

// testRelay is an SMTP relay on loopback that records what it accepts
// and can refuse messages for now (451), as a busy relay does.
type testRelay struct {
	addr      string
	mu        sync.Mutex
	refuseAll bool
	refuseN   int // refuse this many more messages
	refused   int
	got       []relayed
}

func (r *testRelay) Accepts(context.Context, string) error { return nil }

func (r *testRelay) Receive(_ context.Context, in mail.Inbound) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.refuseAll || r.refuseN > 0 {
		r.refuseN--
		r.refused++
		return errors.New("relay busy")
	}
	m, err := mail.Parse(in.Raw, in.Envelope)
	if err != nil {
		return &mail.PermanentError{Err: err}
	}
	r.got = append(r.got, relayed{from: in.Envelope.EnvelopeFrom, to: in.Recipients, raw: in.Raw, msg: m})
	return nil
}

func (r *testRelay) set(refuseAll bool, refuseN int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refuseAll, r.refuseN = refuseAll, refuseN
}

func (r *testRelay) refusedCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refused
}

func (r *testRelay) messages() []relayed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]relayed(nil), r.got...)
}

// counts returns how many distinct Message-IDs the relay accepted, how
// many messages in all, and the ids it accepted more than once.
func (r *testRelay) counts() (distinct, total int, dup []string) {
	seen := map[string]int{}
	for _, m := range r.messages() {
		seen[m.msg.MessageID]++
	}
	for id, n := range seen {
		if n > 1 {
			dup = append(dup, id)
		}
	}
	return len(seen), len(r.messages()), dup
}

// waitFor waits until the relay accepted n messages in all.
func (r *testRelay) waitFor(t *testing.T, n int, within time.Duration) []relayed {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if got := r.messages(); len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the relay accepted %d messages, want %d", len(r.messages()), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func startRelay(t *testing.T) *testRelay {
	t.Helper()
	r := &testRelay{}
	ctx, cancel := context.WithCancel(context.Background())
	addr, done, err := mail.ListenSMTP(ctx, mail.NewSMTPServer(r, mail.SMTPOptions{Addr: "127.0.0.1:0"}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })
	r.addr = addr.String()
	return r
}

// mailEnv is the environment of a server that receives mail on loopback,
// sends through relay and retries quickly.
func mailEnv(relay *testRelay, extra ...string) []string {
	env := []string{"THREADLINE_SMTP_ADDR=127.0.0.1:0", "THREADLINE_SUPPORT_ADDRESS=" + supportAddress,
		"THREADLINE_SMTP_RELAY_TIMEOUT=1s", "THREADLINE_SMTP_RETRY_SCHEDULE=200ms,200ms,200ms,200ms,200ms,500ms,500ms,1s,1s,1s,1s,1s,1s,1s,1s",
		"THREADLINE_IMAP_INTERVAL=200ms", "THREADLINE_IMAP_LEASE=2s"}
	if relay != nil {
		env = append(env, "THREADLINE_SMTP_RELAY=smtp+insecure://"+relay.addr)
	}
	return append(env, extra...)
}

// sendMail sends raw to Threadline's SMTP receiver as a mail server would.
func sendMail(t *testing.T, addr, from string, to []string, raw []byte) error {
	t.Helper()
	return mail.Relay{Addr: addr, Mode: "insecure", Timeout: 30 * time.Second}.Send(context.Background(), from, to, raw)
}

// customerMail composes a message a customer's mail client sends.
func customerMail(t *testing.T, d email.Draft) []byte {
	t.Helper()
	if d.MessageID == "" {
		d.MessageID = strings.ToLower(core.NewID("msg")) + "@example.com"
	}
	if len(d.To) == 0 {
		d.To = []email.Address{{Email: supportAddress}}
	}
	d.Date = core.SystemClock{}.Now()
	raw, err := mail.Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// data digs a path ("a.b.0.c") out of a GraphQL response's data.
func data(t *testing.T, out map[string]any, path string) any {
	t.Helper()
	var v any = out["data"]
	for _, k := range strings.Split(path, ".") {
		switch c := v.(type) {
		case map[string]any:
			v = c[k]
		case []any:
			var i int
			if _, err := fmt.Sscan(k, &i); err != nil || i >= len(c) {
				t.Fatalf("no %s in %v (at %s)", path, out, k)
			}
			v = c[i]
		default:
			t.Fatalf("no %s in %v (at %s)", path, out, k)
		}
	}
	return v
}

// threadCount is the number of threads of the default workspace.
func threadCount(t *testing.T, srv *harness.Server, key string) int {
	t.Helper()
	return int(data(t, graphql(t, srv.GraphQLURL(), key, `{ threads { totalCount } }`), "threads.totalCount").(float64))
}

// customerThreads returns the threads of the customer with the address,
// newest first, with their email entries.
func customerThreads(t *testing.T, srv *harness.Server, key, addr string) []any {
	t.Helper()
	out := graphql(t, srv.GraphQLURL(), key, fmt.Sprintf(`{ customerByEmail(email: %q) { id fullName } }`, addr))
	c, _ := data(t, out, "customerByEmail").(map[string]any)
	if c == nil {
		return nil
	}
	out = graphql(t, srv.GraphQLURL(), key, fmt.Sprintf(`{ threads(filters: {customerIds: [%q]}) { edges { node {
		id title channel supportEmailAddresses status
		timelineEntries(filters: {entryTypes: [EMAIL]}) { edges { node { entry { ... on EmailEntry {
			emailId subject textContent fullTextContent hasMoreTextContent isStartOfThread sendStatus
			from { email name } to { email } attachments { fileName fileMimeType } bounces { reason isSendRetriable } } } } } } } } } }`,
		c["id"]))
	edges, _ := data(t, out, "threads.edges").([]any)
	return edges
}

// emailEntries returns the email entries of a thread edge.
func emailEntries(t *testing.T, edge any) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, e := range edge.(map[string]any)["node"].(map[string]any)["timelineEntries"].(map[string]any)["edges"].([]any) {
		out = append(out, e.(map[string]any)["node"].(map[string]any)["entry"].(map[string]any))
	}
	return out
}

// eventually retries check until it passes or time runs out.
func eventually(t *testing.T, within time.Duration, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
