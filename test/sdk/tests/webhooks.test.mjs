// Webhooks: targets through the SDK's methods, and deliveries to receivers
// on loopback, verified with the SDK's verifyPlainWebhook. Everything runs
// in a workspace of its own (env.webhooksApiKey), so receivers get only the
// events this file causes; its tests run one after another, and each
// deletes the targets it created.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { test } from 'node:test';

import {
  PlainWebhookSignatureVerificationError,
  parsePlainWebhook,
  verifyPlainWebhook,
} from '@team-plain/typescript-sdk';

import { assertDateTime, env, ok, ulid } from './env.mjs';
import { allPages, assertMutationError, assertNotFound, assertValidationError, gql, ms, sdk, uid } from './helpers.mjs';

const sleep = (n) => new Promise((resolve) => setTimeout(resolve, n));
const me = () => ({ __typename: 'MachineUserActor', machineUserId: env.webhooksMachineUserId });
const c = () => sdk(env.webhooksApiKey);

const VERSION = '2026-02-27';
const targetIdRe = new RegExp(`^whTarget_${ulid}$`);
const attemptIdRe = new RegExp(`^whAttempt_${ulid}$`);
const eventIdRe = new RegExp(`^pEv_${ulid}$`);
const isoRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The server's retry waits in milliseconds ("100ms,200ms,300ms"). */
const retryWaits = env.webhookRetrySchedule.split(',').map((w) => {
  const m = /^(\d+)(ms|s)$/.exec(w.trim());
  assert.ok(m, `unexpected THREADLINE_WEBHOOK_RETRY_SCHEDULE entry ${w}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
});

/** How long a test waits for a delivery. */
const patience = 15_000;

/**
 * A webhook receiver on loopback. It keeps every request (method, url,
 * headers, raw body, parsed body) and answers with respond(request, all
 * requests so far), 200 by default.
 */
async function receiver(t, respond = () => 200) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const r = { method: req.method, url: req.url, headers: req.headers, rawBody, body, receivedAt: Date.now() };
      requests.push(r);
      res.statusCode = respond(r, requests);
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      })
  );
  const url = `http://127.0.0.1:${server.address().port}/hooks/${uid()}`;
  return {
    url,
    requests,
    /** Requests whose parsed body satisfies pred. */
    matching: (pred) => requests.filter((r) => r.body && pred(r.body)),
    /**
     * Waits until at least n requests satisfy pred and returns them;
     * fails after `patience` listing what arrived.
     */
    async waitFor(pred, n = 1, what = 'deliveries') {
      const deadline = Date.now() + patience;
      for (;;) {
        const got = requests.filter((r) => r.body && pred(r.body));
        if (got.length >= n) {
          return got;
        }
        if (Date.now() > deadline) {
          assert.fail(
            `waited ${patience} ms for ${n} ${what} at ${url}, got ${got.length}; all requests: ` +
              JSON.stringify(requests.map((r) => ({ type: r.body?.type, meta: r.body?.webhookMetadata })))
          );
        }
        await sleep(50);
      }
    },
  };
}

/** Creates a target and deletes it when the test ends. */
async function newTarget(t, input) {
  const target = ok(
    await c().createWebhookTarget({ description: `Target ${uid()}`, isEnabled: true, eventSubscriptions: [], ...input })
  );
  t.after(async () => {
    await c().deleteWebhookTarget({ webhookTargetId: target.id });
  });
  return target;
}

const subs = (...types) => types.map((eventType) => ({ eventType }));

/** The workspace's webhook signing secret. */
async function hmacSecret() {
  const data = await gql(c(), 'query { workspaceHmac { hmacSecret } }');
  const secret = data.workspaceHmac?.hmacSecret;
  assert.equal(typeof secret, 'string', `workspaceHmac: ${JSON.stringify(data)}`);
  assert.notEqual(secret, '');
  return secret;
}

/**
 * Verifies a received request with the SDK's verifyPlainWebhook and returns
 * the payload; any error (bad signature, or a payload that does not match
 * the SDK's webhook schema) fails with the SDK's message.
 */
function verify(r, secret) {
  const signature = r.headers['plain-request-signature'];
  assert.equal(typeof signature, 'string', 'the request has a Plain-Request-Signature header');
  const result = verifyPlainWebhook(r.rawBody, signature, secret);
  assert.equal(
    result.error,
    undefined,
    `verifyPlainWebhook rejected a ${r.body?.type} delivery: ${result.error?.constructor?.name}: ${result.error?.message}`
  );
  assert.deepEqual(result.data, JSON.parse(r.rawBody));
  return result.data;
}

/** Asserts verifyPlainWebhook refuses a request's signature. */
function assertSignatureRefused(rawBody, signature, secret) {
  const result = verifyPlainWebhook(rawBody, signature, secret);
  assert.equal(result.data, undefined, 'verifyPlainWebhook accepted a bad signature');
  assert.ok(result.error instanceof PlainWebhookSignatureVerificationError, String(result.error));
  assert.equal(result.error.message, 'The signature provided is invalid.');
}

/** Asserts the envelope of a delivery of target, sent as attempt number n. */
function assertEnvelope(w, target, type, n = 1) {
  assert.equal(w.type, type);
  assert.equal(w.payload.eventType, type);
  assert.match(w.id, eventIdRe);
  assert.equal(w.workspaceId, env.webhooksWorkspaceId);
  assert.match(w.timestamp, isoRe);
  const m = w.webhookMetadata;
  assert.equal(m.webhookTargetId, target.id);
  assert.equal(m.webhookTargetVersion, VERSION);
  assert.match(m.webhookDeliveryAttemptId, attemptIdRe);
  assert.equal(m.webhookDeliveryAttemptNumber, n);
  assert.match(m.webhookDeliveryAttemptTimestamp, isoRe);
  assert.ok(Date.parse(m.webhookDeliveryAttemptTimestamp) >= Date.parse(w.timestamp), 'attempted after the event');
  assert.ok(Math.abs(Date.parse(m.webhookDeliveryAttemptTimestamp) - Date.now()) < 60_000, 'attempted just now');
}

/** Creates a customer in the webhook workspace. */
async function newCustomer(name = `Webhook customer ${uid()}`) {
  const email = `webhook-${uid()}@example.com`;
  const data = ok(
    await c().upsertCustomer({
      identifier: { emailAddress: email },
      onCreate: { fullName: name, email: { email, isVerified: false } },
      onUpdate: {},
    })
  );
  assert.equal(data.result, 'CREATED');
  return data.customer;
}

const forCustomer = (type, customerId) => (b) => b.type === type && b.payload?.customer?.id === customerId;
const forThread = (type, threadId) => (b) => b.type === type && b.payload?.thread?.id === threadId;

const attemptsQuery = `query attempts($id: ID!, $filters: WebhookDeliveryAttemptFilter, $first: Int, $after: String) {
  webhookDeliveryAttempts(webhookTargetId: $id, filters: $filters, first: $first, after: $after) {
    edges {
      cursor
      node {
        id webhookTargetId publicEventId publicEventEventType durationInMilliseconds
        attemptedAt { iso8601 unixTimestamp __typename }
        result {
          __typename
          ... on WebhookDeliveryAttemptSuccessfulResult { httpStatusCode status }
          ... on WebhookDeliveryAttemptFailedResult { httpStatusCode status }
          ... on WebhookDeliveryAttemptErrorResult { errorCode errorMessage status }
          ... on WebhookDeliveryAttemptRejectedResult { rejectedMessage status }
        }
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

/** A target's delivery attempts (newest first), read through rawRequest. */
async function attempts(targetId, filters) {
  return allPages(async (after) => {
    const data = await gql(c(), attemptsQuery, { id: targetId, filters, first: 2, after });
    const conn = data.webhookDeliveryAttempts;
    return { items: conn.edges.map((e) => e.node), pageInfo: conn.pageInfo };
  });
}

/**
 * Waits until a target's attempt log holds at least n attempts (an attempt
 * is logged just after its response arrives) and returns the log.
 */
async function attemptsUntil(targetId, n) {
  const deadline = Date.now() + patience;
  for (;;) {
    const log = await attempts(targetId);
    if (log.length >= n || Date.now() > deadline) {
      return log;
    }
    await sleep(50);
  }
}

// --- Targets ---------------------------------------------------------------

test('createWebhookTarget creates a target that getWebhookTargetById reads back', async (t) => {
  const before = Date.now();
  const input = {
    url: `https://hooks.example.com/plain/${uid()}`,
    description: `Support events ${uid()}`,
    isEnabled: true,
    eventSubscriptions: subs('thread.thread_created', 'customer.customer_created'),
  };
  const target = await newTarget(t, input);
  assert.match(target.id, targetIdRe);
  assert.equal(target.url, input.url);
  assert.equal(target.description, input.description);
  assert.equal(target.isEnabled, true);
  assert.deepEqual(
    target.eventSubscriptions.map((s) => s.eventType),
    ['thread.thread_created', 'customer.customer_created']
  );
  for (const s of target.eventSubscriptions) {
    assert.equal(s.__typename, 'WebhookTargetEventSubscription');
  }
  assertDateTime(target.createdAt);
  assertDateTime(target.updatedAt);
  assert.ok(Math.abs(ms(target.createdAt) - before) < 60_000, 'created now');
  assert.deepEqual(target.updatedAt, target.createdAt);
  assert.deepEqual(target.createdBy, me());
  assert.deepEqual(target.updatedBy, me());

  assert.deepEqual(ok(await c().getWebhookTargetById({ id: target.id })), target);

  // The version defaults to the one the SDK validates; it may be given.
  const versioned = await newTarget(t, { url: input.url, version: VERSION });
  assert.equal(versioned.eventSubscriptions.length, 0, 'a target may subscribe to nothing');
  const data = await gql(c(), 'query t($id: ID!) { webhookTarget(webhookTargetId: $id) { version } }', { id: target.id });
  assert.equal(data.webhookTarget.version, VERSION);

  // Unknown ids, and targets of other workspaces, read as null.
  assert.equal(ok(await c().getWebhookTargetById({ id: 'whTarget_01ARZ3NDEKTSV4RRFFQ69G5FAV' })), null);
  assert.equal(ok(await sdk().getWebhookTargetById({ id: target.id })), null);
});

