import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertDateTime, env, ok, ulid } from './env.mjs';
import {
  allPages,
  assertForbidden,
  assertNotFound,
  assertValidationError,
  createLabelType,
  gql,
  ms,
  sdk,
  uid,
  unknownIds,
} from './helpers.mjs';

const labelTypeIdRe = new RegExp(`^lt_${ulid}$`);
const me = () => ({ __typename: 'MachineUserActor', machineUserId: env.machineUserId });

/** Asserts every LabelTypeParts field of a label type the main key created. */
function assertLabelType(lt, { name, icon = null, archived = false }) {
  assert.equal(lt.__typename, 'LabelType');
  assert.match(lt.id, labelTypeIdRe);
  assert.equal(lt.name, name);
  assert.equal(lt.icon, icon);
  assert.equal(lt.isArchived, archived);
  if (archived) {
    assertDateTime(lt.archivedAt);
    assert.deepEqual(lt.archivedBy, me());
  } else {
    assert.equal(lt.archivedAt, null);
    assert.equal(lt.archivedBy, null);
  }
  assertDateTime(lt.createdAt);
  assertDateTime(lt.updatedAt);
  assert.ok(ms(lt.updatedAt) >= ms(lt.createdAt));
  assert.deepEqual(lt.createdBy, me());
  assert.deepEqual(lt.updatedBy, me());
}

const unarchiveMutation = `mutation unarchiveLabelType($input: UnarchiveLabelTypeInput!) {
  unarchiveLabelType(input: $input) {
    labelType { id isArchived archivedAt { iso8601 unixTimestamp } archivedBy { __typename } updatedAt { unixTimestamp } }
    error { __typename message type code fields { field message type } }
  }
}`;

const archiveMutation = `mutation archiveLabelType($input: ArchiveLabelTypeInput!) {
  archiveLabelType(input: $input) {
    labelType { id }
    error { __typename message type code fields { field message type } }
  }
}`;

/** Every label type of the workspace, read in pages of pageSize. */
async function listLabelTypes(c, filters, pageSize = 2) {
  return allPages(async (after) => {
    const vars = { first: pageSize };
    if (after) {
      vars.after = after;
    }
    if (filters) {
      vars.filters = filters;
    }
    const data = ok(await c.getLabelTypes(vars));
    assert.ok(data.labelTypes.length <= pageSize);
    return { items: data.labelTypes, pageInfo: data.pageInfo };
  });
}

test('createLabelType returns the new label type', async () => {
  const c = sdk();
  const name = `Bug ${uid()}`;
  const before = Date.now();
  const lt = await createLabelType(c, name, '🐛');
  assertLabelType(lt, { name, icon: '🐛' });
  assert.equal(ms(lt.createdAt), ms(lt.updatedAt));
  assert.ok(ms(lt.createdAt) >= before - 1000 && ms(lt.createdAt) <= Date.now() + 1000, 'createdAt is now');
  assert.deepEqual(ok(await c.getLabelType({ labelTypeId: lt.id })), lt);

  const plain = await createLabelType(c, `  Feature request ${uid()}  `);
  assertLabelType(plain, { name: plain.name.trim() });
  assert.equal(plain.name, plain.name.trim(), 'the name is trimmed');
  assert.equal(plain.icon, null);
});

test('createLabelType validates the name', async () => {
  const c = sdk();
  assertValidationError(await c.createLabelType({ name: '' }), [{ field: 'name', type: 'REQUIRED' }]);
  assertValidationError(await c.createLabelType({ name: '   ' }), [{ field: 'name', type: 'REQUIRED' }]);
  assertValidationError(await c.createLabelType({ name: 'x'.repeat(501) }), [{ field: 'name', type: 'VALIDATION' }]);
});

test('getLabelType of an unknown id returns null', async () => {
  const c = sdk();
  assert.equal(ok(await c.getLabelType({ labelTypeId: unknownIds.labelType })), null);
  assert.equal(ok(await c.getLabelType({ labelTypeId: 'not-an-id' })), null);
});

