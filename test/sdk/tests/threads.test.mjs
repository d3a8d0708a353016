import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { assertDateTime, env, ok, ulid } from './env.mjs';
import {
  assertForbidden,
  assertMutationError,
  assertNotFound,
  assertValidationError,
  createCustomer,
  createFieldSchema,
  createLabelType,
  gql,
  ms,
  sdk,
  uid,
  unknownIds,
} from './helpers.mjs';

const threadIdRe = new RegExp(`^th_${ulid}$`);
const me = () => ({ __typename: 'MachineUserActor', machineUserId: env.machineUserId });

// Thread field schemas of the shared workspace. Only this file creates
// schemas there, and none is required, so other suites' threads need no
// fields. The keys are those of Plain's docs.
const enumValues = ['bug', 'question', 'feature_request'];
let labelBug;
let labelUrgent;
let customer;

before(async () => {
  const c = sdk();
  await createFieldSchema(c, { key: 'my_string_field', label: 'My string field', type: 'STRING', order: 1 });
  await createFieldSchema(c, { key: 'my_enum_field', label: 'My enum field', type: 'ENUM', enumValues, order: 2 });
  await createFieldSchema(c, { key: 'my_bool_field', label: 'My bool field', type: 'BOOL', order: 3 });
  labelBug = await createLabelType(c, `Bug ${uid()}`, '🐛');
  labelUrgent = await createLabelType(c, `Urgent ${uid()}`);
  customer = await createCustomer(c, { externalId: `thread-customer-${uid()}` });
});

/** A minimal valid createThread input for the shared customer. */
function input(extra = {}) {
  return {
    title: `Thread ${uid()}`,
    customerIdentifier: { customerId: customer.id },
    components: [{ componentText: { text: 'Hello from the SDK tests.' } }],
    ...extra,
  };
}

function refNumber(ref) {
  const m = /^T-(\d+)$/.exec(ref);
  assert.ok(m, `ref ${ref} is T-<n>`);
  return Number(m[1]);
}

