// getThreads: filters, sort orders and paging. The list workspace is this
// file's alone; each test still scopes its threads by a customer of its own
// (filters.customerIds).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { env, ok } from './env.mjs';
import { assertForbidden, createCustomer, createFieldSchema, createLabelType, gql, ms, sdk, uid, unknownIds } from './helpers.mjs';

const c = () => sdk(env.listApiKey);
const sleep = (n) => new Promise((resolve) => setTimeout(resolve, n));

// The list key's machine user, read from a thread it created.
let machineUserId;

before(async () => {
  await createFieldSchema(c(), { key: 'team', label: 'Team', type: 'STRING', order: 1 });
  await createFieldSchema(c(), { key: 'vip', label: 'VIP', type: 'BOOL', order: 2 });
  await createFieldSchema(c(), { key: 'sort_key', label: 'Sort key', type: 'STRING', order: 3 });
  const cust = await createCustomer(c());
  machineUserId = (await threadsFor(cust, [{}]))[0].createdBy.machineUserId;
});

/**
 * Creates one thread per extra input for the customer, in order, a few
 * milliseconds apart so that their createdAt differ.
 */
async function threadsFor(customer, extras) {
  const out = [];
  for (const [i, extra] of extras.entries()) {
    if (i > 0) {
      await sleep(3);
    }
    out.push(
      ok(
        await c().createThread({
          title: `List ${i} ${uid()}`,
          customerIdentifier: { customerId: customer.id },
          components: [{ componentText: { text: `Thread ${i}` } }],
          ...extra,
        })
      )
    );
  }
  return out;
}

/** The ids of the threads getThreads returns (one page of up to 100). */
async function ids(args, key = env.listApiKey) {
  const data = ok(await sdk(key).getThreads({ first: 100, ...args }));
  assert.equal(data.pageInfo.hasNextPage, false, 'all on one page');
  return data.threads.map((t) => t.id);
}

/** Ids of threads by index, newest first (the default order). */
function newestFirst(threads, ...indexes) {
  return indexes
    .sort((a, b) => b - a)
    .map((i) => threads[i].id);
}

async function expectThreads(customer, filters, want, what = JSON.stringify(filters)) {
  assert.deepEqual(await ids({ filters: { customerIds: [customer.id], ...filters } }), want, what);
}