test('getWebhookTargets lists targets oldest first, page by page', async (t) => {
  const mine = [];
  for (let i = 0; i < 3; i++) {
    mine.push(await newTarget(t, { url: `https://hooks.example.com/paging/${i}/${uid()}` }));
  }
  const forward = await allPages(async (after) => {
    const data = ok(await c().getWebhookTargets({ first: 1, after }));
    assert.ok(data.webhookTargets.length <= 1);
    return { items: data.webhookTargets, pageInfo: data.pageInfo };
  });
  const ids = forward.map((w) => w.id);
  assert.equal(new Set(ids).size, ids.length, 'no target is listed twice');
  const positions = mine.map((m) => ids.indexOf(m.id));
  assert.ok(positions.every((p) => p >= 0), 'every target is listed');
  assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'oldest first');
  for (const m of mine) {
    assert.deepEqual(
      forward.find((w) => w.id === m.id),
      m
    );
  }

  // One page holding them all, and the last page read backwards.
  const all = ok(await c().getWebhookTargets({ first: 25 }));
  assert.deepEqual(
    all.webhookTargets.map((w) => w.id),
    ids
  );
  assert.equal(all.pageInfo.hasNextPage, false);
  assert.equal(all.pageInfo.hasPreviousPage, false);
  const last = ok(await c().getWebhookTargets({ last: 2 }));
  assert.deepEqual(
    last.webhookTargets.map((w) => w.id),
    ids.slice(-2)
  );
  assert.equal(last.pageInfo.hasPreviousPage, ids.length > 2);
  const earlier = ok(await c().getWebhookTargets({ last: 1, before: last.pageInfo.startCursor }));
  assert.deepEqual(
    earlier.webhookTargets.map((w) => w.id),
    ids.slice(-3, -2)
  );

  // Other workspaces' targets are not listed.
  const others = ok(await sdk().getWebhookTargets({ first: 25 }));
  assert.ok(!others.webhookTargets.some((w) => ids.includes(w.id)));
});

