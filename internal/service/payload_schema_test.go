package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/threadline/threadline/test/harness"
)

// The official SDK, as test/sdk installs it (cd test/sdk && npm ci).

// webhookSchema validates webhook bodies as the SDK's parsePlainWebhook
// does: the whole envelope against webhook-schema.json (draft-07, formats
// asserted as ajv-formats does), and the payload against the definition
// whose eventType constant is the envelope's type, the definition the
// SDK's error messages name.
type webhookSchema struct {
	pkg       string                        // the SDK package directory
	envelope  *jsonschema.Schema            // the whole schema
	payloads  map[string]*jsonschema.Schema // event type → payload definition
	defByType map[string]string             // event type → definition name
	thread    *jsonschema.Schema            // the thread definition
}

// undefined are the event types the schema names (the envelope's type
// enum) without defining their payload: their bodies are thread changes,
// {eventType, thread, previousThread}, checked as such.
var undefined = map[string]bool{"thread.thread_tenant_updated": true}

// defines reports whether the SDK's schema defines the payload of typ, so
// that its parsePlainWebhook can accept a body of that type.
func (ws *webhookSchema) defines(typ string) bool { return ws.payloads[typ] != nil }

// loadWebhookSchema compiles the installed SDK's webhook schema. Without
// it the test is skipped, or fails when THREADLINE_TEST_STRICT is set.
func loadWebhookSchema(t *testing.T) *webhookSchema {
	t.Helper()
	pkg := harness.InstallSDK(t) // runs npm ci in test/sdk when needed
	path := findFile(pkg, "webhook-schema.json")
	if path == "" {
		t.Fatal("webhook-schema.json not found in " + pkg)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat() // ajv-formats: date-time, uuid, uri are checked
	const url = "https://threadline.invalid/webhook-schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	ws := &webhookSchema{pkg: pkg, payloads: map[string]*jsonschema.Schema{}, defByType: map[string]string{}}
	if ws.envelope, err = c.Compile(url); err != nil {
		t.Fatalf("compiling %s: %v", path, err)
	}
	if ws.thread, err = c.Compile(url + "#/definitions/thread"); err != nil {
		t.Fatalf("compiling definition thread: %v", err)
	}
	defs, _ := doc.(map[string]any)["definitions"].(map[string]any)
	for name, def := range defs {
		typ, ok := payloadDig(def, "properties.eventType.const").(string)
		if !ok { // a definition of variants: anyOf objects of one eventType
			typ, ok = payloadDig(def, "anyOf.0.properties.eventType.const").(string)
		}
		if !ok {
			continue
		}
		if ws.payloads[typ], err = c.Compile(url + "#/definitions/" + name); err != nil {
			t.Fatalf("compiling definition %s: %v", name, err)
		}
		ws.defByType[typ] = name
	}
	t.Logf("validating against %s (%d payload definitions)", path, len(ws.payloads))
	return ws
}

// findFile returns the first file called name under dir (outside nested
// node_modules), or "".
func findFile(dir, name string) string {
	var found string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "node_modules" && p != dir:
			return filepath.SkipDir
		case !d.IsDir() && d.Name() == name:
			found = p
			return fs.SkipAll
		}
		return nil
	})
	return found
}

// validate checks one webhook body; it reports every failure.
func (ws *webhookSchema) validate(body []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return err
	}
	var errs []error
	typ, _ := payloadDig(v, "type").(string)
	def, ok := ws.payloads[typ]
	if !ok && undefined[typ] {
		return ws.validateThreadChange(v, typ)
	}
	if !ok {
		errs = append(errs, errors.New("no payload definition has eventType "+typ))
	} else if err := def.Validate(payloadDig(v, "payload")); err != nil {
		errs = append(errs, errors.New("payload as "+ws.defByType[typ]+": "+err.Error()))
	}
	// The envelope's error lists the payload against every definition; when
	// the payload's own definition failed, that error says it better.
	if err := ws.envelope.Validate(v); err != nil && len(errs) == 0 {
		errs = append(errs, err)
	} else if err != nil {
		errs = append(errs, errors.New("the envelope is rejected too"))
	}
	if et, _ := payloadDig(v, "payload.eventType").(string); et != typ {
		errs = append(errs, errors.New("payload.eventType "+et+" is not the type "+typ))
	}
	return errors.Join(errs...)
}

// parseWithSDK runs the SDK's own parsePlainWebhook over bodies with node
// and returns the failures it reports by index of the failed body. It
// returns ok=false when node is not installed.
func (ws *webhookSchema) parseWithSDK(t *testing.T, bodies [][]byte) (failures map[int]string, ok bool) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, false
	}
	raw := make([]json.RawMessage, len(bodies))
	for i, b := range bodies {
		raw[i] = b
	}
	all, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "webhooks.json")
	if err := os.WriteFile(file, all, 0o600); err != nil {
		t.Fatal(err)
	}
	const script = `
const { parsePlainWebhook } = require(process.argv[1]);
const bodies = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
bodies.forEach((b, i) => {
  const r = parsePlainWebhook(JSON.stringify(b));
  if (r.error) console.log(i + ' ' + b.type + ': ' + r.error.constructor.name + ': ' + r.error.message);
});
console.log('parsed ' + bodies.length);
`
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, "-e", script, ws.pkg, file).CombinedOutput()
	if err != nil {
		t.Fatalf("node parsePlainWebhook: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if want := "parsed " + strconv.Itoa(len(bodies)); lines[len(lines)-1] != want {
		t.Fatalf("node parsePlainWebhook: want %q last, got:\n%s", want, out)
	}
	failures = map[int]string{}
	for _, l := range lines[:len(lines)-1] {
		i, msg, _ := strings.Cut(l, " ")
		n, err := strconv.Atoi(i)
		if err != nil {
			t.Fatalf("node parsePlainWebhook: unexpected output %q", l)
		}
		failures[n] = msg
	}
	return failures, true
}

// validateThreadChange checks a body of a type without a payload
// definition: its thread and previousThread against the thread
// definition, and the rest of the envelope as the envelope of a thread
// change the schema defines (thread.thread_priority_changed).
func (ws *webhookSchema) validateThreadChange(v any, typ string) error {
	var errs []error
	for _, k := range []string{"thread", "previousThread"} {
		if err := ws.thread.Validate(payloadDig(v, "payload."+k)); err != nil {
			errs = append(errs, errors.New("payload."+k+": "+err.Error()))
		}
	}
	if et, _ := payloadDig(v, "payload.eventType").(string); et != typ {
		errs = append(errs, errors.New("payload.eventType "+et+" is not the type "+typ))
	}
	env := v.(map[string]any)
	as := map[string]any{}
	for k, x := range env {
		as[k] = x
	}
	as["type"] = "thread.thread_priority_changed"
	as["payload"] = map[string]any{"eventType": "thread.thread_priority_changed",
		"thread": payloadDig(v, "payload.thread"), "previousThread": payloadDig(v, "payload.previousThread")}
	if err := ws.envelope.Validate(as); err != nil {
		errs = append(errs, errors.New("envelope: "+err.Error()))
	}
	return errors.Join(errs...)
}