test('getThreads filters by status, status detail and priority', async () => {
  const x = await createCustomer(c());
  const t = await threadsFor(x, [{ priority: 0 }, { priority: 1 }, { priority: 2 }, { priority: 3 }, { priority: 0 }, { priority: 1 }]);
  ok(await c().markThreadAsDone({ threadId: t[0].id }));
  ok(await c().snoozeThread({ threadId: t[1].id, statusDetail: 'WAITING_FOR_CUSTOMER' }));
  ok(await c().markThreadAsDone({ threadId: t[3].id, statusDetail: 'IGNORED' }));
  ok(await c().snoozeThread({ threadId: t[4].id, durationSeconds: 3600 }));
  ok(await c().markThreadAsTodo({ threadId: t[5].id }));

  const returned = ok(await c().getThreads({ filters: { customerIds: [x.id] } }));
  assert.deepEqual(
    returned.threads.map((th) => th.id),
    newestFirst(t, 0, 1, 2, 3, 4, 5),
    'newest first by default'
  );
  assert.deepEqual(returned.pageInfo.hasNextPage, false);
  assert.deepEqual(returned.pageInfo.hasPreviousPage, false);
  assert.deepEqual(returned.threads[5], ok(await c().getThread({ threadId: t[0].id })), 'whole threads (ThreadParts)');

  const cases = [
    [{ statuses: ['DONE'] }, [0, 3]],
    [{ statuses: ['SNOOZED'] }, [1, 4]],
    [{ statuses: ['TODO'] }, [2, 5]],
    [{ statuses: ['TODO', 'DONE'] }, [0, 2, 3, 5]],
    [{ statusDetails: ['DONE_MANUALLY_SET'] }, [0]],
    [{ statusDetails: ['IGNORED'] }, [3]],
    [{ statusDetails: ['WAITING_FOR_CUSTOMER'] }, [1]],
    [{ statusDetails: ['WAITING_FOR_DURATION'] }, [4]],
    [{ statusDetails: ['CREATED'] }, [2]],
    [{ statusDetails: ['IN_PROGRESS'] }, [5]],
    [{ statusDetails: ['DONE_MANUALLY_SET', 'IGNORED', 'CREATED'] }, [0, 2, 3]],
    [{ statusDetails: ['NEW_REPLY'] }, []],
    [{ priorities: [0] }, [0, 4]],
    [{ priorities: [1, 3] }, [1, 3, 5]],
    [{ priorities: [0, 1, 2, 3] }, [0, 1, 2, 3, 4, 5]],
    // Criteria combine with AND.
    [{ statuses: ['TODO'], priorities: [1] }, [5]],
    [{ statuses: ['DONE'], statusDetails: ['IGNORED'], priorities: [0] }, []],
  ];
  for (const [filters, want] of cases) {
    await expectThreads(x, filters, newestFirst(t, ...want));
  }

  // customerIds takes any of several customers.
  const y = await createCustomer(c());
  const [ty] = await threadsFor(y, [{}]);
  assert.deepEqual(await ids({ filters: { customerIds: [y.id] } }), [ty.id]);
  assert.deepEqual(await ids({ filters: { customerIds: [x.id, y.id, unknownIds.customer] } }), [ty.id, ...newestFirst(t, 0, 1, 2, 3, 4, 5)]);
  assert.deepEqual(await ids({ filters: { customerIds: [unknownIds.customer] } }), []);
});

test('getThreads filters by labels, assignee, refs and thread ids', async () => {
  const x = await createCustomer(c());
  const a = await createLabelType(c());
  const b = await createLabelType(c());
  const t = await threadsFor(x, [
    { labelTypeIds: [a.id], assignedTo: { userId: env.listUserId } },
    { labelTypeIds: [b.id], assignedTo: { userId: env.listUser2Id } },
    { labelTypeIds: [a.id, b.id], assignedTo: { machineUserId } },
    {},
    { labelTypeIds: [a.id] },
  ]);
  ok(await c().assignThread({ threadId: t[4].id, userId: env.listUserId }));
  ok(await c().unassignThread({ threadId: t[4].id }));
  // A label removed no longer matches.
  const c3 = (await threadsFor(x, [{ labelTypeIds: [b.id] }]))[0];
  ok(await c().removeLabels({ labelIds: [c3.labels[0].id] }));

  const cases = [
    [{ labelTypeIds: [a.id] }, [0, 2, 4]],
    [{ labelTypeIds: [b.id] }, [1, 2]],
    [{ labelTypeIds: [a.id, b.id] }, [0, 1, 2, 4]],
    [{ labelTypeIds: [unknownIds.labelType] }, []],
    [{ assignedToUser: [env.listUserId] }, [0]],
    [{ assignedToUser: [env.listUserId, env.listUser2Id] }, [0, 1]],
    [{ assignedToUser: [unknownIds.user] }, []],
    [{ isAssigned: true }, [0, 1, 2]],
    [{ labelTypeIds: [a.id], isAssigned: true }, [0, 2]],
    [{ threadIds: [t[2].id, t[0].id, unknownIds.thread] }, [0, 2]],
    [{ refs: [t[1].ref, t[3].ref, 'T-999999999', 'not-a-ref'] }, [1, 3]],
    [{ refs: [t[1].ref], threadIds: [t[3].id] }, []],
  ];
  for (const [filters, want] of cases) {
    await expectThreads(x, filters, newestFirst(t, ...want));
  }
  await expectThreads(x, { isAssigned: false }, [c3.id, ...newestFirst(t, 3, 4)]);
  await expectThreads(x, { labelTypeIds: [b.id] }, newestFirst(t, 1, 2), 'a removed label no longer matches');
});