test('updateWebhookTarget changes what it is given; eventSubscriptions replaces the list', async (t) => {
  const target = await newTarget(t, {
    url: `https://hooks.example.com/update/${uid()}`,
    description: 'Before',
    eventSubscriptions: subs('thread.thread_created', 'thread.thread_labels_changed'),
  });
  await sleep(5);

  const described = ok(
    await c().updateWebhookTarget({ webhookTargetId: target.id, description: { value: 'After' } })
  );
  assert.equal(described.description, 'After');
  assert.ok(ms(described.updatedAt) > ms(target.updatedAt), 'updatedAt advances');
  assert.deepEqual(described.updatedBy, me());
  const same = (w) => ({ ...w, description: 0, isEnabled: 0, eventSubscriptions: 0, url: 0, updatedAt: 0 });
  assert.deepEqual(same(described), same(target));
  assert.deepEqual(described.eventSubscriptions, target.eventSubscriptions, 'subscriptions not given stay');

  const replaced = ok(
    await c().updateWebhookTarget({
      webhookTargetId: target.id,
      eventSubscriptions: subs('customer.customer_updated', 'customer.customer_deleted', 'thread.thread_field_created'),
    })
  );
  assert.deepEqual(
    replaced.eventSubscriptions.map((s) => s.eventType),
    ['customer.customer_updated', 'customer.customer_deleted', 'thread.thread_field_created']
  );
  assert.equal(replaced.description, 'After');
  assert.equal(replaced.isEnabled, true);

  const disabled = ok(await c().updateWebhookTarget({ webhookTargetId: target.id, isEnabled: { value: false } }));
  assert.equal(disabled.isEnabled, false);
  assert.deepEqual(disabled.eventSubscriptions, replaced.eventSubscriptions);

  const url = `https://other.example.com/hook/${uid()}`;
  const moved = ok(
    await c().updateWebhookTarget({
      webhookTargetId: target.id,
      url: { value: url },
      isEnabled: { value: true },
      eventSubscriptions: [],
    })
  );
  assert.equal(moved.url, url);
  assert.equal(moved.isEnabled, true);
  assert.deepEqual(moved.eventSubscriptions, [], 'an empty list unsubscribes from everything');
  assert.deepEqual(moved.createdAt, target.createdAt);
  assert.deepEqual(ok(await c().getWebhookTargetById({ id: target.id })), moved);

  // Unknown targets, and targets of other workspaces, are not found.
  assertNotFound(
    await c().updateWebhookTarget({ webhookTargetId: 'whTarget_01ARZ3NDEKTSV4RRFFQ69G5FAV', description: { value: 'x' } }),
    'webhookTargetId'
  );
  assertNotFound(await sdk().updateWebhookTarget({ webhookTargetId: target.id, description: { value: 'x' } }), 'webhookTargetId');
  assert.deepEqual(ok(await c().getWebhookTargetById({ id: target.id })), moved);
});