test('createThread returns the whole new thread', async () => {
  const c = sdk();
  const externalId = `ext-${uid()}`;
  const text = 'The login button is not working, it does not do anything.';
  const t0 = Date.now();
  const thread = ok(
    await c.createThread({
      title: '  Login broken  ',
      customerIdentifier: { emailAddress: customer.email.email.toUpperCase() },
      components: [{ componentText: { text } }],
      externalId,
      priority: 1,
      labelTypeIds: [labelBug.id, labelUrgent.id],
      threadFields: [
        { key: 'my_string_field', type: 'STRING', stringValue: 'any value' },
        { key: 'my_enum_field', type: 'ENUM', stringValue: 'question' },
        { key: 'my_bool_field', type: 'BOOL', booleanValue: true },
      ],
    })
  );
  const t1 = Date.now();

  assert.equal(thread.__typename, 'Thread');
  assert.match(thread.id, threadIdRe);
  assert.ok(refNumber(thread.ref) >= 1);
  assert.equal(thread.externalId, externalId);
  assert.deepEqual(thread.customer, { id: customer.id });
  assert.equal(thread.status, 'TODO');
  assert.equal(thread.statusDetail.__typename, 'ThreadStatusDetailCreated');
  assert.equal(thread.title, 'Login broken', 'the title is trimmed');
  assert.equal(thread.description, null);
  assert.equal(thread.previewText, text);
  assert.equal(thread.priority, 1);
  assert.equal(thread.tenant, null);
  assert.equal(thread.assignedTo, null);
  assert.equal(thread.assignedAt, null);
  assert.equal(thread.lockedAt, null);
  assert.deepEqual(thread.createdBy, me());
  assert.match(thread.createdBy.machineUserId, /^mu_/);
  assert.deepEqual(thread.updatedBy, me());

  // Timestamps: all the moment of creation.
  for (const dt of [thread.createdAt, thread.updatedAt, thread.statusChangedAt, thread.statusDetail.createdAt]) {
    assertDateTime(dt);
    assert.equal(ms(dt), ms(thread.createdAt));
  }
  assert.ok(ms(thread.createdAt) >= t0 - 1000 && ms(thread.createdAt) <= t1 + 1000, 'createdAt is now');

  // Labels, in the order given, with their label types.
  assert.equal(thread.labels.length, 2);
  assert.deepEqual(
    thread.labels.map((l) => l.labelType.name).sort(),
    [labelBug.name, labelUrgent.name].sort()
  );
  for (const l of thread.labels) {
    assert.equal(l.__typename, 'Label');
    assert.match(l.id, new RegExp(`^l_${ulid}$`));
    assert.deepEqual(l.labelType, l.labelType.id === labelBug.id ? labelBug : labelUrgent);
    assert.deepEqual(l.createdBy, me());
    assert.deepEqual(l.updatedBy, me());
    assert.equal(ms(l.createdAt), ms(thread.createdAt));
    assert.equal(ms(l.updatedAt), ms(thread.createdAt));
  }

  // Thread fields, one of each type.
  const fields = Object.fromEntries(thread.threadFields.map((f) => [f.key, f]));
  assert.deepEqual(Object.keys(fields).sort(), ['my_bool_field', 'my_enum_field', 'my_string_field']);
  const expected = {
    my_string_field: { type: 'STRING', stringValue: 'any value', booleanValue: null },
    my_enum_field: { type: 'ENUM', stringValue: 'question', booleanValue: null },
    my_bool_field: { type: 'BOOL', stringValue: null, booleanValue: true },
  };
  for (const [key, want] of Object.entries(expected)) {
    const f = fields[key];
    assert.equal(f.__typename, 'ThreadField');
    assert.match(f.id, new RegExp(`^tf_${ulid}$`));
    assert.equal(f.threadId, thread.id);
    assert.equal(f.type, want.type, key);
    assert.equal(f.stringValue, want.stringValue, key);
    assert.equal(f.booleanValue, want.booleanValue, key);
    assert.equal(f.isAiGenerated, false);
    assert.deepEqual(f.createdBy, me());
    assert.deepEqual(f.updatedBy, me());
    assert.equal(ms(f.createdAt), ms(thread.createdAt));
  }

  // Every way of reading it back returns the same thread.
  assert.deepEqual(ok(await c.getThread({ threadId: thread.id })), thread);
  assert.deepEqual(ok(await c.getThreadByRef({ ref: thread.ref })), thread);
  assert.deepEqual(ok(await c.getThreadByExternalId({ customerId: customer.id, externalId })), thread);
});

test('createThread defaults: priority 2, no external id, fields or labels', async () => {
  const c = sdk();
  const thread = ok(await c.createThread(input()));
  assert.equal(thread.priority, 2);
  assert.equal(thread.externalId, null);
  assert.deepEqual(thread.labels, []);
  assert.deepEqual(thread.threadFields, []);
  assert.equal(thread.previewText, 'Hello from the SDK tests.');
  assert.equal(thread.status, 'TODO');
  assert.equal(thread.statusDetail.__typename, 'ThreadStatusDetailCreated');
  for (const priority of [0, 3]) {
    assert.equal(ok(await c.createThread(input({ priority }))).priority, priority);
  }
});

test('createThread finds the customer by id, email or externalId', async () => {
  const c = sdk();
  const cust = await createCustomer(c, { externalId: `ext-${uid()}` });
  const refs = [];
  for (const customerIdentifier of [
    { customerId: cust.id },
    { emailAddress: cust.email.email },
    { emailAddress: `  ${cust.email.email.toUpperCase()} ` },
    { externalId: cust.externalId },
  ]) {
    const thread = ok(await c.createThread(input({ customerIdentifier })));
    assert.deepEqual(thread.customer, { id: cust.id }, JSON.stringify(customerIdentifier));
    refs.push(refNumber(thread.ref));
  }
  for (let i = 1; i < refs.length; i++) {
    assert.ok(refs[i] > refs[i - 1], `refs increase: ${refs}`);
  }
});

