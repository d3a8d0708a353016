// Working a thread: status (done, todo, snooze and the scheduler's wake-up),
// priority and assignment, through the SDK's methods.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { assertDateTime, env, ok } from './env.mjs';
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

const me = () => ({ __typename: 'MachineUserActor', machineUserId: env.machineUserId });
const sleep = (n) => new Promise((resolve) => setTimeout(resolve, n));

let customer;

before(async () => {
  customer = await createCustomer(sdk(), { externalId: `work-customer-${uid()}` });
});

/** Creates a thread of this file's customer in the default workspace. */
async function newThread(c = sdk(), extra = {}) {
  return ok(
    await c.createThread({
      title: `Work ${uid()}`,
      customerIdentifier: { customerId: customer.id },
      components: [{ componentText: { text: 'Please work on me.' } }],
      ...extra,
    })
  );
}

/** Reads a thread back with the all-permission key. */
async function read(threadId) {
  const t = ok(await sdk().getThread({ threadId }));
  assert.ok(t, `thread ${threadId} exists`);
  return t;
}

/**
 * Asserts a status change made at the moment of the thread's updatedAt by
 * this file's key: statusChangedAt, the detail's statusChangedAt and
 * updatedAt agree, and the result is what getThread returns.
 */
async function assertStatusChange(thread, previous, status, detail) {
  assert.equal(thread.status, status);
  assert.equal(thread.statusDetail.__typename, detail);
  assertDateTime(thread.statusChangedAt);
  assertDateTime(thread.statusDetail.statusChangedAt);
  assert.equal(ms(thread.statusDetail.statusChangedAt), ms(thread.statusChangedAt));
  assert.equal(ms(thread.updatedAt), ms(thread.statusChangedAt));
  assert.ok(ms(thread.updatedAt) > ms(previous.updatedAt), 'updatedAt advances');
  assert.deepEqual(thread.updatedBy, me());
  assert.deepEqual(thread.createdAt, previous.createdAt);
  assert.deepEqual(thread.createdBy, previous.createdBy);
  assert.deepEqual(await read(thread.id), thread);
}

test('markThreadAsDone marks a thread done, manually set by default', async () => {
  const c = sdk();
  const created = await newThread(c);
  await sleep(5);
  const done = ok(await c.markThreadAsDone({ threadId: created.id }));
  await assertStatusChange(done, created, 'DONE', 'ThreadStatusDetailDoneManuallySet');
  // Nothing else changed.
  const same = (t) => ({ ...t, status: 0, statusDetail: 0, statusChangedAt: 0, updatedAt: 0 });
  assert.deepEqual(same(done), same(created));

  // Done again as it is: nothing changes.
  await sleep(5);
  assert.deepEqual(ok(await c.markThreadAsDone({ threadId: created.id })), done);
  assert.deepEqual(ok(await c.markThreadAsDone({ threadId: created.id, statusDetail: 'DONE_MANUALLY_SET' })), done);

  let prev = done;
  for (const [statusDetail, typename] of [
    ['IGNORED', 'ThreadStatusDetailIgnored'],
    ['DONE_AUTOMATICALLY_SET', 'ThreadStatusDetailDoneAutomaticallySet'],
    ['DONE_MANUALLY_SET', 'ThreadStatusDetailDoneManuallySet'],
    // Deprecated: the same as DONE_AUTOMATICALLY_SET.
    ['TIMER_EXPIRED', 'ThreadStatusDetailDoneAutomaticallySet'],
  ]) {
    await sleep(5);
    const t = ok(await c.markThreadAsDone({ threadId: created.id, statusDetail }));
    await assertStatusChange(t, prev, 'DONE', typename);
    prev = t;
  }
});

