// Threadline through Plain's current client, @team-plain/graphql 1.3.0: its
// PlainClient pointed at the server with apiUrl, sending its own documents
// (whole fragments of every type it reads, lazy relations fetched with
// further documents).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import * as documents from '@team-plain/graphql';
import { ForbiddenError, PlainClient, PlainGraphQLClient } from '@team-plain/graphql';

import { env, ulid } from './env.mjs';
import { uid, unknownIds } from './helpers.mjs';

const client = (apiKey = env.apiKey) => new PlainClient({ apiKey, apiUrl: env.apiUrl });
const threadIdRe = new RegExp(`^th_${ulid}$`);

/** Returns a mutation's output after asserting it has no error. */
function done(out) {
  assert.equal(out.error, null, `unexpected mutation error: ${JSON.stringify(out.error)}`);
  return out;
}

let plain;
let customer;
let email;
let externalId;
let labelType;

before(async () => {
  plain = client();
  email = `graphql-${uid()}@example.com`;
  externalId = `ext-${uid()}`; // the customer's, and later a thread's and a label type's
  customer = done(await plain.mutation.upsertCustomer({
    input: {
      identifier: { emailAddress: email },
      onCreate: { fullName: 'Ada Graphql', email: { email, isVerified: true }, externalId },
      onUpdate: {},
    },
  })).customer;
  labelType = done(await plain.mutation.createLabelType({ input: { name: `Refund ${uid()}`, icon: '💸' } })).labelType;
});

async function newThread(title = `Printer on fire ${uid()}`) {
  const out = done(await plain.mutation.createThread({
    input: {
      title,
      customerIdentifier: { customerId: customer.id },
      components: [{ componentText: { text: 'It is on fire.' } }],
      labelTypeIds: [labelType.id],
    },
  }));
  assert.match(out.thread.id, threadIdRe);
  return out.thread;
}

test('creates a thread and reads it back with client.query.thread, following lazy relations', async () => {
  const created = await newThread('Printer on fire');
  assert.equal(created.status, 'TODO');
  assert.equal(created.customer.id, customer.id);

  const thread = await plain.query.thread({ threadId: created.id });
  assert.equal(thread.__typename, 'Thread');
  assert.equal(thread.id, created.id);
  assert.equal(thread.title, 'Printer on fire');
  assert.equal(thread.previewText, 'It is on fire.');
  assert.equal(thread.priority, 2);
  assert.match(thread.ref, /^T-\d+$/);
  assert.equal(thread.channel, 'API');
  assert.equal(thread.statusDetail.__typename, 'ThreadStatusDetailCreated');
  assert.equal(thread.createdBy.__typename, 'MachineUserActor');
  assert.equal(thread.createdBy.machineUserId, env.machineUserId);
  assert.equal(thread.statusChangedBy.machineUserId, env.machineUserId);
  // Features Threadline does not have answer as Plain does when they are
  // not set up: nothing, never invented data.
  assert.equal(thread.assignedTo, null);
  assert.deepEqual(thread.additionalAssignees, []);
  assert.equal(thread.agentStatus, null);
  assert.equal(thread.channelDetails, null);
  assert.equal(thread.lockedBy, null);

  const c = await thread.customer;
  assert.equal(c.__typename, 'Customer');
  assert.equal(c.id, customer.id);
  assert.equal(c.fullName, 'Ada Graphql');
  assert.deepEqual(c.identities.map((i) => [i.__typename, i.email]), [['EmailCustomerIdentity', email]]);
  assert.equal(c.markedAsSpamAt, null);
  assert.equal(await thread.tier, undefined);
  assert.equal(await thread.tenant, undefined);

  const bot = await thread.createdBy.machineUser;
  assert.equal(bot.id, env.machineUserId);
  assert.equal(bot.type, 'API_USER');

  const byRef = await plain.query.threadByRef({ ref: thread.ref });
  assert.equal(byRef.id, thread.id);
});

test('lists threads, with filters, totals and the next page', async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) {
    ids.push((await newThread(`List ${i}`)).id);
  }
  const page = await plain.query.threads({ filters: { customerIds: [customer.id], threadIds: ids }, first: 2 });
  assert.equal(page.totalCount, 3);
  assert.equal(page.nodes.length, 2);
  assert.deepEqual(page.nodes.map((t) => t.id), [ids[2], ids[1]]); // newest first
  assert.equal(page.hasNextPage, true);
  const next = await page.fetchNext();
  assert.deepEqual(next.nodes.map((t) => t.id), [ids[0]]);
  assert.equal(next.hasNextPage, false);
});

