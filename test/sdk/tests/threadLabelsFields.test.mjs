// Labels and thread fields on existing threads: addLabels, removeLabels,
// upsertThreadField and deleteThreadField. The labels-and-fields workspace
// is this file's alone, so its thread field schemas are its own.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { assertDateTime, env, ok, ulid } from './env.mjs';
import {
  assertForbidden,
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

const c = () => sdk(env.labelsFieldsApiKey);
const sleep = (n) => new Promise((resolve) => setTimeout(resolve, n));
const labelIdRe = new RegExp(`^l_${ulid}$`);
const fieldIdRe = new RegExp(`^tf_${ulid}$`);
const unknownLabelId = 'l_01ARZ3NDEKTSV4RRFFQ69G5FAV';

let customer;
// The key's machine user, as threads it creates record it.
let me;

before(async () => {
  customer = await createCustomer(c());
  await createFieldSchema(c(), { key: 'summary', label: 'Summary', type: 'STRING', order: 1 });
  await createFieldSchema(c(), { key: 'kind', label: 'Kind', type: 'ENUM', enumValues: ['bug', 'question'], order: 2 });
  await createFieldSchema(c(), { key: 'billable', label: 'Billable', type: 'BOOL', order: 3 });
  me = (await newThread()).createdBy;
  assert.equal(me.__typename, 'MachineUserActor');
});

async function newThread(extra = {}) {
  return ok(
    await c().createThread({
      title: `Labels and fields ${uid()}`,
      customerIdentifier: { customerId: customer.id },
      components: [{ componentText: { text: 'Label me.' } }],
      ...extra,
    })
  );
}

async function read(threadId) {
  const t = ok(await c().getThread({ threadId }));
  assert.ok(t, `thread ${threadId} exists`);
  return t;
}

const typeIds = (labels) => labels.map((l) => l.labelType.id).sort();

test('addLabels applies label types and returns their labels', async () => {
  const a = await createLabelType(c(), `Alpha ${uid()}`, '🅰️');
  const b = await createLabelType(c(), `Beta ${uid()}`);
  const thread = await newThread();
  await sleep(5);
  const labels = ok(await c().addLabels({ threadId: thread.id, labelTypeIds: [a.id, b.id] }));
  assert.equal(labels.length, 2);
  assert.deepEqual(
    labels.map((l) => l.labelType),
    [a, b],
    'in the order given, with their label types'
  );
  for (const l of labels) {
    assert.equal(l.__typename, 'Label');
    assert.match(l.id, labelIdRe);
    assert.deepEqual(l.createdBy, me);
    assert.deepEqual(l.updatedBy, me);
    assertDateTime(l.createdAt);
    assert.ok(ms(l.createdAt) > ms(thread.createdAt));
    assert.equal(ms(l.updatedAt), ms(l.createdAt));
  }

  const after = await read(thread.id);
  assert.deepEqual(
    [...after.labels].sort((x, y) => x.id.localeCompare(y.id)),
    [...labels].sort((x, y) => x.id.localeCompare(y.id))
  );
  assert.ok(ms(after.updatedAt) > ms(thread.updatedAt), 'the thread changed');
  assert.deepEqual(after.updatedBy, me);
});

test('addLabels is idempotent: a label type already on the thread is kept as it is', async () => {
  const a = await createLabelType(c());
  const b = await createLabelType(c());
  const thread = await newThread({ labelTypeIds: [a.id] });
  const [existing] = thread.labels;

  await sleep(5);
  const again = ok(await c().addLabels({ threadId: thread.id, labelTypeIds: [a.id] }));
  assert.deepEqual(again, [existing], 'the existing label, unchanged');
  assert.deepEqual(await read(thread.id), thread, 'nothing changed, not even updatedAt');

  const mixed = ok(await c().addLabels({ threadId: thread.id, labelTypeIds: [b.id, a.id] }));
  assert.equal(mixed.length, 2);
  assert.equal(mixed[0].labelType.id, b.id);
  assert.notEqual(mixed[0].id, existing.id);
  assert.deepEqual(mixed[1], existing);
  const after = await read(thread.id);
  assert.deepEqual(typeIds(after.labels), [a.id, b.id].sort(), 'no duplicate');
  assert.equal(after.labels.length, 2);

  // The same new type twice in one call makes one label.
  const d = await createLabelType(c());
  const twice = ok(await c().addLabels({ threadId: thread.id, labelTypeIds: [d.id, d.id] }));
  assert.ok(twice.length >= 1);
  assert.ok(twice.every((l) => l.labelType.id === d.id));
  assert.equal(new Set(twice.map((l) => l.id)).size, 1, `one label of the type: ${JSON.stringify(twice.map((l) => l.id))}`);
  assert.equal((await read(thread.id)).labels.length, 3);
});

test('addLabels refuses archived and unknown label types and then adds none', async () => {
  const a = await createLabelType(c());
  const archived = ok(await c().archiveLabelType({ labelTypeId: (await createLabelType(c())).id }));
  const thread = await newThread();

  assertValidationError(await c().addLabels({ threadId: thread.id, labelTypeIds: [archived.id] }), [
    { field: 'labelTypeIds.0', type: 'VALIDATION' },
  ]);
  assertValidationError(await c().addLabels({ threadId: thread.id, labelTypeIds: [a.id, archived.id] }), [
    { field: 'labelTypeIds.1', type: 'VALIDATION' },
  ]);
  assertNotFound(await c().addLabels({ threadId: thread.id, labelTypeIds: [unknownIds.labelType] }), 'labelTypeIds.0');
  assertNotFound(await c().addLabels({ threadId: thread.id, labelTypeIds: [a.id, unknownIds.labelType] }), 'labelTypeIds.1');
  // A label type of another workspace is unknown here.
  const foreign = await createLabelType(sdk());
  assertNotFound(await c().addLabels({ threadId: thread.id, labelTypeIds: [a.id, foreign.id] }), 'labelTypeIds.1');
  assertValidationError(await c().addLabels({ threadId: thread.id, labelTypeIds: [] }), [
    { field: 'labelTypeIds', type: 'VALIDATION' },
  ]);
  assert.deepEqual(await read(thread.id), thread, 'no label was added');

  assertNotFound(await c().addLabels({ threadId: unknownIds.thread, labelTypeIds: [a.id] }), 'threadId');
  // The label type stays usable.
  assert.deepEqual(
    ok(await c().addLabels({ threadId: thread.id, labelTypeIds: [a.id] })).map((l) => l.labelType.id),
    [a.id]
  );
});

test('removeLabels removes labels; removing them again is fine', async () => {
  const a = await createLabelType(c());
  const b = await createLabelType(c());
  const thread = await newThread({ labelTypeIds: [a.id, b.id] });
  const la = thread.labels.find((l) => l.labelType.id === a.id);
  const lb = thread.labels.find((l) => l.labelType.id === b.id);

  await sleep(5);
  assert.equal(ok(await c().removeLabels({ labelIds: [la.id] })), null);
  const after = await read(thread.id);
  assert.deepEqual(after.labels, [lb]);
  assert.ok(ms(after.updatedAt) > ms(thread.updatedAt), 'the thread changed');
  assert.deepEqual(after.updatedBy, me);

  await sleep(5);
  assert.equal(ok(await c().removeLabels({ labelIds: [la.id] })), null, 'again: nothing to do');
  assert.deepEqual(await read(thread.id), after, 'nothing changed');
  assert.equal(ok(await c().removeLabels({ labelIds: [unknownLabelId, lb.id, lb.id] })), null);
  assert.deepEqual((await read(thread.id)).labels, []);

  // The type can be applied again: a new label.
  const [again] = ok(await c().addLabels({ threadId: thread.id, labelTypeIds: [a.id] }));
  assert.notEqual(again.id, la.id);
  assert.deepEqual((await read(thread.id)).labels, [again]);

  assertValidationError(await c().removeLabels({ labelIds: [] }), [{ field: 'labelIds', type: 'VALIDATION' }]);

  // Labels of another workspace are out of reach.
  ok(await sdk().removeLabels({ labelIds: [again.id] }));
  assert.deepEqual((await read(thread.id)).labels, [again], 'not removed by another workspace');
});

test('removeLabels removes labels of several threads at once', async () => {
  const a = await createLabelType(c());
  const one = await newThread({ labelTypeIds: [a.id] });
  const two = await newThread({ labelTypeIds: [a.id] });
  assert.equal(ok(await c().removeLabels({ labelIds: [one.labels[0].id, two.labels[0].id] })), null);
  assert.deepEqual((await read(one.id)).labels, []);
  assert.deepEqual((await read(two.id)).labels, []);
});

const upsertQuery = `mutation upsertThreadField($input: UpsertThreadFieldInput!) {
  upsertThreadField(input: $input) {
    result
    threadField { id key type threadId stringValue booleanValue }
    error { message type code fields { field message type } }
  }
}`;

/** upsertThreadField through raw GraphQL: the SDK's method hides result. */
async function upsert(input) {
  const data = await gql(c(), upsertQuery, { input });
  assert.equal(data.upsertThreadField.error, null, JSON.stringify(data.upsertThreadField.error));
  return data.upsertThreadField;
}

test('upsertThreadField creates a value, leaves an equal one and updates a new one', async () => {
  const thread = await newThread();
  const identifier = { threadId: thread.id, key: 'summary' };

  await sleep(5);
  const created = ok(await c().upsertThreadField({ identifier, type: 'STRING', stringValue: 'First words' }));
  assert.equal(created.__typename, 'ThreadField');
  assert.match(created.id, fieldIdRe);
  assert.equal(created.key, 'summary');
  assert.equal(created.type, 'STRING');
  assert.equal(created.threadId, thread.id);
  assert.equal(created.stringValue, 'First words');
  assert.equal(created.booleanValue, null);
  assert.equal(created.isAiGenerated, false);
  assert.deepEqual(created.createdBy, me);
  assert.deepEqual(created.updatedBy, me);
  assertDateTime(created.createdAt);
  assert.equal(ms(created.updatedAt), ms(created.createdAt));
  let t = await read(thread.id);
  assert.deepEqual(t.threadFields, [created]);
  assert.ok(ms(t.updatedAt) > ms(thread.updatedAt), 'the thread changed');

  // The same value: NOOP, nothing changes.
  await sleep(5);
  const same = await upsert({ identifier, type: 'STRING', stringValue: 'First words' });
  assert.equal(same.result, 'NOOP');
  assert.equal(same.threadField.id, created.id);
  assert.equal(same.threadField.stringValue, 'First words');
  assert.deepEqual(await read(thread.id), t, 'NOOP changes nothing');

  // A new value: UPDATED, the same field.
  await sleep(5);
  const updated = await upsert({ identifier, type: 'STRING', stringValue: 'Second words' });
  assert.equal(updated.result, 'UPDATED');
  assert.deepEqual(updated.threadField, {
    id: created.id,
    key: 'summary',
    type: 'STRING',
    threadId: thread.id,
    stringValue: 'Second words',
    booleanValue: null,
  });
  const prev = t;
  t = await read(thread.id);
  assert.equal(t.threadFields.length, 1);
  const [field] = t.threadFields;
  assert.equal(field.stringValue, 'Second words');
  assert.deepEqual(field.createdAt, created.createdAt, 'created once');
  assert.ok(ms(field.updatedAt) > ms(created.updatedAt));
  assert.ok(ms(t.updatedAt) > ms(prev.updatedAt));

  // Through the SDK: the field as it now is.
  const sdkSame = ok(await c().upsertThreadField({ identifier, type: 'STRING', stringValue: 'Second words' }));
  assert.deepEqual(sdkSame, field);
});

test('upsertThreadField sets booleans and enum values', async () => {
  const thread = await newThread();
  const billable = { threadId: thread.id, key: 'billable' };
  const kind = { threadId: thread.id, key: 'kind' };
  const steps = [
    [{ identifier: billable, type: 'BOOL', booleanValue: true }, 'CREATED', { stringValue: null, booleanValue: true }],
    [{ identifier: billable, type: 'BOOL', booleanValue: false }, 'UPDATED', { stringValue: null, booleanValue: false }],
    [{ identifier: billable, type: 'BOOL', booleanValue: false }, 'NOOP', { stringValue: null, booleanValue: false }],
    [{ identifier: kind, type: 'ENUM', stringValue: 'bug' }, 'CREATED', { stringValue: 'bug', booleanValue: null }],
    [{ identifier: kind, type: 'ENUM', stringValue: 'bug' }, 'NOOP', { stringValue: 'bug', booleanValue: null }],
    [{ identifier: kind, type: 'ENUM', stringValue: 'question' }, 'UPDATED', { stringValue: 'question', booleanValue: null }],
  ];
  for (const [input, result, want] of steps) {
    const out = await upsert(input);
    assert.equal(out.result, result, JSON.stringify(input));
    assert.equal(out.threadField.key, input.identifier.key);
    assert.equal(out.threadField.type, input.type);
    assert.equal(out.threadField.stringValue, want.stringValue);
    assert.equal(out.threadField.booleanValue, want.booleanValue);
  }
  const fields = Object.fromEntries((await read(thread.id)).threadFields.map((f) => [f.key, [f.type, f.stringValue, f.booleanValue]]));
  assert.deepEqual(fields, { billable: ['BOOL', null, false], kind: ['ENUM', 'question', null] });
});

test('upsertThreadField validates the value against the field schema', async () => {
  const thread = await newThread({ threadFields: [{ key: 'kind', type: 'ENUM', stringValue: 'bug' }] });
  const on = (key) => ({ threadId: thread.id, key });

  // The wrong type for the schema.
  assertValidationError(await c().upsertThreadField({ identifier: on('billable'), type: 'STRING', stringValue: 'true' }), [
    { field: 'type', type: 'VALIDATION' },
  ]);
  assertValidationError(await c().upsertThreadField({ identifier: on('summary'), type: 'BOOL', booleanValue: true }), [
    { field: 'type', type: 'VALIDATION' },
  ]);
  // A value the enum does not allow, matched exactly.
  for (const stringValue of ['feature', 'BUG', ' bug']) {
    assertValidationError(await c().upsertThreadField({ identifier: on('kind'), type: 'ENUM', stringValue }), [
      { field: 'stringValue', type: 'VALIDATION' },
    ]);
  }
  // A missing value.
  assertValidationError(await c().upsertThreadField({ identifier: on('billable'), type: 'BOOL' }), [
    { field: 'booleanValue', type: 'REQUIRED' },
  ]);
  assertValidationError(await c().upsertThreadField({ identifier: on('summary'), type: 'STRING', stringValue: '' }), [
    { field: 'stringValue', type: 'REQUIRED' },
  ]);
  // No schema with the key, here: the shared workspace's keys are not ours.
  for (const key of [`no_such_field_${uid()}`, 'my_string_field']) {
    assertNotFound(await c().upsertThreadField({ identifier: on(key), type: 'STRING', stringValue: 'x' }), 'identifier.key');
  }
  assertNotFound(
    await c().upsertThreadField({ identifier: { threadId: unknownIds.thread, key: 'summary' }, type: 'STRING', stringValue: 'x' }),
    'threadId'
  );
  assert.deepEqual(await read(thread.id), thread, 'nothing was written');
});

test('deleteThreadField removes a value; deleting it again is not found', async () => {
  const thread = await newThread({
    threadFields: [
      { key: 'summary', type: 'STRING', stringValue: 'Keep me' },
      { key: 'billable', type: 'BOOL', booleanValue: true },
    ],
  });
  assert.equal(thread.threadFields.length, 2);
  const identifier = { threadId: thread.id, key: 'billable' };

  await sleep(5);
  assert.equal(ok(await c().deleteThreadField({ identifier })), null);
  const after = await read(thread.id);
  assert.deepEqual(
    after.threadFields.map((f) => f.key),
    ['summary']
  );
  assert.ok(ms(after.updatedAt) > ms(thread.updatedAt), 'the thread changed');
  assert.deepEqual(after.updatedBy, me);

  assertNotFound(await c().deleteThreadField({ identifier }), 'identifier.key');
  assertNotFound(await c().deleteThreadField({ identifier: { threadId: thread.id, key: 'kind' } }), 'identifier.key');
  assertNotFound(await c().deleteThreadField({ identifier: { threadId: thread.id, key: `nope_${uid()}` } }), 'identifier.key');
  assertNotFound(await c().deleteThreadField({ identifier: { threadId: unknownIds.thread, key: 'summary' } }), 'threadId');
  // A thread of this workspace is unknown to another one.
  assertNotFound(await sdk().deleteThreadField({ identifier: { threadId: thread.id, key: 'summary' } }), 'threadId');
  assert.deepEqual(await read(thread.id), after, 'refused deletes change nothing');

  // Set again: a new value.
  const again = await upsert({ identifier, type: 'BOOL', booleanValue: true });
  assert.equal(again.result, 'CREATED');
  assert.notEqual(again.threadField.id, thread.threadFields.find((f) => f.key === 'billable').id);
});

test('concurrent upserts of one thread field create it once', async () => {
  const thread = await newThread();
  const identifier = { threadId: thread.id, key: 'summary' };
  const results = await Promise.all(
    Array.from({ length: 10 }, () => gql(c(), upsertQuery, { input: { identifier, type: 'STRING', stringValue: 'Raced' } }))
  );
  const outs = results.map((d) => d.upsertThreadField);
  for (const o of outs) {
    assert.equal(o.error, null, JSON.stringify(o.error));
  }
  assert.deepEqual(
    outs.map((o) => o.result).sort(),
    ['CREATED', ...Array(9).fill('NOOP')],
    'one CREATED, the rest NOOP'
  );
  assert.equal(new Set(outs.map((o) => o.threadField.id)).size, 1);
  const fields = (await read(thread.id)).threadFields;
  assert.equal(fields.length, 1);
  assert.equal(fields[0].stringValue, 'Raced');
});

test('label and thread field mutations need their permissions', async () => {
  const thread = await newThread();
  const a = await createLabelType(c());
  // Keys of the default workspace: permissions are checked first.
  const labelReader = sdk(env.apiKeyLabelRead);
  assertForbidden(await labelReader.addLabels({ threadId: thread.id, labelTypeIds: [a.id] }), 'label:create');
  assertForbidden(await labelReader.removeLabels({ labelIds: [unknownLabelId] }), 'label:delete');
  assertForbidden(
    await labelReader.upsertThreadField({ identifier: { threadId: thread.id, key: 'summary' }, type: 'STRING', stringValue: 'x' }),
    'threadField:create'
  );
  assertForbidden(await labelReader.deleteThreadField({ identifier: { threadId: thread.id, key: 'summary' } }), 'threadField:delete');
  assert.deepEqual(await read(thread.id), thread);
});