test('markThreadAsTodo moves a thread back to Todo, in progress by default', async () => {
  const c = sdk();
  const created = await newThread(c);
  const done = ok(await c.markThreadAsDone({ threadId: created.id }));
  await sleep(5);
  const todo = ok(await c.markThreadAsTodo({ threadId: created.id }));
  await assertStatusChange(todo, done, 'TODO', 'ThreadStatusDetailInProgress');
  assert.ok(ms(todo.statusChangedAt) > ms(done.statusChangedAt));

  await sleep(5);
  const reply = ok(await c.markThreadAsTodo({ threadId: created.id, statusDetail: 'NEW_REPLY' }));
  await assertStatusChange(reply, todo, 'TODO', 'ThreadStatusDetailNewReply');
  await sleep(5);
  const back = ok(await c.markThreadAsTodo({ threadId: created.id, statusDetail: 'IN_PROGRESS' }));
  await assertStatusChange(back, reply, 'TODO', 'ThreadStatusDetailInProgress');

  // A new thread (Todo, created) moves to in progress.
  const fresh = await newThread(c);
  assert.equal(fresh.statusDetail.__typename, 'ThreadStatusDetailCreated');
  await sleep(5);
  await assertStatusChange(ok(await c.markThreadAsTodo({ threadId: fresh.id })), fresh, 'TODO', 'ThreadStatusDetailInProgress');
});

test('snoozeThread snoozes for a duration or until the customer replies', async () => {
  const c = sdk();
  const created = await newThread(c);
  await sleep(5);
  const t0 = Date.now();
  const snoozed = ok(await c.snoozeThread({ threadId: created.id, durationSeconds: 3600 }));
  await assertStatusChange(snoozed, created, 'SNOOZED', 'ThreadStatusDetailWaitingForDuration');
  assertDateTime(snoozed.statusDetail.waitingUntil);
  assert.equal(ms(snoozed.statusDetail.waitingUntil), ms(snoozed.statusChangedAt) + 3600 * 1000);
  assert.ok(Math.abs(ms(snoozed.statusChangedAt) - t0) < 5000, 'snoozed now');

  // Snoozing again restarts the snooze.
  await sleep(5);
  const again = ok(
    await c.snoozeThread({ threadId: created.id, durationSeconds: 60, statusDetail: 'WAITING_FOR_DURATION' })
  );
  await assertStatusChange(again, snoozed, 'SNOOZED', 'ThreadStatusDetailWaitingForDuration');
  assert.equal(ms(again.statusDetail.waitingUntil), ms(again.statusChangedAt) + 60 * 1000);

  await sleep(5);
  const forCustomer = ok(await c.snoozeThread({ threadId: created.id, statusDetail: 'WAITING_FOR_CUSTOMER' }));
  await assertStatusChange(forCustomer, again, 'SNOOZED', 'ThreadStatusDetailWaitingForCustomer');
  assert.equal(forCustomer.statusDetail.waitingUntil, undefined, 'WaitingForCustomer has no waitingUntil');

  // markThreadAsTodo unsnoozes.
  await sleep(5);
  await assertStatusChange(ok(await c.markThreadAsTodo({ threadId: created.id })), forCustomer, 'TODO', 'ThreadStatusDetailInProgress');
});

test('snoozeThread needs a positive duration unless waiting for the customer', async () => {
  const c = sdk();
  const created = await newThread(c);
  assertValidationError(await c.snoozeThread({ threadId: created.id }), [{ field: 'durationSeconds', type: 'REQUIRED' }]);
  assertValidationError(await c.snoozeThread({ threadId: created.id, statusDetail: 'WAITING_FOR_DURATION' }), [
    { field: 'durationSeconds', type: 'REQUIRED' },
  ]);
  for (const durationSeconds of [0, -1, -3600]) {
    assertValidationError(await c.snoozeThread({ threadId: created.id, durationSeconds }), [
      { field: 'durationSeconds', type: 'VALIDATION' },
    ]);
  }
  // At most a year; a duration whose end overflows is refused, not a crash.
  for (const durationSeconds of [365 * 86400 + 1, 2147483647]) {
    assertValidationError(await c.snoozeThread({ threadId: created.id, durationSeconds }), [
      { field: 'durationSeconds', type: 'VALIDATION' },
    ]);
  }
  assert.deepEqual(await read(created.id), created, 'refused snoozes change nothing');
  const year = ok(await c.snoozeThread({ threadId: created.id, durationSeconds: 365 * 86400 }));
  assert.equal(ms(year.statusDetail.waitingUntil), ms(year.statusChangedAt) + 365 * 86400 * 1000);
});