test('deleteWebhookTarget deletes a target', async () => {
  const target = ok(
    await c().createWebhookTarget({
      url: `https://hooks.example.com/delete/${uid()}`,
      description: 'Doomed',
      isEnabled: true,
      eventSubscriptions: subs('thread.thread_created'),
    })
  );
  // Not another workspace's key.
  assertNotFound(await sdk().deleteWebhookTarget({ webhookTargetId: target.id }), 'webhookTargetId');
  assert.ok(ok(await c().getWebhookTargetById({ id: target.id })));

  assert.equal(ok(await c().deleteWebhookTarget({ webhookTargetId: target.id })), null);
  assert.equal(ok(await c().getWebhookTargetById({ id: target.id })), null);
  const listed = ok(await c().getWebhookTargets({ first: 25 }));
  assert.ok(!listed.webhookTargets.some((w) => w.id === target.id));
  assertNotFound(await c().deleteWebhookTarget({ webhookTargetId: target.id }), 'webhookTargetId');
  assertNotFound(
    await c().updateWebhookTarget({ webhookTargetId: target.id, isEnabled: { value: false } }),
    'webhookTargetId'
  );
});

test('createWebhookTarget and updateWebhookTarget validate URLs and event types', async (t) => {
  const valid = {
    url: 'https://hooks.example.com/valid',
    description: 'Invalid',
    isEnabled: true,
    eventSubscriptions: subs('thread.thread_created'),
  };
  for (const url of ['ftp://hooks.example.com/x', 'not a url', '', 'hooks.example.com/x', 'https://', 'javascript:alert(1)']) {
    assertValidationError(await c().createWebhookTarget({ ...valid, url }), [{ field: 'url', type: 'VALIDATION' }]);
  }
  assertValidationError(
    await c().createWebhookTarget({
      ...valid,
      eventSubscriptions: subs('thread.thread_created', 'thread.not_an_event', 'customer.customer_created', 'email.received'),
    }),
    [
      { field: 'eventSubscriptions.1.eventType', type: 'VALIDATION' },
      { field: 'eventSubscriptions.3.eventType', type: 'VALIDATION' },
    ]
  );
  assertValidationError(
    await c().createWebhookTarget({ ...valid, url: 'mailto:support@example.com', eventSubscriptions: subs('nope') }),
    [
      { field: 'url', type: 'VALIDATION' },
      { field: 'eventSubscriptions.0.eventType', type: 'VALIDATION' },
    ]
  );
  assertValidationError(await c().createWebhookTarget({ ...valid, version: '2020-01-01' }), [
    { field: 'version', type: 'VALIDATION' },
  ]);

  // Every event type Threadline emits can be subscribed to.
  const all = [
    'thread.thread_created',
    'thread.thread_status_transitioned',
    'thread.thread_assignment_transitioned',
    'thread.thread_labels_changed',
    'thread.thread_priority_changed',
    'thread.thread_field_created',
    'thread.thread_field_updated',
    'thread.thread_field_deleted',
    'customer.customer_created',
    'customer.customer_updated',
    'customer.customer_deleted',
  ];
  const target = await newTarget(t, { ...valid, eventSubscriptions: subs(...all) });
  assert.deepEqual(
    target.eventSubscriptions.map((s) => s.eventType),
    all
  );

  assertValidationError(await c().updateWebhookTarget({ webhookTargetId: target.id, url: { value: 'ftp://x.example.com' } }), [
    { field: 'url', type: 'VALIDATION' },
  ]);
  assertValidationError(
    await c().updateWebhookTarget({ webhookTargetId: target.id, eventSubscriptions: subs('customer.customer_created', 'bogus') }),
    [{ field: 'eventSubscriptions.1.eventType', type: 'VALIDATION' }]
  );
  // Nothing changed.
  assert.deepEqual(ok(await c().getWebhookTargetById({ id: target.id })), target);
});

