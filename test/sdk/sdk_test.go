// Package sdk runs Threadline end to end through Plain's official
// TypeScript SDK (@team-plain/typescript-sdk): for each database backend it
// starts a server, seeds it through the CLI and runs the node:test suites in
// tests/ against it. It is skipped when node or npm is not installed.
package sdk

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/threadline/threadline/test/harness"
)

// nodeTimeout bounds npm ci and each run of the node test suites.
const nodeTimeout = 5 * time.Minute

// webhookRetrySchedule is the servers' webhook retry schedule: three
// quick retries, so that the webhook suite sees a delivery fail twice and
// then succeed, or run out of attempts, within seconds.
const webhookRetrySchedule = "100ms,200ms,300ms"

// emailSupportAddress is the support address of the email suite's
// workspace.
const emailSupportAddress = "help@email-sdk.test"

// attachmentLinkTTL is how long the servers' attachment upload and download
// links are valid: long enough to use one at once, short enough for the
// suites to see one expire.
const attachmentLinkTTL = "5s"

var (
	workspaceIDRe = regexp.MustCompile(`^w_[0-9A-HJKMNP-TV-Z]{26}$`)
	userIDRe      = regexp.MustCompile(`^u_[0-9A-HJKMNP-TV-Z]{26}$`)
	// "apikey create" reports the key's machine user and workspace in its
	// first line.
	keyWorkspaceRe   = regexp.MustCompile(`in workspace (w_[0-9A-HJKMNP-TV-Z]{26})\b`)
	keyMachineUserRe = regexp.MustCompile(`of machine user (mu_[0-9A-HJKMNP-TV-Z]{26})\b`)
	// A server log line of a request answered with a 5xx status.
	serverErrorRe = regexp.MustCompile(`(?m)^.*\bmsg=request\b.*\bstatus=5\d\d\b.*$`)
)

// skipOrFail skips, or fails under THREADLINE_TEST_STRICT (CI).
func skipOrFail(t *testing.T, msg string) {
	t.Helper()
	if harness.Strict() {
		t.Fatal(msg + " (THREADLINE_TEST_STRICT is set)")
	}
	t.Skip(msg)
}

func TestSDK(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node not found: SDK tests skipped")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		skipOrFail(t, "npm not found: SDK tests skipped")
	}
	dir, err := os.Getwd() // go test runs in the package directory
	if err != nil {
		t.Fatal(err)
	}
	harness.InstallSDK(t)

	files, err := filepath.Glob(filepath.Join("tests", "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tests/*.test.mjs found in %s (%v)", dir, err)
	}
	for _, b := range harness.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { runSuites(t, b, dir, node, files) })
	}
}