test('a snoozed thread wakes up to Todo by itself', async () => {
  const c = sdk();
  const sleeper = await newThread(c);
  const stays = await newThread(c);
  const cancelled = await newThread(c);
  const customerWait = await newThread(c);
  const snoozed = ok(await c.snoozeThread({ threadId: sleeper.id, durationSeconds: 1 }));
  assert.equal(ms(snoozed.statusDetail.waitingUntil), ms(snoozed.statusChangedAt) + 1000);
  // Waiting for the customer, but no longer than 2 s.
  ok(await c.snoozeThread({ threadId: customerWait.id, durationSeconds: 2, statusDetail: 'WAITING_FOR_CUSTOMER' }));
  const long = ok(await c.snoozeThread({ threadId: stays.id, durationSeconds: 3600 }));
  // Snoozed for as long, then marked done: the old wake-up must not apply.
  ok(await c.snoozeThread({ threadId: cancelled.id, durationSeconds: 1 }));
  const done = ok(await c.markThreadAsDone({ threadId: cancelled.id }));

  let woken;
  const deadline = Date.now() + 8000;
  for (;;) {
    woken = await read(sleeper.id);
    if (woken.status !== 'SNOOZED' || Date.now() > deadline) {
      break;
    }
    await sleep(100);
  }
  assert.equal(woken.status, 'TODO', `woke within 8 s of its 1 s snooze: ${JSON.stringify(woken.statusDetail)}`);
  assert.equal(woken.statusDetail.__typename, 'ThreadStatusDetailInProgress');
  assert.ok(ms(woken.statusChangedAt) >= ms(snoozed.statusDetail.waitingUntil), 'not before its time');
  assert.equal(ms(woken.statusDetail.statusChangedAt), ms(woken.statusChangedAt));
  assert.equal(ms(woken.updatedAt), ms(woken.statusChangedAt));
  assert.equal(woken.updatedBy.__typename, 'SystemActor', 'woken by the system, not by the key');

  let early;
  for (;;) {
    early = await read(customerWait.id);
    if (early.status !== 'SNOOZED' || Date.now() > deadline + 1000) {
      break;
    }
    await sleep(100);
  }
  assert.equal(early.status, 'TODO', 'a snooze waiting for the customer with a duration wakes at its end too');
  assert.equal(early.statusDetail.__typename, 'ThreadStatusDetailInProgress');

  await sleep(500);
  assert.deepEqual(await read(stays.id), long, 'a thread snoozed for an hour sleeps on');
  assert.deepEqual(await read(cancelled.id), done, 'a thread done since its snooze stays done');
  assert.deepEqual(await read(sleeper.id), woken, 'woken once');
});

test('changeThreadPriority sets the priority from 0 to 3', async () => {
  const c = sdk();
  const created = await newThread(c);
  assert.equal(created.priority, 2);
  let prev = created;
  for (const priority of [0, 3, 1, 2]) {
    await sleep(5);
    const t = ok(await c.changeThreadPriority({ threadId: created.id, priority }));
    assert.equal(t.priority, priority);
    assert.ok(ms(t.updatedAt) > ms(prev.updatedAt), 'updatedAt advances');
    assert.deepEqual(t.updatedBy, me());
    assert.equal(t.status, 'TODO', 'the status stays');
    assert.deepEqual(t.statusChangedAt, created.statusChangedAt);
    assert.deepEqual(await read(t.id), t);
    prev = t;
  }
  // The same priority again changes nothing.
  await sleep(5);
  assert.deepEqual(ok(await c.changeThreadPriority({ threadId: created.id, priority: 2 })), prev);

  for (const priority of [-1, 4, 100]) {
    assertValidationError(await c.changeThreadPriority({ threadId: created.id, priority }), [
      { field: 'priority', type: 'VALIDATION' },
    ]);
  }
  assert.deepEqual(await read(created.id), prev, 'refused priorities change nothing');
});