test('createThread takes previewText from the components and applies a label once', async () => {
  const c = sdk();
  const thread = ok(
    await c.createThread(
      input({
        components: [
          { componentText: { text: 'First part.' } },
          { componentDivider: { dividerSpacingSize: 'M' } },
          { componentPlainText: { plainText: 'Second part.' } },
        ],
        labelTypeIds: [labelBug.id, labelBug.id],
      })
    )
  );
  assert.ok(thread.previewText.startsWith('First part.'), thread.previewText);
  assert.equal(thread.labels.length, 1);
  assert.equal(thread.labels[0].labelType.id, labelBug.id);
});

test('createThread assigns to a user or a machine user', async () => {
  const c = sdk();
  const toUser = ok(await c.createThread(input({ assignedTo: { userId: env.userId } })));
  assert.equal(toUser.assignedTo.__typename, 'User');
  assert.equal(toUser.assignedTo.id, env.userId);
  assert.equal(toUser.assignedTo.email, env.userEmail);
  assert.equal(toUser.assignedTo.fullName, env.userName);
  assertDateTime(toUser.assignedAt);
  assert.equal(ms(toUser.assignedAt), ms(toUser.createdAt));
  assert.deepEqual(ok(await c.getThread({ threadId: toUser.id })), toUser);

  const toMachine = ok(await c.createThread(input({ assignedTo: { machineUserId: env.machineUserId } })));
  assert.equal(toMachine.assignedTo.__typename, 'MachineUser');
  assert.equal(toMachine.assignedTo.id, env.machineUserId);
  assertDateTime(toMachine.assignedAt);

  assertNotFound(await c.createThread(input({ assignedTo: { userId: unknownIds.user } })), 'assignedTo.userId');
  // A user of another workspace is unknown here.
  assertNotFound(await c.createThread(input({ assignedTo: { userId: env.otherUserId } })), 'assignedTo.userId');
});

test('getThread, getThreadByRef and getThreadByExternalId return null for unknown threads', async () => {
  const c = sdk();
  assert.equal(ok(await c.getThread({ threadId: unknownIds.thread })), null);
  assert.equal(ok(await c.getThread({ threadId: 'not-an-id' })), null);
  assert.equal(ok(await c.getThreadByRef({ ref: 'T-999999999' })), null);
  assert.equal(ok(await c.getThreadByRef({ ref: 'not-a-ref' })), null);
  assert.equal(ok(await c.getThreadByExternalId({ customerId: customer.id, externalId: `nope-${uid()}` })), null);
  assert.equal(ok(await c.getThreadByExternalId({ customerId: unknownIds.customer, externalId: 'x' })), null);
});

test('a thread externalId is unique per customer', async () => {
  const c = sdk();
  const other = await createCustomer(c);
  const externalId = `shared-${uid()}`;
  const mine = ok(await c.createThread(input({ externalId })));
  const theirs = ok(await c.createThread(input({ externalId, customerIdentifier: { customerId: other.id } })));
  assert.notEqual(mine.id, theirs.id);
  assert.equal(ok(await c.getThreadByExternalId({ customerId: customer.id, externalId })).id, mine.id);
  assert.equal(ok(await c.getThreadByExternalId({ customerId: other.id, externalId })).id, theirs.id);

  const dup = await c.createThread(input({ externalId }));
  assertValidationError(dup, [{ field: 'externalId', type: 'VALIDATION' }]);
  assert.equal(ok(await c.getThreadByExternalId({ customerId: customer.id, externalId })).id, mine.id);
});

test('createThread validates components, priority and identifiers', async () => {
  const c = sdk();
  assertValidationError(await c.createThread(input({ components: [] })), [{ field: 'components', type: 'VALIDATION' }]);
  const empty = await c.createThread(input({ components: [] }));
  assert.equal(empty.error.errorDetails.fields[0].message, 'Array must contain at least 1 element(s)');
  assertValidationError(await c.createThread(input({ components: [{ componentText: { text: '' } }] })), [
    { field: 'components.0.componentText.text', type: 'REQUIRED' },
  ]);
  assertValidationError(
    await c.createThread(input({ components: [{ componentText: { text: 'ok' } }, { componentText: { text: '  ' } }] })),
    [{ field: 'components.1.componentText.text', type: 'REQUIRED' }]
  );
  for (const priority of [-1, 4, 100]) {
    assertValidationError(await c.createThread(input({ priority })), [{ field: 'priority', type: 'VALIDATION' }]);
  }
  for (const customerIdentifier of [{}, { customerId: customer.id, emailAddress: customer.email.email }]) {
    assertValidationError(await c.createThread(input({ customerIdentifier })), [
      { field: 'customerIdentifier', type: 'VALIDATION' },
    ]);
  }
});