test('changes status, priority and title, labels and assigns a thread', async () => {
  const { id } = await newThread();
  const doneOut = done(await plain.mutation.markThreadAsDone({ input: { threadId: id } }));
  assert.equal(doneOut.thread.status, 'DONE');
  assert.equal(doneOut.thread.statusDetail.__typename, 'ThreadStatusDetailDoneManuallySet');
  const snoozed = done(await plain.mutation.snoozeThread({ input: { threadId: id, durationSeconds: 3600 } }));
  assert.equal(snoozed.thread.status, 'SNOOZED');
  assert.equal(snoozed.thread.statusDetail.__typename, 'ThreadStatusDetailWaitingForDuration');
  const todo = done(await plain.mutation.markThreadAsTodo({ input: { threadId: id } }));
  assert.equal(todo.thread.status, 'TODO');
  assert.equal(done(await plain.mutation.changeThreadPriority({ input: { threadId: id, priority: 0 } })).thread.priority, 0);
  assert.equal(done(await plain.mutation.updateThreadTitle({ input: { threadId: id, title: 'Renamed' } })).thread.title, 'Renamed');

  const other = done(await plain.mutation.createLabelType({ input: { name: `Billing ${uid()}` } })).labelType;
  const added = done(await plain.mutation.addLabels({ input: { threadId: id, labelTypeIds: [other.id] } }));
  assert.equal(added.labels.length, 1);
  assert.equal(added.labels[0].labelType.id, other.id);
  assert.equal(added.thread.id, id);
  done(await plain.mutation.removeLabels({ input: { labelIds: [added.labels[0].id] } }));

  const assigned = done(await plain.mutation.assignThread({ input: { threadId: id, userId: env.userId } }));
  assert.equal(assigned.thread.assignedTo.__typename, 'User');
  assert.equal(assigned.thread.assignedTo.id, env.userId);
  assert.equal(assigned.thread.assignedTo.fullName, env.userName);
  const read = await plain.query.thread({ threadId: id });
  assert.equal(read.assignedTo.email, env.userEmail);
  assert.equal(read.assignedTo.role?.key, 'SUPPORT'); // users the CLI creates are Support unless told
  assert.equal(read.assignedTo.workingHours, null);
  const unassigned = done(await plain.mutation.unassignThread({ input: { threadId: id } }));
  assert.equal(unassigned.thread.assignedTo, null);
});

test('reads mutation errors as data', async () => {
  const missing = await plain.mutation.createThread({
    input: { customerIdentifier: { customerId: unknownIds.customer }, components: [{ componentText: { text: 'x' } }] },
  });
  assert.equal(missing.thread, null);
  assert.equal(missing.error.type, 'VALIDATION');
  assert.equal(missing.error.code, 'not_found');
  assert.deepEqual(missing.error.fields.map((f) => [f.field, f.type]), [['customerIdentifier.customerId', 'NOT_FOUND']]);

  const blank = await plain.mutation.updateThreadTitle({ input: { threadId: (await newThread()).id, title: '  ' } });
  assert.equal(blank.error.type, 'VALIDATION');
  assert.equal(blank.error.fields[0].field, 'title');

  // A key without a permission the mutation needs gets a FORBIDDEN error.
  const narrow = client(env.apiKeyThreadEditRead);
  const refused = await narrow.mutation.deleteThread({ input: { threadId: unknownIds.thread } });
  assert.equal(refused.error.type, 'FORBIDDEN');
  assert.equal(refused.error.code, 'forbidden');
  assert.match(refused.error.message, /missing "thread:delete"/);
});