/** Asserts a refused assignment: input_validation with VALIDATION field errors only. */
function assertAssignmentRefused(result) {
  assert.equal(result.error?.type, 'mutation_error', JSON.stringify(result));
  const d = result.error.errorDetails;
  assert.equal(d.type, 'VALIDATION', JSON.stringify(d));
  assert.equal(d.code, 'input_validation', JSON.stringify(d));
  assert.ok(d.fields.length >= 1, JSON.stringify(d));
  for (const f of d.fields) {
    assert.equal(f.type, 'VALIDATION', JSON.stringify(d));
    assert.ok(['userId', 'machineUserId'].includes(f.field), JSON.stringify(d));
  }
}

test('assignThread assigns to a user or a machine user; unassignThread clears it', async () => {
  const c = sdk();
  const created = await newThread(c);
  await sleep(5);
  const toUser = ok(await c.assignThread({ threadId: created.id, userId: env.userId }));
  assert.equal(toUser.assignedTo.__typename, 'User');
  assert.equal(toUser.assignedTo.id, env.userId);
  assert.equal(toUser.assignedTo.email, env.userEmail);
  assert.equal(toUser.assignedTo.fullName, env.userName);
  assertDateTime(toUser.assignedAt);
  assert.equal(ms(toUser.assignedAt), ms(toUser.updatedAt));
  assert.ok(ms(toUser.updatedAt) > ms(created.updatedAt));
  assert.deepEqual(toUser.updatedBy, me());
  assert.equal(toUser.status, created.status, 'assigning leaves the status');
  assert.deepEqual(await read(created.id), toUser);

  // The same assignee again changes nothing.
  await sleep(5);
  assert.deepEqual(ok(await c.assignThread({ threadId: created.id, userId: env.userId })), toUser);

  await sleep(5);
  const toMachine = ok(await c.assignThread({ threadId: created.id, machineUserId: env.machineUserId }));
  assert.equal(toMachine.assignedTo.__typename, 'MachineUser');
  assert.equal(toMachine.assignedTo.id, env.machineUserId);
  assert.equal(typeof toMachine.assignedTo.fullName, 'string');
  assertDateTime(toMachine.assignedTo.updatedAt);
  assert.ok(ms(toMachine.assignedAt) > ms(toUser.assignedAt), 'assignedAt is the latest assignment');
  assert.equal(ms(toMachine.assignedAt), ms(toMachine.updatedAt));
  assert.deepEqual(await read(created.id), toMachine);

  await sleep(5);
  const unassigned = ok(await c.unassignThread({ threadId: created.id }));
  assert.equal(unassigned.assignedTo, null);
  assert.equal(unassigned.assignedAt, null);
  assert.ok(ms(unassigned.updatedAt) > ms(toMachine.updatedAt));
  assert.deepEqual(unassigned.updatedBy, me());
  assert.deepEqual(await read(created.id), unassigned);
  // Unassigning an unassigned thread is fine and changes nothing.
  await sleep(5);
  assert.deepEqual(ok(await c.unassignThread({ threadId: created.id })), unassigned);
});

test('assignThread refuses unknown assignees and takes exactly one', async () => {
  const c = sdk();
  const created = await newThread(c);
  const assigned = ok(await c.assignThread({ threadId: created.id, userId: env.userId }));

  assertNotFound(await c.assignThread({ threadId: created.id, userId: unknownIds.user }), 'userId');
  // Users and machine users of another workspace are unknown here.
  assertNotFound(await c.assignThread({ threadId: created.id, userId: env.otherUserId }), 'userId');
  assertNotFound(await c.assignThread({ threadId: created.id, machineUserId: 'mu_01ARZ3NDEKTSV4RRFFQ69G5FAV' }), 'machineUserId');
  assertNotFound(await c.assignThread({ threadId: created.id, machineUserId: env.workMachineUserId }), 'machineUserId');
  // A user id is no machine user id.
  assertNotFound(await c.assignThread({ threadId: created.id, machineUserId: env.userId }), 'machineUserId');

  assertAssignmentRefused(await c.assignThread({ threadId: created.id, userId: env.userId, machineUserId: env.machineUserId }));
  assertAssignmentRefused(await c.assignThread({ threadId: created.id }));
  assert.deepEqual(await read(created.id), assigned, 'refused assignments change nothing');
});