test('createThread reports an unknown customer in any identifier form', async () => {
  const c = sdk();
  const cases = [
    [{ customerId: unknownIds.customer }, 'customerIdentifier.customerId'],
    [{ emailAddress: `nobody-${uid()}@example.com` }, 'customerIdentifier.emailAddress'],
    [{ externalId: `nobody-${uid()}` }, 'customerIdentifier.externalId'],
  ];
  for (const [customerIdentifier, field] of cases) {
    assertNotFound(await c.createThread(input({ customerIdentifier })), field);
  }
});

test('createThread rejects unknown and archived label types', async () => {
  const c = sdk();
  assertNotFound(await c.createThread(input({ labelTypeIds: [unknownIds.labelType] })), 'labelTypeIds.0');
  const archived = ok(await c.archiveLabelType({ labelTypeId: (await createLabelType(c)).id }));
  assertValidationError(await c.createThread(input({ labelTypeIds: [labelBug.id, archived.id] })), [
    { field: 'labelTypeIds.1', type: 'VALIDATION' },
  ]);
  // Several errors at once are all reported: input_validation when any is
  // not a missing entity ...
  assertValidationError(await c.createThread(input({ labelTypeIds: [unknownIds.labelType, archived.id, labelBug.id] })), [
    { field: 'labelTypeIds.0', type: 'NOT_FOUND' },
    { field: 'labelTypeIds.1', type: 'VALIDATION' },
  ]);
  // ... not_found, with the first one's message, when all are.
  assertMutationError(
    await c.createThread(
      input({ customerIdentifier: { customerId: unknownIds.customer }, labelTypeIds: [labelBug.id, unknownIds.labelType] })
    ),
    {
      code: 'not_found',
      message: 'Customer not found',
      fields: [
        { field: 'customerIdentifier.customerId', type: 'NOT_FOUND' },
        { field: 'labelTypeIds.1', type: 'NOT_FOUND' },
      ],
    }
  );
  // Input checked without the database is all reported together.
  assertValidationError(await c.createThread(input({ components: [], priority: 9 })), [
    { field: 'components', type: 'VALIDATION' },
    { field: 'priority', type: 'VALIDATION' },
  ]);
});

test('createThread validates thread fields against their schemas', async () => {
  const c = sdk();
  assertNotFound(
    await c.createThread(input({ threadFields: [{ key: `no_such_field_${uid()}`, type: 'STRING', stringValue: 'x' }] })),
    'threadFields.0.key'
  );
  const wrongType = [
    { key: 'my_string_field', type: 'STRING', stringValue: 'fine' },
    { key: 'my_bool_field', type: 'STRING', stringValue: 'true' },
  ];
  assertValidationError(await c.createThread(input({ threadFields: wrongType })), [
    { field: 'threadFields.1.type', type: 'VALIDATION' },
  ]);
  assertValidationError(
    await c.createThread(input({ threadFields: [{ key: 'my_enum_field', type: 'ENUM', stringValue: 'not_a_value' }] })),
    [{ field: 'threadFields.0.stringValue', type: 'VALIDATION' }]
  );
  // Enum values are matched exactly.
  assertValidationError(
    await c.createThread(input({ threadFields: [{ key: 'my_enum_field', type: 'ENUM', stringValue: 'BUG' }] })),
    [{ field: 'threadFields.0.stringValue', type: 'VALIDATION' }]
  );
  assertValidationError(
    await c.createThread(input({ threadFields: [{ key: 'my_bool_field', type: 'BOOL' }] })),
    [{ field: 'threadFields.0.booleanValue', type: 'REQUIRED' }]
  );
  const externalId = `invalid-${uid()}`;
  assertValidationError(
    await c.createThread(input({ externalId, threadFields: [{ key: 'my_string_field', type: 'STRING', stringValue: '' }] })),
    [{ field: 'threadFields.0.stringValue', type: 'REQUIRED' }]
  );
  assert.equal(ok(await c.getThreadByExternalId({ customerId: customer.id, externalId })), null, 'nothing was created');
});