test('getThreads filters by createdAt, updatedAt and statusChangedAt ranges', async () => {
  const x = await createCustomer(c());
  const early = await threadsFor(x, [{}, {}]);
  await sleep(20);
  const m1 = new Date().toISOString();
  await sleep(20);
  const late = await threadsFor(x, [{}, {}]);
  const t = [...early, ...late];
  await sleep(20);
  const m2 = new Date().toISOString();
  await sleep(20);
  ok(await c().changeThreadPriority({ threadId: t[0].id, priority: 0 }));
  ok(await c().markThreadAsDone({ threadId: t[1].id }));
  for (const th of t) {
    assert.ok(ms(th.createdAt) !== Date.parse(m1) && ms(th.createdAt) !== Date.parse(m2));
  }

  const cases = [
    [{ createdAt: { after: m1 } }, [2, 3]],
    [{ createdAt: { before: m1 } }, [0, 1]],
    [{ createdAt: { after: m1, before: m2 } }, [2, 3]],
    [{ createdAt: { after: m2 } }, []],
    [{ createdAt: { before: m2 } }, [0, 1, 2, 3]],
    [{ updatedAt: { after: m2 } }, [0, 1]],
    [{ updatedAt: { before: m2 } }, [2, 3]],
    [{ updatedAt: { after: m1, before: m2 } }, [2, 3]],
    [{ statusChangedAt: { after: m2 } }, [1]],
    [{ statusChangedAt: { before: m2 } }, [0, 2, 3]],
    [{ createdAt: { before: m1 }, updatedAt: { after: m2 } }, [0, 1]],
  ];
  for (const [filters, want] of cases) {
    await expectThreads(x, filters, newestFirst(t, ...want));
  }
  // Any ISO 8601 form of the instant.
  const offset = new Date(Date.parse(m1)).toISOString().replace('Z', '+00:00');
  await expectThreads(x, { createdAt: { after: offset } }, newestFirst(t, 2, 3));
});

test('getThreads filters by thread field values', async () => {
  const x = await createCustomer(c());
  const team = (v) => ({ key: 'team', type: 'STRING', stringValue: v });
  const vip = (v) => ({ key: 'vip', type: 'BOOL', booleanValue: v });
  const t = await threadsFor(x, [
    { threadFields: [team('billing'), vip(true)] },
    { threadFields: [team('billing'), vip(false)] },
    { threadFields: [team('api')] },
    {},
  ]);
  const cases = [
    [[{ key: 'team', stringValue: 'billing' }], [0, 1]],
    [[{ key: 'team', stringValue: 'api' }], [2]],
    [[{ key: 'team', stringValue: 'Billing' }], []],
    [[{ key: 'vip', booleanValue: true }], [0]],
    [[{ key: 'vip', booleanValue: false }], [1]],
    [[{ key: 'team', stringValue: 'billing' }, { key: 'vip', booleanValue: true }], [0]],
    [[{ key: 'team', stringValue: 'api' }, { key: 'vip', booleanValue: true }], []],
    // The value of another field does not match.
    [[{ key: 'sort_key', stringValue: 'billing' }], []],
  ];
  for (const [threadFields, want] of cases) {
    await expectThreads(x, { threadFields }, newestFirst(t, ...want));
  }
  await expectThreads(x, { not: { threadFields: [{ key: 'team', stringValue: 'billing' }] } }, newestFirst(t, 2, 3));

  // Filters follow changes of the values.
  ok(await c().upsertThreadField({ identifier: { threadId: t[2].id, key: 'team' }, type: 'STRING', stringValue: 'billing' }));
  ok(await c().deleteThreadField({ identifier: { threadId: t[0].id, key: 'team' } }));
  await expectThreads(x, { threadFields: [{ key: 'team', stringValue: 'billing' }] }, newestFirst(t, 1, 2));
});