test('thread mutations report unknown threads and threads of another workspace as not found', async () => {
  const c = sdk();
  // A thread of the work workspace (no required fields yet: this file's
  // required-fields test creates them after its threads).
  const theirs = await createCustomer(sdk(env.workApiKey));
  const foreign = ok(
    await sdk(env.workApiKey).createThread({
      title: 'Not yours',
      customerIdentifier: { customerId: theirs.id },
      components: [{ componentText: { text: 'hello' } }],
    })
  );
  for (const threadId of [unknownIds.thread, foreign.id, 'not-an-id']) {
    assertNotFound(await c.markThreadAsDone({ threadId }), 'threadId');
    assertNotFound(await c.markThreadAsTodo({ threadId }), 'threadId');
    assertNotFound(await c.snoozeThread({ threadId, durationSeconds: 60 }), 'threadId');
    assertNotFound(await c.changeThreadPriority({ threadId, priority: 0 }), 'threadId');
    assertNotFound(await c.assignThread({ threadId, userId: env.userId }), 'threadId');
    assertNotFound(await c.unassignThread({ threadId }), 'threadId');
  }
  assert.deepEqual(ok(await sdk(env.workApiKey).getThread({ threadId: foreign.id })), foreign, 'untouched');
});

test('a mutation whose result the key may not read is refused before writing', async () => {
  const created = await newThread();

  // thread:edit and thread:read, as Plain's docs say, are enough for the
  // mutation, but the SDK's thread selection also reads labels.
  const editor = sdk(env.apiKeyThreadEditRead);
  assertForbidden(await editor.markThreadAsDone({ threadId: created.id }), 'label:read');
  assertForbidden(await editor.markThreadAsTodo({ threadId: created.id }), 'label:read');
  assertForbidden(await editor.snoozeThread({ threadId: created.id, durationSeconds: 60 }), 'label:read');
  assertForbidden(await editor.changeThreadPriority({ threadId: created.id, priority: 0 }), 'label:read');
  assert.deepEqual(await read(created.id), created, 'nothing was written');

  // Without thread:edit the mutation itself is forbidden, whatever it reads.
  const reader = sdk(env.apiKeyNoCustomerRead);
  assertForbidden(await reader.markThreadAsDone({ threadId: created.id }), 'thread:edit');
  assertForbidden(await reader.snoozeThread({ threadId: created.id, durationSeconds: 60 }), 'thread:edit');
  assertForbidden(await reader.changeThreadPriority({ threadId: created.id, priority: 0 }), 'thread:edit');
  assertForbidden(await reader.assignThread({ threadId: created.id, userId: env.userId }), 'thread:assign');
  assertForbidden(await reader.unassignThread({ threadId: created.id }), 'thread:unassign');

  // The assignee may be a User: user:read.
  const assigner = sdk(env.apiKeyAssignNoUserRead);
  assertForbidden(await assigner.assignThread({ threadId: created.id, userId: env.userId }), 'user:read');
  assert.deepEqual(await read(created.id), created, 'nothing was written');

  // addLabels returns labels with their types: labelType:read.
  const lt = await createLabelType(sdk());
  assertForbidden(await sdk(env.apiKeyLabelCreate).addLabels({ threadId: created.id, labelTypeIds: [lt.id] }), 'labelType:read');
  assertForbidden(await sdk(env.apiKeyLabelRead).addLabels({ threadId: created.id, labelTypeIds: [lt.id] }), 'label:create');
  assert.deepEqual(await read(created.id), created, 'no label was added');

  // A selection the editor may read works: its own permissions suffice.
  await sleep(5);
  const data = await gql(
    editor,
    `mutation done($input: MarkThreadAsDoneInput!) {
      markThreadAsDone(input: $input) {
        thread { id status updatedAt { unixTimestamp } updatedBy { __typename ... on MachineUserActor { machineUserId } } }
        error { message type code fields { field message type } }
      }
    }`,
    { input: { threadId: created.id } }
  );
  assert.equal(data.markThreadAsDone.error, null, JSON.stringify(data.markThreadAsDone.error));
  const t = data.markThreadAsDone.thread;
  assert.equal(t.id, created.id);
  assert.equal(t.status, 'DONE');
  assert.equal(t.updatedBy.__typename, 'MachineUserActor');
  assert.notEqual(t.updatedBy.machineUserId, env.machineUserId, "updated by the editor key's machine user");
  const after = await read(created.id);
  assert.equal(after.status, 'DONE');
  assert.deepEqual(after.updatedBy, t.updatedBy);
  assert.equal(ms(after.updatedAt), Number(t.updatedAt.unixTimestamp));
  assert.ok(ms(after.updatedAt) > ms(created.updatedAt));
});