test('a workspace has at most 25 webhook targets', async (t) => {
  const existing = ok(await c().getWebhookTargets({ first: 25 }));
  assert.equal(existing.pageInfo.hasNextPage, false);
  for (let i = existing.webhookTargets.length; i < 25; i++) {
    await newTarget(t, { url: `https://hooks.example.com/many/${i}` });
  }
  const input = { url: 'https://hooks.example.com/one-too-many', description: '', isEnabled: true, eventSubscriptions: [] };
  assertMutationError(await c().createWebhookTarget(input), {
    type: 'VALIDATION',
    code: 'too_many_webhook_targets',
    fields: [],
  });
  assert.equal(ok(await c().getWebhookTargets({ first: 25 })).webhookTargets.length, 25);
  // Other workspaces are not limited by this one's targets.
  const elsewhere = ok(await sdk().createWebhookTarget(input));
  ok(await sdk().deleteWebhookTarget({ webhookTargetId: elsewhere.id }));
});

// --- Deliveries -------------------------------------------------------------

test('deliveries of customer_created, thread_created and thread_status_transitioned verify with verifyPlainWebhook', async (t) => {
  const secret = await hmacSecret();
  const hooks = await receiver(t);
  const target = await newTarget(t, {
    url: hooks.url,
    description: 'Must-show receiver',
    eventSubscriptions: subs(
      'thread.thread_created',
      'thread.thread_status_transitioned',
      'customer.customer_created'
    ),
  });

  // The three events, through the SDK.
  const customer = await newCustomer();
  const created = ok(
    await c().createThread({
      title: `Webhook thread ${uid()}`,
      customerIdentifier: { customerId: customer.id },
      components: [{ componentText: { text: 'Hello from the webhook suite.' } }],
    })
  );
  const done = ok(await c().markThreadAsDone({ threadId: created.id }));
  assert.equal(done.status, 'DONE');

  const [customerCreated] = await hooks.waitFor(forCustomer('customer.customer_created', customer.id), 1, 'customer_created');
  const [threadCreated] = await hooks.waitFor(forThread('thread.thread_created', created.id), 1, 'thread_created');
  const [transitioned] = await hooks.waitFor(
    forThread('thread.thread_status_transitioned', created.id),
    1,
    'thread_status_transitioned'
  );

  // The requests as sent.
  const received = [customerCreated, threadCreated, transitioned];
  for (const r of received) {
    assert.equal(r.method, 'POST');
    assert.equal(r.url, new URL(hooks.url).pathname);
    assert.match(r.headers['content-type'], /^application\/json\b/);
    assert.equal(
      r.headers['plain-request-signature'],
      createHmac('sha256', secret).update(r.rawBody, 'utf8').digest('hex'),
      'the signature is the hex HMAC-SHA256 of the raw body'
    );
  }
  assert.equal(new Set(received.map((r) => r.body.id)).size, 3, 'three distinct events');
  // A thread's events arrive in order.
  assert.ok(hooks.requests.indexOf(threadCreated) < hooks.requests.indexOf(transitioned));

  // EACH verifies with the SDK, against its webhook schema.
  const failures = [];
  for (const r of received) {
    const result = verifyPlainWebhook(r.rawBody, r.headers['plain-request-signature'], secret);
    if (result.error) {
      failures.push(`${r.body.type}: ${result.error.constructor.name}: ${result.error.message}`);
    }
  }
  // SERVER BUG if this fails: a delivery's payload does not pass the SDK's
  // webhook schema (verifyPlainWebhook names the failing property).
  assert.deepEqual(failures, [], `verifyPlainWebhook rejected deliveries:\n${failures.join('\n')}`);

  const cc = verify(customerCreated, secret);
  assertEnvelope(cc, target, 'customer.customer_created');
  assert.equal(cc.payload.customer.id, customer.id);
  assert.equal(cc.payload.customer.fullName, customer.fullName);
  assert.equal(cc.payload.customer.email.email, customer.email.email);
  assert.equal(cc.payload.customer.email.isVerified, false);

  const tc = verify(threadCreated, secret);
  assertEnvelope(tc, target, 'thread.thread_created');
  assert.equal(tc.payload.thread.id, created.id);
  assert.equal(tc.payload.thread.title, created.title);
  assert.equal(tc.payload.thread.customer.id, customer.id);
  assert.equal(tc.payload.thread.status, 'TODO');
  assert.equal(tc.payload.thread.statusDetail?.type, 'CREATED');
  assert.equal(tc.payload.thread.priority, created.priority);
  assert.deepEqual(tc.payload.thread.createdBy, { actorType: 'machineUser', machineUserId: env.webhooksMachineUserId });

  const st = verify(transitioned, secret);
  assertEnvelope(st, target, 'thread.thread_status_transitioned');
  assert.equal(st.payload.thread.id, created.id);
  assert.equal(st.payload.previousThread.id, created.id);
  assert.equal(st.payload.thread.customer.id, customer.id);
  assert.equal(st.payload.previousThread.status, 'TODO');
  assert.equal(st.payload.previousThread.statusDetail?.type, 'CREATED');
  assert.equal(st.payload.thread.status, 'DONE');
  assert.equal(st.payload.thread.statusDetail?.type, 'DONE_MANUALLY_SET');
  assert.equal(Date.parse(st.payload.thread.statusChangedAt), ms(done.statusChangedAt));
  assert.deepEqual(st.payload.thread.statusChangedBy, { actorType: 'machineUser', machineUserId: env.webhooksMachineUserId });

  // parsePlainWebhook reads the same body.
  assert.deepEqual(ok(parsePlainWebhook(transitioned.rawBody)), st);

  // The attempt log records each successful delivery.
  const log = await attemptsUntil(target.id, 3);
  for (const w of [cc, tc, st]) {
    const a = log.find((x) => x.id === w.webhookMetadata.webhookDeliveryAttemptId);
    assert.ok(a, `attempt ${w.webhookMetadata.webhookDeliveryAttemptId} is logged: ${JSON.stringify(log)}`);
    assert.equal(a.publicEventId, w.id);
    assert.equal(a.publicEventEventType, w.type);
    assert.equal(a.webhookTargetId, target.id);
    assert.deepEqual(a.result, { __typename: 'WebhookDeliveryAttemptSuccessfulResult', httpStatusCode: 200, status: 'SUCCESSFUL_RESPONSE' });
  }
});