test('getThreads combines filters with and, or and not', async () => {
  const x = await createCustomer(c());
  const a = await createLabelType(c());
  const t = await threadsFor(x, [
    { priority: 0, labelTypeIds: [a.id] },
    { priority: 1 },
    { priority: 2, labelTypeIds: [a.id] },
    { priority: 3 },
    { priority: 1 },
  ]);
  ok(await c().markThreadAsDone({ threadId: t[1].id }));
  ok(await c().snoozeThread({ threadId: t[3].id, statusDetail: 'WAITING_FOR_CUSTOMER' }));

  const cases = [
    [{ or: [{ priorities: [0] }, { statuses: ['DONE'] }] }, [0, 1]],
    [{ and: [{ priorities: [1, 2] }, { statuses: ['TODO'] }] }, [2, 4]],
    [{ and: [{ priorities: [1, 2] }, { priorities: [2, 3] }] }, [2]],
    [{ not: { statuses: ['TODO'] } }, [1, 3]],
    [{ priorities: [0, 1, 2], not: { labelTypeIds: [a.id] } }, [1, 4]],
    [{ or: [{ and: [{ statuses: ['TODO'] }, { labelTypeIds: [a.id] }] }, { not: { priorities: [0, 1, 2] } }] }, [0, 2, 3]],
    [{ not: { or: [{ priorities: [1] }, { statuses: ['SNOOZED'] }] } }, [0, 2]],
    [{ not: { not: { priorities: [1] } } }, [1, 4]],
    [{ and: [{ or: [{ priorities: [0] }, { priorities: [1] }] }, { or: [{ statuses: ['DONE'] }, { labelTypeIds: [a.id] }] }] }, [0, 1]],
  ];
  for (const [filters, want] of cases) {
    await expectThreads(x, filters, newestFirst(t, ...want));
  }
  // The outer customer filter applies inside or: another customer's
  // threads never leak in.
  const y = await createCustomer(c());
  await threadsFor(y, [{ priority: 0 }]);
  await expectThreads(x, { or: [{ priorities: [0] }, { customerIds: [y.id] }] }, newestFirst(t, 0));
});

test('getThreads filters naming tenants the workspace does not have match nothing, alone or combined', async () => {
  const x = await createCustomer(c());
  const t = await threadsFor(x, [{ priority: 3 }, { priority: 1 }]);
  const tenants = [{ externalId: 'acme' }]; // no tenant of this workspace has it (accounts.test.mjs has tenants)
  await expectThreads(x, { tenantIdentifiers: tenants }, []);
  await expectThreads(x, { tenantIdentifiers: [{ tenantId: 'te_01ARZ3NDEKTSV4RRFFQ69G5FAV' }] }, []);
  assert.deepEqual(await ids({ filters: { tenantIdentifiers: tenants } }), [], 'in the whole workspace');
  await expectThreads(x, { or: [{ tenantIdentifiers: tenants }, { priorities: [3] }] }, newestFirst(t, 0));
  await expectThreads(x, { not: { tenantIdentifiers: tenants } }, newestFirst(t, 0, 1));
  await expectThreads(x, { priorities: [1], and: [{ not: { tenantIdentifiers: tenants } }] }, newestFirst(t, 1));
});