test('every change advances updatedAt and records the key as updatedBy', async () => {
  const c = sdk();
  const lt = await createLabelType(c);
  let prev = await newThread(c);
  const steps = [
    () => c.changeThreadPriority({ threadId: prev.id, priority: 0 }),
    () => c.assignThread({ threadId: prev.id, userId: env.userId }),
    () => c.snoozeThread({ threadId: prev.id, durationSeconds: 600 }),
    () => c.markThreadAsTodo({ threadId: prev.id }),
    () => c.addLabels({ threadId: prev.id, labelTypeIds: [lt.id] }),
    () => c.unassignThread({ threadId: prev.id }),
    () => c.markThreadAsDone({ threadId: prev.id, statusDetail: 'IGNORED' }),
  ];
  for (const [i, step] of steps.entries()) {
    await sleep(5);
    ok(await step());
    const t = await read(prev.id);
    assert.ok(ms(t.updatedAt) > ms(prev.updatedAt), `step ${i} advances updatedAt`);
    assert.deepEqual(t.updatedBy, me(), `step ${i}`);
    assert.deepEqual(t.createdAt, prev.createdAt);
    prev = t;
  }
  assert.equal(prev.status, 'DONE');
  assert.equal(prev.statusDetail.__typename, 'ThreadStatusDetailIgnored');
  assert.equal(prev.priority, 0);
  assert.equal(prev.assignedTo, null);
  assert.deepEqual(
    prev.labels.map((l) => l.labelType.id),
    [lt.id]
  );
});

test('concurrent changes of one thread all apply, one after another', async () => {
  const c = sdk();
  const created = await newThread(c);
  const lt = await createLabelType(c);

  // The same label type added ten times at once: one label.
  const adds = (await Promise.all(Array.from({ length: 10 }, () => c.addLabels({ threadId: created.id, labelTypeIds: [lt.id] })))).map(ok);
  assert.equal(new Set(adds.map((ls) => ls[0].id)).size, 1, 'every call returns the one label');
  assert.deepEqual(
    (await read(created.id)).labels.map((l) => l.id),
    [adds[0][0].id]
  );

  // Priority, assignment and status at once: each lands.
  const results = await Promise.all([
    c.changeThreadPriority({ threadId: created.id, priority: 0 }),
    c.assignThread({ threadId: created.id, userId: env.userId }),
    c.snoozeThread({ threadId: created.id, durationSeconds: 600 }),
  ]);
  results.forEach(ok);
  const t = await read(created.id);
  assert.equal(t.priority, 0);
  assert.equal(t.assignedTo.id, env.userId);
  assert.equal(t.status, 'SNOOZED');
  assert.equal(t.labels.length, 1);
  assert.equal(ms(t.updatedAt), Math.max(...results.map((r) => ms(r.data.updatedAt))), 'updatedAt is the last change');
});