test('a tampered body or a wrong secret fails verifyPlainWebhook', async (t) => {
  const secret = await hmacSecret();
  const hooks = await receiver(t);
  await newTarget(t, { url: hooks.url, eventSubscriptions: subs('customer.customer_created') });
  const customer = await newCustomer('Mallory Original');
  const [r] = await hooks.waitFor(forCustomer('customer.customer_created', customer.id));
  verify(r, secret);
  const signature = r.headers['plain-request-signature'];

  // Still a valid payload, but not the one signed.
  const tampered = r.rawBody.replace('Mallory Original', 'Mallory Tampered');
  assert.notEqual(tampered, r.rawBody);
  assert.equal(ok(parsePlainWebhook(tampered)).payload.customer.fullName, 'Mallory Tampered');
  assertSignatureRefused(tampered, signature, secret);
  // Re-serialised (whitespace) is not the raw body either.
  assertSignatureRefused(JSON.stringify(JSON.parse(r.rawBody), null, 2), signature, secret);
  assertSignatureRefused(r.rawBody, signature, `${secret}x`);
  assertSignatureRefused(r.rawBody, signature.replace(/^./, (ch) => (ch === '0' ? '1' : '0')), secret);
  assertSignatureRefused(r.rawBody, signature.toUpperCase() === signature ? `${signature}0` : signature.toUpperCase(), secret);
});