test('a query the key may not read throws ForbiddenError', async () => {
  const thread = await newThread();
  // The client's thread document reads the users behind actors, which
  // needs user:read.
  await assert.rejects(client(env.apiKeyNoUserRead).query.thread({ threadId: thread.id }), (err) => {
    assert.ok(err instanceof ForbiddenError, `got ${err}`);
    assert.match(err.message, /Insufficient permissions, missing "/);
    return true;
  });
});

test('reads who the key is, its permissions and the workspace', async () => {
  const me = await plain.query.myMachineUser();
  assert.equal(me.id, env.machineUserId);
  const keys = await me.apiKeys({ first: 10 });
  assert.ok(keys.nodes.length >= 1);
  assert.ok(keys.nodes.every((k) => k.permissions.includes('all') || k.permissions.length > 0));
  const perms = await plain.query.myPermissions();
  assert.ok(perms.permissions.includes('thread:read'));
  const ws = await plain.query.myWorkspace();
  assert.equal(ws.id, env.workspaceId);
  assert.deepEqual((await plain.query.workspace({ workspaceId: env.workspaceId })).id, env.workspaceId);
  const users = await plain.query.users({ first: 100 });
  assert.ok(users.nodes.some((u) => u.id === env.userId));
  const user = await plain.query.user({ userId: env.userId });
  assert.equal(user.email, env.userEmail);
});

test('every query document of the client whose root field Threadline serves runs on real data', async (t) => {
  const raw = new PlainGraphQLClient({ apiKey: env.apiKey, apiUrl: env.apiUrl });
  const thread = await newThread();
  done(await plain.mutation.updateThreadExternalId({ input: { threadId: thread.id, externalId } }));
  const lt = done(await plain.mutation.createLabelType({ input: { name: `Ext ${uid()}`, externalId } })).labelType;
  const schema = done(await plain.mutation.createThreadFieldSchema({ input: { key: `k_${uid()}`, label: 'K', description: '',
    enumValues: [], isAiAutoFillEnabled: false, isRequired: false, order: 1, type: 'STRING' } })).threadFieldSchema;
  // Disabled: it is never sent anything.
  const target = done(await plain.mutation.createWebhookTarget({ input: { url: 'https://example.com/hook', description: 'd',
    isEnabled: false, eventSubscriptions: [] } })).webhookTarget;
  const ref = (await plain.query.thread({ threadId: thread.id })).ref;
  // One of each account entity, and a timeline entry, for the documents
  // that read one by id.
  const domain = `docs-${uid()}.example.com`;
  const company = done(await plain.mutation.upsertCompany({ input: { identifier: { companyDomainName: domain }, name: 'Docs Co',
    domainName: domain } })).company;
  const tenant = done(await plain.mutation.upsertTenant({ input: { identifier: { externalId }, externalId, name: 'Docs tenant' } })).tenant;
  const tier = done(await plain.mutation.createTier({ input: { name: `Docs ${uid()}`, externalId: `tier-${uid()}`, color: '#00ff00',
    memberIdentifiers: [] } })).tier;
  const group = done(await plain.mutation.createCustomerGroup({ input: { name: `Docs ${uid()}`, key: `docs-${uid()}`,
    color: '#0000ff' } })).customerGroup;
  // A card API on a closed loopback port: nothing leaves the machine.
  const card = done(await plain.mutation.createCustomerCardConfig({ input: { title: 'Docs card', key: `docs-${uid()}`,
    defaultTimeToLiveSeconds: 60, apiUrl: 'https://127.0.0.1:9/cards', apiHeaders: [] } })).customerCardConfig;
  done(await plain.mutation.createNote({ input: { customerId: customer.id, threadId: thread.id, text: 'Docs note' } }));
  const entries = await post(`query($c: ID!) { timelineEntries(customerId: $c, first: 1) { edges { node { id } } } }`,
    { c: customer.id });
  const values = {
    threadId: thread.id, customerId: customer.id, email, externalId, ref, labelTypeId: lt.id, userId: env.userId,
    machineUserId: env.machineUserId, threadFieldSchemaId: schema.id, webhookTargetId: target.id, workspaceId: env.workspaceId,
    companyId: company.id, tenantId: tenant.id, tierId: tier.id, customerGroupId: group.id, customerCardConfigId: card.id,
    timelineEntryId: entries.timelineEntries.edges[0].node.id, searchQuery: { term: 'Docs' },
  };
  const queryFields = Object.keys((await introspectQueryFields()));
  let ran = 0;
  for (const [name, doc] of Object.entries(documents)) {
    const op = doc?.kind === 'Document' && doc.definitions.find((d) => d.kind === 'OperationDefinition');
    if (!op || op.operation !== 'query') continue;
    const root = op.selectionSet.selections[0].name.value;
    if (!queryFields.includes(root)) continue;
    const vars = {};
    const given = root === 'userByEmail' ? { ...values, email: env.userEmail }
      // searchCustomers' query is a list of conditions, not a term.
      : root === 'searchCustomers' ? { ...values, searchQuery: { or: [{ fullName: { caseInsensitiveContains: 'a' } }] } }
        : values;
    for (const v of op.variableDefinitions ?? []) {
      const n = v.variable.name.value;
      if (n in given) vars[n] = given[n];
      else assert.notEqual(v.type.kind, 'NonNullType', `${name}: no value for $${n}`);
    }
    const data = await raw.request(doc, vars);
    assert.ok(root in data, `${name}: no ${root} in the answer`);
    if ((op.variableDefinitions ?? []).some((v) => v.type.kind === 'NonNullType')) {
      assert.notEqual(data[root], null, `${name}: ${root} is null for an existing entity`);
    }
    ran++;
  }
  assert.ok(ran >= 30, `only ${ran} documents ran`);
  t.diagnostic(`${ran} query documents ran`);
});

/** The served Query fields, by introspection. */
async function introspectQueryFields() {
  const data = await post('{ __schema { queryType { fields { name } } } }');
  return Object.fromEntries(data.__schema.queryType.fields.map((f) => [f.name, true]));
}

/** Posts a GraphQL document with the shared key and returns its data. */
async function post(query, variables = {}) {
  const res = await fetch(env.apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.apiKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}