test('archiveLabelType archives, and unarchiveLabelType restores', async () => {
  const c = sdk();
  const name = `Archivable ${uid()}`;
  const lt = await createLabelType(c, name, '📦');

  const archived = ok(await c.archiveLabelType({ labelTypeId: lt.id }));
  assertLabelType(archived, { name, icon: '📦', archived: true });
  assert.equal(archived.id, lt.id);
  assert.deepEqual(archived.createdAt, lt.createdAt);
  assert.ok(ms(archived.archivedAt) >= ms(lt.createdAt));
  assert.equal(ms(archived.updatedAt), ms(archived.archivedAt), 'archiving updates the label type');
  assert.deepEqual(ok(await c.getLabelType({ labelTypeId: lt.id })), archived);

  // Archiving again changes nothing.
  const again = ok(await c.archiveLabelType({ labelTypeId: lt.id }));
  assert.deepEqual(again, archived);

  // unarchiveLabelType is not an SDK method.
  const data = await gql(c, unarchiveMutation, { input: { labelTypeId: lt.id } });
  assert.equal(data.unarchiveLabelType.error, null);
  const un = data.unarchiveLabelType.labelType;
  assert.equal(un.id, lt.id);
  assert.equal(un.isArchived, false);
  assert.equal(un.archivedAt, null);
  assert.equal(un.archivedBy, null);
  assert.ok(Number(un.updatedAt.unixTimestamp) >= ms(archived.updatedAt));
  const read = ok(await c.getLabelType({ labelTypeId: lt.id }));
  assertLabelType(read, { name, icon: '📦' });

  // Unarchiving an active label type changes nothing.
  const twice = await gql(c, unarchiveMutation, { input: { labelTypeId: lt.id } });
  assert.equal(twice.unarchiveLabelType.error, null);
  assert.deepEqual(ok(await c.getLabelType({ labelTypeId: lt.id })), read);
});

test('archiving or unarchiving an unknown label type is not_found', async () => {
  const c = sdk();
  // With __typename selected, rawRequest turns Plain's MutationError into
  // the SDK's mutation_error.
  for (const query of [archiveMutation, unarchiveMutation]) {
    assertNotFound(await c.rawRequest({ query, variables: { input: { labelTypeId: unknownIds.labelType } } }), 'labelTypeId');
  }
  // The SDK's archiveLabelType selects only error { message }, so it cannot
  // recognise the error: it throws instead of returning it.
  await assert.rejects(c.archiveLabelType({ labelTypeId: unknownIds.labelType }), /non nullable/);
});

test('getLabelTypes filters by isArchived and pages without gaps', async () => {
  const c = sdk();
  const active = await createLabelType(c, `Active ${uid()}`);
  const archived = ok(await c.archiveLabelType({ labelTypeId: (await createLabelType(c, `Archived ${uid()}`)).id }));
  assert.equal(archived.isArchived, true);

  const all = await listLabelTypes(c);
  const allIds = all.map((x) => x.id);
  assert.equal(new Set(allIds).size, allIds.length, 'no duplicates across pages');
  assert.deepEqual([...allIds].sort(), allIds, 'label types come in creation (id) order');
  assert.deepEqual(
    all.find((x) => x.id === active.id),
    active
  );
  assert.deepEqual(
    all.find((x) => x.id === archived.id),
    archived
  );

  const activeOnly = await listLabelTypes(c, { isArchived: false }, 3);
  assert.ok(activeOnly.every((x) => x.isArchived === false));
  assert.ok(activeOnly.some((x) => x.id === active.id));
  assert.ok(!activeOnly.some((x) => x.id === archived.id));

  const archivedOnly = await listLabelTypes(c, { isArchived: true }, 3);
  assert.ok(archivedOnly.every((x) => x.isArchived === true));
  assert.ok(archivedOnly.some((x) => x.id === archived.id));
  assert.ok(!archivedOnly.some((x) => x.id === active.id));

  // A page, and the page before the next one, are the same.
  const first = ok(await c.getLabelTypes({ first: 2 }));
  assert.equal(first.pageInfo.hasPreviousPage, false);
  assert.equal(first.pageInfo.hasNextPage, true);
  const second = ok(await c.getLabelTypes({ first: 2, after: first.pageInfo.endCursor }));
  assert.equal(second.pageInfo.hasPreviousPage, true);
  const back = ok(await c.getLabelTypes({ last: 2, before: second.pageInfo.startCursor }));
  assert.deepEqual(back.labelTypes, first.labelTypes);
  assert.equal(back.pageInfo.hasPreviousPage, false);
  assert.equal(back.pageInfo.hasNextPage, true);

  const bad = await c.getLabelTypes({ first: 101 });
  assert.equal(bad.error?.type, 'bad_request', JSON.stringify(bad));
  assert.equal(bad.error.graphqlErrors[0].extensions.code, 'BAD_USER_INPUT');
});

test('label type operations need their permissions', async () => {
  const lt = await createLabelType(sdk());
  const c = sdk(env.apiKeyThreadCreateRead);
  assertForbidden(await c.getLabelType({ labelTypeId: lt.id }), 'labelType:read');
  assertForbidden(await c.getLabelTypes({ first: 1 }), 'labelType:read');
  assertForbidden(await c.createLabelType({ name: `Forbidden ${uid()}` }), 'labelType:create');
  assertForbidden(await c.rawRequest({ query: archiveMutation, variables: { input: { labelTypeId: lt.id } } }), 'labelType:edit');
  assertForbidden(await c.rawRequest({ query: unarchiveMutation, variables: { input: { labelTypeId: lt.id } } }), 'labelType:edit');
  assert.equal(ok(await sdk().getLabelType({ labelTypeId: lt.id })).isArchived, false, 'not archived');
});