test('regenerateWorkspaceHmac: later deliveries verify with the new secret only', async (t) => {
  const oldSecret = await hmacSecret();
  const hooks = await receiver(t);
  await newTarget(t, { url: hooks.url, eventSubscriptions: subs('customer.customer_created') });

  const before = await newCustomer();
  const [r1] = await hooks.waitFor(forCustomer('customer.customer_created', before.id));
  verify(r1, oldSecret);

  const data = await gql(
    c(),
    `mutation { regenerateWorkspaceHmac {
      workspaceHmac { hmacSecret updatedAt { iso8601 unixTimestamp __typename } }
      error { message type code fields { field message type } }
    } }`
  );
  assert.equal(data.regenerateWorkspaceHmac.error, null, JSON.stringify(data.regenerateWorkspaceHmac.error));
  const newSecret = data.regenerateWorkspaceHmac.workspaceHmac.hmacSecret;
  assert.equal(typeof newSecret, 'string');
  assert.notEqual(newSecret, '');
  assert.notEqual(newSecret, oldSecret);
  assertDateTime(data.regenerateWorkspaceHmac.workspaceHmac.updatedAt);
  assert.equal(await hmacSecret(), newSecret);
  // Other workspaces keep theirs.
  const other = await gql(sdk(), 'query { workspaceHmac { hmacSecret } }');
  assert.notEqual(other.workspaceHmac.hmacSecret, newSecret);

  const after = await newCustomer();
  const [r2] = await hooks.waitFor(forCustomer('customer.customer_created', after.id));
  const w = verify(r2, newSecret);
  assert.equal(w.payload.customer.id, after.id);
  assertSignatureRefused(r2.rawBody, r2.headers['plain-request-signature'], oldSecret);
  // And the earlier delivery was not signed with the new secret.
  assertSignatureRefused(r1.rawBody, r1.headers['plain-request-signature'], newSecret);
});

test('a delivery answered 500 twice is retried on the schedule and succeeds on the third attempt', async (t) => {
  const secret = await hmacSecret();
  // 500 for the first two attempts of each event, then 200.
  const seen = new Map();
  const hooks = await receiver(t, (r) => {
    const n = (seen.get(r.body?.id) ?? 0) + 1;
    seen.set(r.body?.id, n);
    return n <= 2 ? 500 : 200;
  });
  const target = await newTarget(t, { url: hooks.url, eventSubscriptions: subs('customer.customer_created') });
  const customer = await newCustomer();
  const got = await hooks.waitFor(forCustomer('customer.customer_created', customer.id), 3, 'attempts');
  assert.equal(got.length, 3);

  const ws = got.map((r) => verify(r, secret));
  ws.forEach((w, i) => assertEnvelope(w, target, 'customer.customer_created', i + 1));
  assert.deepEqual(
    ws.map((w) => w.webhookMetadata.webhookDeliveryAttemptNumber),
    [1, 2, 3]
  );
  assert.equal(new Set(ws.map((w) => w.id)).size, 1, 'the same event each time');
  assert.equal(new Set(ws.map((w) => w.timestamp)).size, 1, 'with the same timestamp');
  assert.equal(new Set(ws.map((w) => w.webhookMetadata.webhookDeliveryAttemptId)).size, 3, 'distinct attempt ids');
  // Each retry waits its turn of the schedule (±10 % jitter).
  for (let i = 1; i < ws.length; i++) {
    const gap =
      Date.parse(ws[i].webhookMetadata.webhookDeliveryAttemptTimestamp) -
      Date.parse(ws[i - 1].webhookMetadata.webhookDeliveryAttemptTimestamp);
    assert.ok(gap >= retryWaits[i - 1] * 0.9 - 1, `retry ${i} came ${gap} ms after attempt ${i}, before its wait of ${retryWaits[i - 1]} ms`);
  }

  // The attempt log, newest first: two failed responses, then success.
  await attemptsUntil(target.id, 3);
  await sleep(Math.max(...retryWaits) * 2); // no further attempt comes
  assert.equal(hooks.matching(forCustomer('customer.customer_created', customer.id)).length, 3);
  const log = await attempts(target.id);
  assert.deepEqual(
    log.map((a) => a.id),
    ws.map((w) => w.webhookMetadata.webhookDeliveryAttemptId).reverse(),
    'the log holds the three attempts, newest first'
  );
  assert.deepEqual(
    log.map((a) => a.result),
    [
      { __typename: 'WebhookDeliveryAttemptSuccessfulResult', httpStatusCode: 200, status: 'SUCCESSFUL_RESPONSE' },
      { __typename: 'WebhookDeliveryAttemptFailedResult', httpStatusCode: 500, status: 'FAILED_RESPONSE' },
      { __typename: 'WebhookDeliveryAttemptFailedResult', httpStatusCode: 500, status: 'FAILED_RESPONSE' },
    ]
  );
  for (const [i, a] of log.entries()) {
    const w = ws[ws.length - 1 - i];
    assert.equal(a.webhookTargetId, target.id);
    assert.equal(a.publicEventId, w.id);
    assert.equal(a.publicEventEventType, 'customer.customer_created');
    assertDateTime(a.attemptedAt);
    assert.equal(a.attemptedAt.iso8601, w.webhookMetadata.webhookDeliveryAttemptTimestamp);
    assert.ok(Number.isInteger(a.durationInMilliseconds) && a.durationInMilliseconds >= 0);
  }

  // Filters.
  assert.deepEqual(
    (await attempts(target.id, { resultStatus: 'FAILED_RESPONSE' })).map((a) => a.id),
    log.slice(1).map((a) => a.id)
  );
  assert.deepEqual(
    (await attempts(target.id, { resultStatus: 'SUCCESSFUL_RESPONSE' })).map((a) => a.id),
    [log[0].id]
  );
  assert.equal((await attempts(target.id, { eventTypes: ['customer.customer_created'] })).length, 3);
  assert.equal((await attempts(target.id, { eventTypes: ['thread.thread_created'] })).length, 0);
});