// runSuites seeds a fresh database, starts a server on it and runs the
// node test files against it.
func runSuites(t *testing.T, b harness.Backend, dir, node string, files []string) {
	db := b.NewDatabaseURL(t)

	// A key of the default workspace: its output names the workspace.
	out := harness.CLI(t, db, "apikey", "create", "--name", "sdk tests", "--permissions", "all")
	m := keyWorkspaceRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("apikey create did not report its workspace:\n%s", out)
	}
	workspaceID, apiKey := m[1], harness.LastLine(out)
	mu := keyMachineUserRe.FindStringSubmatch(out)
	if mu == nil {
		t.Fatalf("apikey create did not report its machine user:\n%s", out)
	}
	machineUserID := mu[1]
	apiKeyNoUserRead := harness.NewAPIKey(t, db, workspaceID, "thread:read")
	// Exactly what Plain's docs say createThread needs.
	apiKeyThreadCreateRead := harness.NewAPIKey(t, db, workspaceID, "thread:create,thread:read")
	// All that the SDK's thread selection (ThreadParts) reads, but customers.
	apiKeyNoCustomerRead := harness.NewAPIKey(t, db, workspaceID, "thread:create,thread:read,label:read,labelType:read,tenant:read,tier:read")
	// Labels, but not their label types.
	apiKeyLabelRead := harness.NewAPIKey(t, db, workspaceID, "thread:read,label:read")
	// Exactly what Plain's docs say the status and priority mutations need:
	// not what the SDK's thread selection (ThreadParts) reads.
	apiKeyThreadEditRead := harness.NewAPIKey(t, db, workspaceID, "thread:edit,thread:read")
	// assignThread and all ThreadParts reads but user:read.
	apiKeyAssignNoUserRead := harness.NewAPIKey(t, db, workspaceID, "thread:assign,thread:read,label:read,labelType:read,machineUser:read,tenant:read,tier:read")
	// addLabels, whose LabelParts also reads label types: labelType:read is missing.
	apiKeyLabelCreate := harness.NewAPIKey(t, db, workspaceID, "label:create,label:read")

	// Workspaces of their own for suites that need exact totals or change
	// workspace-wide rules (required thread fields): each is used by one
	// test file only.
	pagingWorkspaceID := cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Paging workspace")
	pagingAPIKey := harness.NewAPIKey(t, db, pagingWorkspaceID, "all")
	fieldsWorkspaceID := cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Thread fields workspace")
	fieldsAPIKey := harness.NewAPIKey(t, db, fieldsWorkspaceID, "all")
	// Thread work: required thread fields block markThreadAsDone.
	workWorkspaceID := cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Thread work workspace")
	workAPIKey, workMachineUserID := newAPIKey(t, db, workWorkspaceID, "all")
	// Labels and thread fields on threads: thread field schemas of its own.
	labelsFieldsWorkspaceID := cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Labels and fields workspace")
	labelsFieldsAPIKey := harness.NewAPIKey(t, db, labelsFieldsWorkspaceID, "all")
	// Thread lists: exact pages, sorts by thread field, and two users to
	// assign threads to.
	listWorkspaceID := cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Thread list workspace")
	listAPIKey := harness.NewAPIKey(t, db, listWorkspaceID, "all")
	listUserID := cliID(t, userIDRe, db, "user", "create", "--workspace", listWorkspaceID, "--email", "katherine.johnson@example.com", "--name", "Katherine Johnson")
	listUser2ID := cliID(t, userIDRe, db, "user", "create", "--workspace", listWorkspaceID, "--email", "dorothy.vaughan@example.com", "--name", "Dorothy Vaughan")
	// Webhooks: the receivers of its targets get only the events the
	// webhook suite causes, and it may regenerate the signing secret.
	webhooksWorkspaceID := cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Webhooks workspace")
	webhooksAPIKey, webhooksMachineUserID := newAPIKey(t, db, webhooksWorkspaceID, "all")

	// Conversations: receivers of its targets get only the events the
	// conversation suites cause; a key of another workspace checks that
	// nothing of one workspace's timelines or attachments reaches the other.
	conversationsWorkspaceID := cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Conversations workspace")
	conversationsAPIKey, conversationsMachineUserID := newAPIKey(t, db, conversationsWorkspaceID, "all")
	conversationsOtherWorkspaceID := cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Conversations other workspace")
	conversationsOtherAPIKey := harness.NewAPIKey(t, db, conversationsOtherWorkspaceID, "all")
	// Everything the conversation suites do but read timelines (nor notes,
	// nor download attachments): the suites check what each refusal says.
	apiKeyConversationNoTimeline := harness.NewAPIKey(t, db, conversationsWorkspaceID,
		"thread:create,thread:read,customer:create,customer:edit,customer:read,note:create,chat:create,attachment:create,threadEvent:create,threadEvent:read")
	// Accounts (companies, tenants, tiers), customer groups and customer
	// cards: a workspace each for exact lists, a key reading all of them
	// but writing nothing, and another workspace whose accounts must stay
	// out of sight.
	accountsWorkspaceID := cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Accounts workspace")
	accountsAPIKey, accountsMachineUserID := newAPIKey(t, db, accountsWorkspaceID, "all")
	accountsReadKey := harness.NewAPIKey(t, db, accountsWorkspaceID, "company:read,tenant:read,tier:read,customerGroup:read,"+
		"customer:read,customerTenantMembership:read,customerGroupMembership:read,tierMembership:read,customerCardConfig:read,"+
		"customerCardConfigApiDetails:read,thread:read,label:read,labelType:read")
	groupsAPIKey := harness.NewAPIKey(t, db, cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Groups workspace"), "all")
	cardsAPIKey := harness.NewAPIKey(t, db, cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Cards workspace"), "all")
	accountsOtherAPIKey := harness.NewAPIKey(t, db, cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Other accounts"), "all")
	// The card API the cards suite serves over HTTPS on loopback, with a
	// certificate the server trusts (SSL_CERT_FILE) and may reach
	// (--card-allow-private).
	certFile, keyFile := loopbackCert(t)

	// Email: a workspace with a support address, its all-permission key,
	// keys with exactly what sendNewEmail needs and with one less.
	emailWorkspaceID := cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Email workspace")
	emailAPIKey := harness.NewAPIKey(t, db, emailWorkspaceID, "all")
	harness.CLI(t, db, "email", "address", "add", "--workspace", emailWorkspaceID, "--address", emailSupportAddress, "--name", "SDK Support")
	apiKeyEmailCreateRead := harness.NewAPIKey(t, db, emailWorkspaceID, "email:create,email:read")
	apiKeyEmailCreate := harness.NewAPIKey(t, db, emailWorkspaceID, "email:create")

	// Another workspace, with a user of its own and a user sharing the
	// email of the default workspace's user (created first, so a lookup
	// that ignores the workspace would likely find it).
	const userEmail, userName = "ada.lovelace@example.com", "Ada Lovelace"
	otherWorkspaceID := cliID(t, workspaceIDRe, db, "workspace", "create", "--name", "Other workspace")
	cliID(t, userIDRe, db, "user", "create", "--workspace", otherWorkspaceID, "--email", userEmail, "--name", "Ada Twin")
	const otherUserEmail = "grace.hopper@example.com"
	otherUserID := cliID(t, userIDRe, db, "user", "create", "--workspace", otherWorkspaceID, "--email", otherUserEmail, "--name", "Grace Hopper")
	userID := cliID(t, userIDRe, db, "user", "create", "--workspace", workspaceID, "--email", userEmail, "--name", userName)

	// Snoozed threads wake within a test's patience; webhooks reach the
	// suite's receivers on loopback and are retried within it too.
	srv := harness.Start(t, db,
		"THREADLINE_SCHEDULER_INTERVAL=100ms",
		"THREADLINE_WEBHOOK_ALLOW_PRIVATE=true",
		"THREADLINE_WEBHOOK_RETRY_SCHEDULE="+webhookRetrySchedule,
		// Attachment links expire within a test's patience.
		"THREADLINE_ATTACHMENT_UPLOAD_TTL="+attachmentLinkTTL,
		"THREADLINE_ATTACHMENT_DOWNLOAD_TTL="+attachmentLinkTTL,
		"THREADLINE_CARD_ALLOW_PRIVATE=true",
		"THREADLINE_CARD_TIMEOUT=1s",
		"SSL_CERT_FILE="+certFile,
		// Mail in over SMTP on loopback, out through the suites' relay.
		"THREADLINE_SMTP_ADDR=127.0.0.1:0",
		"THREADLINE_SMTP_RELAY=smtp+insecure://"+startRelay(t),
	)

	ctx, cancel := context.WithTimeout(t.Context(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"--test", "--test-reporter=spec"}, files...)...)
	cmd.Dir = dir
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = append(os.Environ(),
		"NO_COLOR=1",
		"THREADLINE_API_URL="+srv.GraphQLURL(),
		"THREADLINE_API_KEY="+apiKey,
		"THREADLINE_API_KEY_NO_USER_READ="+apiKeyNoUserRead,
		"THREADLINE_WORKSPACE_ID="+workspaceID,
		"THREADLINE_USER_ID="+userID,
		"THREADLINE_USER_EMAIL="+userEmail,
		"THREADLINE_USER_NAME="+userName,
		"THREADLINE_OTHER_USER_ID="+otherUserID,
		"THREADLINE_OTHER_USER_EMAIL="+otherUserEmail,
		"THREADLINE_MACHINE_USER_ID="+machineUserID,
		"THREADLINE_API_KEY_THREAD_CREATE_READ="+apiKeyThreadCreateRead,
		"THREADLINE_API_KEY_NO_CUSTOMER_READ="+apiKeyNoCustomerRead,
		"THREADLINE_API_KEY_LABEL_READ="+apiKeyLabelRead,
		"THREADLINE_PAGING_API_KEY="+pagingAPIKey,
		"THREADLINE_FIELDS_API_KEY="+fieldsAPIKey,
		"THREADLINE_API_KEY_THREAD_EDIT_READ="+apiKeyThreadEditRead,
		"THREADLINE_API_KEY_ASSIGN_NO_USER_READ="+apiKeyAssignNoUserRead,
		"THREADLINE_API_KEY_LABEL_CREATE="+apiKeyLabelCreate,
		"THREADLINE_WORK_API_KEY="+workAPIKey,
		"THREADLINE_WORK_MACHINE_USER_ID="+workMachineUserID,
		"THREADLINE_LABELS_FIELDS_API_KEY="+labelsFieldsAPIKey,
		"THREADLINE_LIST_API_KEY="+listAPIKey,
		"THREADLINE_LIST_USER_ID="+listUserID,
		"THREADLINE_LIST_USER2_ID="+listUser2ID,
		"THREADLINE_WEBHOOKS_API_KEY="+webhooksAPIKey,
		"THREADLINE_WEBHOOKS_WORKSPACE_ID="+webhooksWorkspaceID,
		"THREADLINE_WEBHOOKS_MACHINE_USER_ID="+webhooksMachineUserID,
		"THREADLINE_WEBHOOK_RETRY_SCHEDULE="+webhookRetrySchedule,
		"THREADLINE_CONVERSATIONS_API_KEY="+conversationsAPIKey,
		"THREADLINE_CONVERSATIONS_MACHINE_USER_ID="+conversationsMachineUserID,
		"THREADLINE_CONVERSATIONS_OTHER_API_KEY="+conversationsOtherAPIKey,
		"THREADLINE_API_KEY_CONVERSATION_NO_TIMELINE="+apiKeyConversationNoTimeline,
		"THREADLINE_ATTACHMENT_LINK_TTL="+attachmentLinkTTL,
		"THREADLINE_ACCOUNTS_API_KEY="+accountsAPIKey,
		"THREADLINE_ACCOUNTS_MACHINE_USER_ID="+accountsMachineUserID,
		"THREADLINE_ACCOUNTS_READ_KEY="+accountsReadKey,
		"THREADLINE_GROUPS_API_KEY="+groupsAPIKey,
		"THREADLINE_CARDS_API_KEY="+cardsAPIKey,
		"THREADLINE_ACCOUNTS_OTHER_API_KEY="+accountsOtherAPIKey,
		"THREADLINE_CARDS_TLS_CERT="+certFile,
		"THREADLINE_CARDS_TLS_KEY="+keyFile,
		"THREADLINE_SMTP_ADDRESS="+srv.SMTPAddr(t),
		"THREADLINE_EMAIL_API_KEY="+emailAPIKey,
		"THREADLINE_EMAIL_SUPPORT_ADDRESS="+emailSupportAddress,
		"THREADLINE_API_KEY_EMAIL_CREATE_READ="+apiKeyEmailCreateRead,
		"THREADLINE_API_KEY_EMAIL_CREATE="+apiKeyEmailCreate,
	)
	output, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v (%w)", nodeTimeout, err)
	}
	if err != nil {
		t.Errorf("SDK tests failed: %v\n%s", err, output)
		t.Logf("server logs:\n%s", srv.Logs())
		return
	}
	// Whatever the tests sent, the server must never fail internally.
	if lines := serverErrorRe.FindAllString(srv.Logs(), -1); len(lines) > 0 {
		t.Errorf("the server answered %d requests with a 5xx status:\n%s\nserver logs:\n%s",
			len(lines), strings.Join(lines, "\n"), srv.Logs())
	}
	t.Logf("SDK tests passed:\n%s", output)
}

// newAPIKey creates a key of a workspace and returns it with the id of its
// machine user.
func newAPIKey(t *testing.T, db, workspaceID, permissions string) (key, machineUserID string) {
	t.Helper()
	out := harness.CLI(t, db, "apikey", "create", "--name", "sdk tests", "--permissions", permissions, "--workspace", workspaceID)
	m := keyMachineUserRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("apikey create did not report its machine user:\n%s", out)
	}
	return harness.LastLine(out), m[1]
}

// cliID runs a CLI command printing an id and checks the id's format.
func cliID(t *testing.T, re *regexp.Regexp, db string, args ...string) string {
	t.Helper()
	id := harness.LastLine(harness.CLI(t, db, args...))
	if !re.MatchString(id) {
		t.Fatalf("threadline %v printed %q, want an id matching %s", args, id, re)
	}
	return id
}

// loopbackCert writes a self-signed certificate for 127.0.0.1 (its own
// authority) and its key, PEM-encoded, and returns their paths.
func loopbackCert(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Threadline test card API"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