test('getThreads sorts by creation, priority, status change and thread field', async () => {
  const x = await createCustomer(c());
  const keys = ['delta', 'bravo', 'echo', 'alpha', 'charlie'];
  const priorities = [2, 0, 3, 1, 2];
  const t = await threadsFor(
    x,
    keys.map((k, i) => ({ priority: priorities[i], threadFields: [{ key: 'sort_key', type: 'STRING', stringValue: k }] }))
  );
  // Status changes, in the order 2, 0, 3.
  for (const i of [2, 0, 3]) {
    await sleep(5);
    ok(i === 0 ? await c().snoozeThread({ threadId: t[i].id, durationSeconds: 600 }) : await c().markThreadAsDone({ threadId: t[i].id }));
  }
  const filters = { customerIds: [x.id] };
  const byIndex = (...is) => is.map((i) => t[i].id);
  const sorted = async (field, direction, extra = {}) => ids({ filters, sortBy: { field, direction, ...extra } });

  assert.deepEqual(await ids({ filters }), byIndex(4, 3, 2, 1, 0), 'default: newest first');
  assert.deepEqual(await sorted('CREATED_AT', 'DESC'), byIndex(4, 3, 2, 1, 0));
  assert.deepEqual(await sorted('CREATED_AT', 'ASC'), byIndex(0, 1, 2, 3, 4));
  assert.deepEqual(await sorted('STATUS_CHANGED_AT', 'ASC'), byIndex(1, 4, 2, 0, 3));
  assert.deepEqual(await sorted('STATUS_CHANGED_AT', 'DESC'), byIndex(3, 0, 2, 4, 1));
  assert.deepEqual(await sorted('THREAD_FIELD', 'ASC', { threadFieldKey: 'sort_key' }), byIndex(3, 1, 4, 0, 2));
  assert.deepEqual(await sorted('THREAD_FIELD', 'DESC', { threadFieldKey: 'sort_key' }), byIndex(2, 0, 4, 1, 3));

  // Priority: 0 (urgent) first ascending; threads 0 and 4 share priority 2.
  const asc = await sorted('PRIORITY', 'ASC');
  assert.deepEqual(asc.slice(0, 2), byIndex(1, 3));
  assert.deepEqual(new Set(asc.slice(2, 4)), new Set(byIndex(0, 4)));
  assert.deepEqual(asc[4], t[2].id);
  const desc = await sorted('PRIORITY', 'DESC');
  assert.deepEqual(desc[0], t[2].id);
  assert.deepEqual(new Set(desc.slice(1, 3)), new Set(byIndex(0, 4)));
  assert.deepEqual(desc.slice(3), byIndex(3, 1));

  // A thread without the field still appears, in a stable place.
  const [bare] = await threadsFor(x, [{ priority: 2 }]);
  const withBare = await sorted('THREAD_FIELD', 'ASC', { threadFieldKey: 'sort_key' });
  assert.equal(withBare.length, 6);
  assert.deepEqual(
    withBare.filter((id) => id !== bare.id),
    byIndex(3, 1, 4, 0, 2)
  );
});

/** Every thread matching args, page by page; forward or backward. */
async function walk(args, size, backward = false) {
  const pages = [];
  let cursor;
  for (let i = 0; i < 100; i++) {
    const pageArgs = backward ? { last: size, ...(cursor ? { before: cursor } : {}) } : { first: size, ...(cursor ? { after: cursor } : {}) };
    const page = ok(await c().getThreads({ ...args, ...pageArgs }));
    const pageIds = page.threads.map((th) => th.id);
    if (pageIds.length > 0) {
      assert.equal(page.pageInfo.startCursor === null, false);
      assert.equal(page.pageInfo.endCursor === null, false);
    }
    if (backward) {
      pages.unshift(pageIds);
      assert.equal(page.pageInfo.hasNextPage, cursor !== undefined, 'hasNextPage of a backward page');
      if (!page.pageInfo.hasPreviousPage) {
        return pages;
      }
      cursor = page.pageInfo.startCursor;
    } else {
      pages.push(pageIds);
      assert.equal(page.pageInfo.hasPreviousPage, cursor !== undefined, 'hasPreviousPage of a forward page');
      if (!page.pageInfo.hasNextPage) {
        return pages;
      }
      cursor = page.pageInfo.endCursor;
    }
    assert.equal(pageIds.length, size, 'a page with more after it is full');
  }
  throw new Error('paging did not end');
}