test('a delivery that keeps failing stops when the retry schedule runs out', async (t) => {
  const secret = await hmacSecret();
  const hooks = await receiver(t, () => 503);
  const target = await newTarget(t, { url: hooks.url, eventSubscriptions: subs('customer.customer_created') });
  const customer = await newCustomer();
  const want = retryWaits.length + 1;
  const got = await hooks.waitFor(forCustomer('customer.customer_created', customer.id), want, 'attempts');
  await sleep(Math.max(...retryWaits) * 2 + 600); // past another retry and the dispatcher's poll
  assert.equal(hooks.matching(forCustomer('customer.customer_created', customer.id)).length, want);
  assert.deepEqual(
    got.map((r) => verify(r, secret).webhookMetadata.webhookDeliveryAttemptNumber),
    Array.from({ length: want }, (_, i) => i + 1)
  );
  const log = await attemptsUntil(target.id, want);
  assert.equal(log.length, want);
  for (const a of log) {
    assert.deepEqual(a.result, { __typename: 'WebhookDeliveryAttemptFailedResult', httpStatusCode: 503, status: 'FAILED_RESPONSE' });
  }
});

test('disabled targets, and targets not subscribed to an event, receive nothing', async (t) => {
  const secret = await hmacSecret();
  const enabledHooks = await receiver(t);
  const disabledHooks = await receiver(t);
  const otherTypesHooks = await receiver(t);
  const toggledHooks = await receiver(t);
  const enabled = await newTarget(t, { url: enabledHooks.url, eventSubscriptions: subs('customer.customer_created') });
  const disabled = await newTarget(t, {
    url: disabledHooks.url,
    isEnabled: false,
    eventSubscriptions: subs('customer.customer_created'),
  });
  const otherTypes = await newTarget(t, {
    url: otherTypesHooks.url,
    eventSubscriptions: subs('thread.thread_created', 'customer.customer_updated'),
  });
  const toggled = await newTarget(t, { url: toggledHooks.url, eventSubscriptions: subs('customer.customer_created') });
  assert.equal(disabled.isEnabled, false);

  // toggled is disabled after creation: it gets nothing while disabled.
  ok(await c().updateWebhookTarget({ webhookTargetId: toggled.id, isEnabled: { value: false } }));

  const first = await newCustomer();
  // The enabled target's delivery shows the event went out; the others
  // have had the time to receive theirs too.
  const [r] = await enabledHooks.waitFor(forCustomer('customer.customer_created', first.id));
  assertEnvelope(verify(r, secret), enabled, 'customer.customer_created');
  await sleep(1500);
  assert.deepEqual(disabledHooks.requests, [], 'the disabled target received nothing');
  assert.deepEqual(otherTypesHooks.requests, [], 'a target not subscribed to customer_created received nothing');
  assert.deepEqual(toggledHooks.requests, [], 'the target disabled by updateWebhookTarget received nothing');
  assert.deepEqual(await attempts(disabled.id), []);
  assert.deepEqual(await attempts(otherTypes.id), []);
  assert.deepEqual(await attempts(toggled.id), []);

  // Enabled again, it receives later events.
  ok(await c().updateWebhookTarget({ webhookTargetId: toggled.id, isEnabled: { value: true } }));
  const second = await newCustomer();
  const [r2] = await toggledHooks.waitFor(forCustomer('customer.customer_created', second.id));
  assertEnvelope(verify(r2, secret), toggled, 'customer.customer_created');
  assert.deepEqual(
    toggledHooks.requests.map((x) => x.body?.payload?.customer?.id),
    [second.id],
    'and only those'
  );
  await enabledHooks.waitFor(forCustomer('customer.customer_created', second.id));
  assert.deepEqual(disabledHooks.requests, []);
});