// The work workspace is this file's alone: its required thread fields
// break no other suite's createThread. Threads are created before the
// schemas that would require fields of them.
test('markThreadAsDone requires the required thread fields to be set', async () => {
  const c = sdk(env.workApiKey);
  const cust = await createCustomer(c);
  const input = { title: 'Needs a resolution', customerIdentifier: { customerId: cust.id }, components: [{ componentText: { text: 'x' } }] };
  const plain = ok(await c.createThread(input));
  const labelled = ok(await c.createThread(input));
  const label = await createLabelType(c, `Escalated ${uid()}`);

  await createFieldSchema(c, { key: 'resolution', label: 'Resolution', type: 'STRING', isRequired: true });
  await createFieldSchema(c, {
    key: 'root_cause',
    label: 'Root cause',
    type: 'ENUM',
    enumValues: ['bug', 'config'],
    isRequired: true,
    dependsOnLabelTypeIds: [label.id],
  });
  // An optional field never blocks.
  await createFieldSchema(c, { key: 'notes', label: 'Notes', type: 'STRING' });

  assertValidationError(await c.markThreadAsDone({ threadId: plain.id }), [{ field: 'threadId', type: 'REQUIRED' }]);
  assertValidationError(await c.markThreadAsDone({ threadId: plain.id, statusDetail: 'IGNORED' }), [
    { field: 'threadId', type: 'REQUIRED' },
  ]);
  assert.deepEqual(ok(await c.getThread({ threadId: plain.id })), plain, 'still Todo');
  // Other status changes need no fields.
  ok(await c.snoozeThread({ threadId: plain.id, durationSeconds: 600 }));
  ok(await c.markThreadAsTodo({ threadId: plain.id }));

  const resolution = { identifier: { threadId: plain.id, key: 'resolution' }, type: 'STRING', stringValue: 'Fixed it.' };
  ok(await c.upsertThreadField(resolution));
  const done = ok(await c.markThreadAsDone({ threadId: plain.id }));
  assert.equal(done.status, 'DONE');
  assert.equal(done.statusDetail.__typename, 'ThreadStatusDetailDoneManuallySet');

  // root_cause is required only with the label: both missing, both reported.
  ok(await c.addLabels({ threadId: labelled.id, labelTypeIds: [label.id] }));
  const both = assertValidationError(await c.markThreadAsDone({ threadId: labelled.id }), [
    { field: 'threadId', type: 'REQUIRED' },
    { field: 'threadId', type: 'REQUIRED' },
  ]);
  const messages = both.fields.map((f) => f.message).join(' | ');
  assert.match(messages, /resolution/);
  assert.match(messages, /root_cause/);
  ok(await c.upsertThreadField({ ...resolution, identifier: { threadId: labelled.id, key: 'resolution' } }));
  assertValidationError(await c.markThreadAsDone({ threadId: labelled.id }), [{ field: 'threadId', type: 'REQUIRED' }]);
  ok(await c.upsertThreadField({ identifier: { threadId: labelled.id, key: 'root_cause' }, type: 'ENUM', stringValue: 'config' }));
  assert.equal(ok(await c.markThreadAsDone({ threadId: labelled.id })).status, 'DONE');

  // Deleting a required field's value after the fact does not reopen the
  // thread, but it blocks the next markThreadAsDone.
  ok(await c.markThreadAsTodo({ threadId: labelled.id }));
  assert.equal(ok(await c.deleteThreadField({ identifier: { threadId: labelled.id, key: 'resolution' } })), null);
  assertValidationError(await c.markThreadAsDone({ threadId: labelled.id }), [{ field: 'threadId', type: 'REQUIRED' }]);
  assert.equal(ok(await c.getThread({ threadId: labelled.id })).status, 'TODO');
  assertMutationError(await c.markThreadAsDone({ threadId: unknownIds.thread }), {
    code: 'not_found',
    fields: [{ field: 'threadId', type: 'NOT_FOUND' }],
  });
});