test('getThreads pages forward and backward without gaps or repeats', async () => {
  const x = await createCustomer(c());
  const n = 26;
  const t = await threadsFor(
    x,
    Array.from({ length: n }, (_, i) => ({
      priority: i % 4,
      threadFields: [
        { key: 'sort_key', type: 'STRING', stringValue: `v${i % 5}` },
        ...(i % 3 === 0 ? [] : [{ key: 'vip', type: 'BOOL', booleanValue: i % 3 === 1 }]),
      ],
    }))
  );
  const filters = { customerIds: [x.id] };
  const all = t.map((th) => th.id).reverse();

  // The default page is 25.
  const def = ok(await c().getThreads({ filters }));
  assert.deepEqual(
    def.threads.map((th) => th.id),
    all.slice(0, 25)
  );
  assert.equal(def.pageInfo.hasNextPage, true);
  assert.equal(def.pageInfo.hasPreviousPage, false);
  assert.deepEqual(await ids({ filters }), all);
  const counted = await gql(c(), 'query q($filters: ThreadsFilter) { threads(filters: $filters, first: 3) { totalCount edges { cursor } } }', {
    filters,
  });
  assert.equal(counted.threads.totalCount, n);
  assert.equal(counted.threads.edges.length, 3);

  const forward = await walk({ filters }, 6);
  assert.deepEqual(
    forward.map((p) => p.length),
    [6, 6, 6, 6, 2]
  );
  assert.deepEqual(forward.flat(), all, 'forward: every thread once, in order');
  const backward = await walk({ filters }, 6, true);
  assert.deepEqual(
    backward.map((p) => p.length),
    [2, 6, 6, 6, 6]
  );
  assert.deepEqual(backward.flat(), all, 'backward: every thread once, in order');

  // A forward page's cursors work backward, and the other way round.
  const p1 = ok(await c().getThreads({ filters, first: 7 }));
  const p2 = ok(await c().getThreads({ filters, first: 7, after: p1.pageInfo.endCursor }));
  assert.deepEqual(
    p2.threads.map((th) => th.id),
    all.slice(7, 14)
  );
  const prev = ok(await c().getThreads({ filters, last: 7, before: p2.pageInfo.startCursor }));
  assert.deepEqual(prev.threads, p1.threads);
  assert.equal(prev.pageInfo.hasPreviousPage, false);
  assert.equal(prev.pageInfo.hasNextPage, true);
  const tail = ok(await c().getThreads({ filters, last: 10 }));
  assert.deepEqual(
    tail.threads.map((th) => th.id),
    all.slice(16)
  );
  const next = ok(await c().getThreads({ filters, first: 4, after: tail.pageInfo.startCursor }));
  assert.deepEqual(
    next.threads.map((th) => th.id),
    all.slice(17, 21)
  );

  // Sorts with ties page consistently with one page of them all.
  const value = (th) => th.threadFields.find((f) => f.key === 'sort_key').stringValue;
  const sorts = [
    [{ field: 'CREATED_AT', direction: 'ASC' }, (a, b) => ms(a.createdAt) - ms(b.createdAt)],
    [{ field: 'PRIORITY', direction: 'ASC' }, (a, b) => a.priority - b.priority],
    [{ field: 'PRIORITY', direction: 'DESC' }, (a, b) => b.priority - a.priority],
    [{ field: 'STATUS_CHANGED_AT', direction: 'DESC' }, (a, b) => ms(b.statusChangedAt) - ms(a.statusChangedAt)],
    [{ field: 'THREAD_FIELD', direction: 'ASC', threadFieldKey: 'sort_key' }, (a, b) => value(a).localeCompare(value(b))],
    [{ field: 'THREAD_FIELD', direction: 'DESC', threadFieldKey: 'sort_key' }, (a, b) => value(b).localeCompare(value(a))],
    // vip is set on some threads only (true, false or nothing): those
    // without it sort together at one end.
    [{ field: 'THREAD_FIELD', direction: 'ASC', threadFieldKey: 'vip' }, null],
    [{ field: 'THREAD_FIELD', direction: 'DESC', threadFieldKey: 'vip' }, null],
  ];
  for (const [sortBy, cmp] of sorts) {
    const one = ok(await c().getThreads({ filters, sortBy, first: 100 })).threads;
    assert.equal(one.length, n);
    assert.deepEqual(new Set(one.map((th) => th.id)), new Set(all));
    if (cmp) {
      for (let i = 1; i < one.length; i++) {
        assert.ok(cmp(one[i - 1], one[i]) <= 0, `${JSON.stringify(sortBy)}: in order at ${i}`);
      }
    } else {
      // Runs of equal values: unset, false and true each in one run, false before true ascending.
      const vals = one.map((th) => th.threadFields.find((f) => f.key === 'vip')?.booleanValue ?? 'unset');
      const runs = vals.filter((v, i) => i === 0 || v !== vals[i - 1]);
      assert.equal(runs.length, 3, `${JSON.stringify(sortBy)}: ${JSON.stringify(vals)}`);
      const bools = runs.filter((v) => v !== 'unset');
      assert.deepEqual(bools, sortBy.direction === 'ASC' ? [false, true] : [true, false]);
    }
    const reference = one.map((th) => th.id);
    for (const size of [4, 5]) {
      assert.deepEqual((await walk({ filters, sortBy }, size)).flat(), reference, `${JSON.stringify(sortBy)} forward by ${size}`);
      assert.deepEqual((await walk({ filters, sortBy }, size, true)).flat(), reference, `${JSON.stringify(sortBy)} backward by ${size}`);
    }
  }
});