// The fields workspace is this file's alone: a required field there breaks
// no other suite's createThread.
test('createThread requires required thread fields', async () => {
  const c = sdk(env.fieldsApiKey);
  const cust = await createCustomer(c);
  const label = await createLabelType(c, `Needs detail ${uid()}`);
  await createFieldSchema(c, { key: 'product_area', label: 'Product area', type: 'ENUM', enumValues: ['billing', 'api'], isRequired: true });
  await createFieldSchema(c, {
    key: 'repro_steps',
    label: 'Steps to reproduce',
    type: 'STRING',
    isRequired: true,
    dependsOnLabelTypeIds: [label.id],
  });
  const base = {
    title: 'Needs fields',
    customerIdentifier: { customerId: cust.id },
    components: [{ componentText: { text: 'Where are my fields?' } }],
  };
  assertValidationError(await c.createThread(base), [{ field: 'threadFields', type: 'REQUIRED' }]);

  const area = { key: 'product_area', type: 'ENUM', stringValue: 'billing' };
  const thread = ok(await c.createThread({ ...base, threadFields: [area] }));
  assert.deepEqual(
    thread.threadFields.map((f) => [f.key, f.type, f.stringValue]),
    [['product_area', 'ENUM', 'billing']]
  );

  // repro_steps is required only with the label.
  assertValidationError(await c.createThread({ ...base, threadFields: [area], labelTypeIds: [label.id] }), [
    { field: 'threadFields', type: 'REQUIRED' },
  ]);
  assertValidationError(await c.createThread({ ...base, labelTypeIds: [label.id] }), [
    { field: 'threadFields', type: 'REQUIRED' },
    { field: 'threadFields', type: 'REQUIRED' },
  ]);
  const labelled = ok(
    await c.createThread({
      ...base,
      labelTypeIds: [label.id],
      threadFields: [area, { key: 'repro_steps', type: 'STRING', stringValue: 'Click, wait.' }],
    })
  );
  assert.equal(labelled.labels[0].labelType.id, label.id);
  assert.equal(labelled.threadFields.length, 2);
});

// The request from Plain's createThread guide, verbatim.
const seedMutation = `mutation createThread($input: CreateThreadInput!) {
  createThread(input: $input) {
    thread { id externalId customer { id } status statusChangedAt { iso8601 unixTimestamp } title previewText priority threadFields { id key type stringValue booleanValue } }
    error { message type code fields { field message type } }
  }
}`;