test('getThreads rejects bad arguments with bad_request', async () => {
  const cursor = ok(await c().getThreads({ first: 1 })).pageInfo.endCursor;
  assert.equal(typeof cursor, 'string');
  for (const args of [
    { first: 101 },
    { last: 101 },
    { first: 0 },
    { first: -1 },
    { first: 1, last: 1 },
    { first: 1, after: 'not a cursor' },
    { last: 1, after: cursor },
    { filters: { priorities: [7] } },
    { filters: { createdAt: { after: 'yesterday' } } },
    { filters: { statusChangedAt: { before: '2024-13-45' } } },
    { sortBy: { field: 'THREAD_FIELD', direction: 'ASC' } },
    { sortBy: { field: 'THREAD_FIELD', direction: 'ASC', threadFieldKey: `no_such_field_${uid()}` } },
  ]) {
    const result = await c().getThreads(args);
    assert.equal(result.error?.type, 'bad_request', `${JSON.stringify(args)}: ${JSON.stringify(result)}`);
    assert.equal(result.error.graphqlErrors.length, 1, JSON.stringify(result.error));
    assert.equal(result.error.graphqlErrors[0].extensions.code, 'BAD_USER_INPUT');
  }
  // 100 is the most a page may hold.
  assert.ok(ok(await c().getThreads({ first: 100 })).threads.length <= 100);
  assert.ok(ok(await c().getThreads({ last: 100 })).threads.length <= 100);
});

test('getThreads sees only the key\'s workspace and needs thread:read', async () => {
  const x = await createCustomer(c());
  const [mine] = await threadsFor(x, [{}]);
  assert.deepEqual(await ids({ filters: { customerIds: [x.id] } }, env.apiKey), []);
  assert.deepEqual(await ids({ filters: { threadIds: [mine.id] } }, env.apiKey), []);
  assert.deepEqual(await ids({ filters: { threadIds: [mine.id] } }), [mine.id]);
  assertForbidden(await sdk(env.apiKeyLabelCreate).getThreads({}), 'thread:read');
});