test('Plain\'s createThread request works with only thread:create and thread:read', async () => {
  const c = sdk(env.apiKeyThreadCreateRead);
  const text = "The login button is not working, it doesn't do anything.";
  const variants = [
    [{ key: 'my_string_field', type: 'STRING', stringValue: 'any value' }, { stringValue: 'any value', booleanValue: null }],
    [{ key: 'my_enum_field', type: 'ENUM', stringValue: 'bug' }, { stringValue: 'bug', booleanValue: null }],
    [{ key: 'my_bool_field', type: 'BOOL', booleanValue: false }, { stringValue: null, booleanValue: false }],
  ];
  for (const [field, want] of variants) {
    const t0 = Date.now();
    const data = await gql(c, seedMutation, {
      input: {
        title: 'Bug Report',
        customerIdentifier: { customerId: customer.id },
        components: [{ componentText: { text } }],
        labelTypeIds: [labelBug.id],
        threadFields: [field],
      },
    });
    assert.equal(data.createThread.error, null, JSON.stringify(data.createThread.error));
    const t = data.createThread.thread;
    assert.match(t.id, threadIdRe);
    assert.equal(t.externalId, null);
    assert.deepEqual(t.customer, { id: customer.id });
    assert.equal(t.status, 'TODO');
    assert.match(t.statusChangedAt.iso8601, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(Date.parse(t.statusChangedAt.iso8601), Number(t.statusChangedAt.unixTimestamp));
    assert.ok(Number(t.statusChangedAt.unixTimestamp) >= t0 - 1000);
    assert.equal(t.title, 'Bug Report');
    assert.equal(t.previewText, text);
    assert.equal(t.priority, 2);
    assert.equal(t.threadFields.length, 1);
    assert.match(t.threadFields[0].id, new RegExp(`^tf_${ulid}$`));
    assert.deepEqual(
      { ...t.threadFields[0], id: undefined },
      { id: undefined, key: field.key, type: field.type, ...want }
    );

    // The label was applied (read with the all-permission key).
    const full = ok(await sdk().getThread({ threadId: t.id }));
    assert.deepEqual(
      full.labels.map((l) => l.labelType.id),
      [labelBug.id]
    );
    assert.deepEqual(full.createdBy.__typename, 'MachineUserActor');
    assert.match(full.createdBy.machineUserId, /^mu_/);
    assert.notEqual(full.createdBy.machineUserId, env.machineUserId, 'created by the limited key\'s machine user');
  }

  // Its errors come back in the same document (no __typename selected, so
  // the SDK hands the data over as it is).
  const data = await gql(c, seedMutation, {
    input: {
      title: 'Bug Report',
      customerIdentifier: { customerId: customer.id },
      components: [{ componentText: { text } }],
      threadFields: [{ key: 'my_enum_field', type: 'ENUM', stringValue: 'not_a_value' }],
    },
  });
  assert.equal(data.createThread.thread, null);
  assert.equal(data.createThread.error.type, 'VALIDATION');
  assert.equal(data.createThread.error.code, 'input_validation');
  assert.deepEqual(
    data.createThread.error.fields.map((f) => [f.field, f.type]),
    [['threadFields.0.stringValue', 'VALIDATION']]
  );
});

test('reading a thread\'s nested objects needs their permissions', async () => {
  const all = sdk();
  const thread = ok(await all.createThread(input({ labelTypeIds: [labelBug.id] })));
  const assigned = ok(await all.createThread(input({ assignedTo: { userId: env.userId } })));

  // Everything ThreadParts reads but customer:read (and user:read): the
  // SDK's getThread works, as it selects only customer { id }.
  const noCustomer = sdk(env.apiKeyNoCustomerRead);
  assert.deepEqual(ok(await noCustomer.getThread({ threadId: thread.id })), thread);
  const customerQuery = 'query thread($id: ID!) { thread(threadId: $id) { id customer { id fullName } } }';
  assertForbidden(await noCustomer.rawRequest({ query: customerQuery, variables: { id: thread.id } }), 'customer:read');
  assertForbidden(await noCustomer.getCustomerById({ customerId: customer.id }), 'customer:read');
  // The assignee is a User: user:read.
  assertForbidden(await noCustomer.getThread({ threadId: assigned.id }), 'user:read');

  // thread:read alone: no labels.
  const threadOnly = sdk(env.apiKeyNoUserRead);
  const labelsQuery = 'query thread($id: ID!) { thread(threadId: $id) { id labels { id } } }';
  assertForbidden(await threadOnly.rawRequest({ query: labelsQuery, variables: { id: thread.id } }), 'label:read');
  // The SDK's getThread also reads the tenant (and its tier): the first
  // permission its resolution misses is named.
  const full = await threadOnly.getThread({ threadId: thread.id });
  assertForbidden(full);
  assert.match(full.error.message, /"(label|tenant):read"/);
  const idOnly = await gql(threadOnly, 'query thread($id: ID!) { thread(threadId: $id) { id ref customer { id } } }', {
    id: thread.id,
  });
  assert.deepEqual(idOnly.thread, { id: thread.id, ref: thread.ref, customer: { id: customer.id } });

  // label:read without labelType:read: labels, but not their types.
  const labelOnly = sdk(env.apiKeyLabelRead);
  const labels = await gql(labelOnly, labelsQuery, { id: thread.id });
  assert.deepEqual(labels.thread.labels, [{ id: thread.labels[0].id }]);
  const typesQuery = 'query thread($id: ID!) { thread(threadId: $id) { id labels { id labelType { id name } } } }';
  assertForbidden(await labelOnly.rawRequest({ query: typesQuery, variables: { id: thread.id } }), 'labelType:read');

  // The SDK's createThread selects labels too: thread:create and
  // thread:read are not enough for it.
  assertForbidden(await sdk(env.apiKeyThreadCreateRead).createThread(input()), 'label:read');
  // Without thread:create, createThread is forbidden outright.
  assertForbidden(await sdk(env.apiKeyLabelRead).createThread(input()), 'thread:create');
});

test('threads of another workspace are invisible', async () => {
  const externalId = `ext-${uid()}`;
  const mainThread = ok(await sdk().createThread(input({ externalId })));
  const c = sdk(env.fieldsApiKey);
  assert.equal(ok(await c.getThread({ threadId: mainThread.id })), null);
  assert.equal(ok(await c.getThreadByExternalId({ customerId: customer.id, externalId })), null);
  // Refs are per workspace: the same ref there, if any, is another thread.
  const sameRef = ok(await c.getThreadByRef({ ref: mainThread.ref }));
  assert.ok(sameRef === null || sameRef.id !== mainThread.id);
});

test('concurrent createThreads get distinct refs; an externalId is taken once', async () => {
  const c = sdk();
  const threads = (await Promise.all(Array.from({ length: 20 }, () => c.createThread(input())))).map(ok);
  const refs = threads.map((t) => refNumber(t.ref));
  assert.equal(new Set(refs).size, 20, `distinct refs: ${refs}`);
  assert.equal(new Set(threads.map((t) => t.id)).size, 20);

  const externalId = `race-${uid()}`;
  const results = await Promise.all(Array.from({ length: 10 }, () => c.createThread(input({ externalId }))));
  const created = results.filter((r) => r.data);
  assert.equal(created.length, 1, 'exactly one thread took the externalId');
  for (const r of results.filter((x) => x.error)) {
    assertValidationError(r, [{ field: 'externalId', type: 'VALIDATION' }]);
  }
  assert.equal(ok(await c.getThreadByExternalId({ customerId: customer.id, externalId })).id, created[0].data.id);
});

test('an archived label type stays on its threads', async () => {
  const c = sdk();
  const lt = await createLabelType(c);
  const thread = ok(await c.createThread(input({ labelTypeIds: [lt.id] })));
  const archived = ok(await c.archiveLabelType({ labelTypeId: lt.id }));
  const read = ok(await c.getThread({ threadId: thread.id }));
  assert.equal(read.labels.length, 1);
  assert.equal(read.labels[0].id, thread.labels[0].id);
  assert.deepEqual(read.labels[0].labelType, archived);
  assert.equal(read.labels[0].labelType.isArchived, true);
});

test('createThread uses the description as preview, derives a missing title and rejects a repeated field', async () => {
  const c = sdk();
  const described = ok(await c.createThread(input({ description: 'A short summary.' })));
  assert.equal(described.description, 'A short summary.');
  assert.equal(described.previewText, 'A short summary.');

  const { title, ...untitled } = input();
  assert.ok(title);
  const derived = ok(await c.createThread(untitled));
  assert.equal(typeof derived.title, 'string');
  assert.notEqual(derived.title.trim(), '', 'a thread always has a title');

  assertValidationError(
    await c.createThread(
      input({
        threadFields: [
          { key: 'my_string_field', type: 'STRING', stringValue: 'one' },
          { key: 'my_string_field', type: 'STRING', stringValue: 'two' },
        ],
      })
    ),
    [{ field: 'threadFields.1.key', type: 'VALIDATION' }]
  );
});
