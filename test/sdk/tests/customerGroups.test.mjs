// Customer groups through Plain's SDK, in a workspace of their own; the
// group mutations the SDK lacks through raw GraphQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertDateTime, env, ok, ulid } from './env.mjs';
import { allPages, assertForbidden, assertMutationError, assertNotFound, createCustomer, gql, sdk, uid, unknownIds } from './helpers.mjs';

const c = () => sdk(env.groupsApiKey);
const errorParts = 'error { __typename message type code fields { field message type } }';
const groupFields = 'id name key color externalId';
const unknownGroup = 'cg_01ARZ3NDEKTSV4RRFFQ69G5FAV';
const m = {
  create: `mutation c($input: CreateCustomerGroupInput!) { createCustomerGroup(input: $input) { customerGroup { ${groupFields} } ${errorParts} } }`,
  upsert: `mutation u($input: UpsertCustomerGroupInput!) { upsertCustomerGroup(input: $input) { result customerGroup { ${groupFields} } ${errorParts} } }`,
  update: `mutation u($input: UpdateCustomerGroupInput!) { updateCustomerGroup(input: $input) { customerGroup { ${groupFields} } ${errorParts} } }`,
  delete: `mutation d($input: DeleteCustomerGroupInput!) { deleteCustomerGroup(input: $input) { ${errorParts} } }`,
};

async function createGroup(client, input = {}) {
  const key = `g-${uid()}`;
  const data = await gql(client, m.create, { input: { name: `Group ${key}`, key, color: '#ff0000', ...input } });
  return data.createCustomerGroup.customerGroup;
}

test('createCustomerGroup, upsertCustomerGroup and updateCustomerGroup; customerGroup and customerGroups read them', async () => {
  const ext = `ext-${uid()}`;
  const g = await createGroup(c(), { name: 'VIP', externalId: ext });
  assert.match(g.id, new RegExp(`^cg_${ulid}$`));
  assert.deepEqual(ok(await c().getCustomerGroupById({ customerGroupId: g.id })), { __typename: 'CustomerGroup', id: g.id, name: 'VIP', key: g.key, color: '#ff0000' });
  assert.equal(ok(await c().getCustomerGroupById({ customerGroupId: unknownGroup })), null);

  const dupKey = await c().rawRequest({ query: m.create, variables: { input: { name: 'X', key: g.key, color: '#000000' } } });
  assertMutationError(dupKey, { code: 'customer_group_key_already_exists', fields: [{ field: 'key', type: 'VALIDATION' }] });
  const bad = await c().rawRequest({ query: m.create, variables: { input: { name: ' ', key: 'not a key', color: 'red' } } });
  assertMutationError(bad, {
    code: 'input_validation',
    fields: [
      { field: 'name', type: 'REQUIRED' },
      { field: 'key', type: 'VALIDATION' },
      { field: 'color', type: 'VALIDATION' },
    ],
  });

  // Upsert: by key the existing group is updated, a new key creates one.
  const same = await gql(c(), m.upsert, { input: { identifier: { customerGroupKey: g.key }, name: 'VIP', key: g.key, color: '#ff0000', externalId: ext } });
  assert.equal(same.upsertCustomerGroup.result, 'NOOP');
  const renamed = await gql(c(), m.upsert, { input: { identifier: { externalId: ext }, name: 'VIPs', key: g.key, color: '#00ff00', externalId: ext } });
  assert.equal(renamed.upsertCustomerGroup.result, 'UPDATED');
  assert.equal(renamed.upsertCustomerGroup.customerGroup.id, g.id);
  const fresh = `new-${uid()}`;
  const created = await gql(c(), m.upsert, { input: { identifier: { customerGroupKey: fresh }, name: 'New', key: fresh, color: '#0000ff' } });
  assert.equal(created.upsertCustomerGroup.result, 'CREATED');
  assertNotFound(
    await c().rawRequest({ query: m.upsert, variables: { input: { identifier: { customerGroupId: unknownGroup }, name: 'X', key: 'x', color: '#000000' } } }),
    'identifier.customerGroupId'
  );

  const up = await gql(c(), m.update, { input: { customerGroupId: g.id, name: { value: 'Very important' }, externalId: { value: null } } });
  assert.deepEqual(up.updateCustomerGroup.customerGroup, { id: g.id, name: 'Very important', key: g.key, color: '#00ff00', externalId: null });
  assertNotFound(await c().rawRequest({ query: m.update, variables: { input: { customerGroupId: unknownGroup } } }), 'customerGroupId');

  const all = await allPages(async (after) => {
    const d = ok(await c().getCustomerGroups({ first: 1, after }));
    assert.ok(d.customerGroups.length <= 1);
    return { items: d.customerGroups, pageInfo: d.pageInfo };
  });
  assert.ok([g.id, created.upsertCustomerGroup.customerGroup.id].every((id) => all.some((x) => x.id === id)));
});

test('customers join and leave groups; their memberships read back', async () => {
  const [a, b] = [await createGroup(c(), { externalId: `xa-${uid()}` }), await createGroup(c())];
  const cust = await createCustomer(c());
  const added = ok(await c().addCustomerToCustomerGroups({ customerId: cust.id, customerGroupIdentifiers: [{ customerGroupId: a.id }, { customerGroupKey: b.key }] }));
  assert.deepEqual(added.map((x) => x.customerGroup.id).sort(), [a.id, b.id].sort());
  assert.equal(added[0].__typename, 'CustomerGroupMembership');
  assert.equal(added[0].customerId, cust.id);
  assertDateTime(added[0].createdAt);
  assert.equal(added[0].createdBy.__typename, 'MachineUserActor');
  // Memberships that exist are kept; only new ones are returned.
  assert.deepEqual(ok(await c().addCustomerToCustomerGroups({ customerId: cust.id, customerGroupIdentifiers: [{ customerGroupId: a.id }] })), []);

  const read = ok(await c().getCustomerCustomerGroupMemberships({ customerId: cust.id, first: 1 }));
  assert.equal(read.customerGroupMemberships.length, 1);
  assert.equal(read.pageInfo.hasNextPage, true);
  const byExt = ok(await c().getCustomerCustomerGroupMemberships({ customerId: cust.id, filters: { customerGroupExternalIds: [a.externalId] } }));
  assert.deepEqual(byExt.customerGroupMemberships.map((x) => x.customerGroup.id), [a.id]);
  assert.deepEqual(ok(await c().getCustomerCustomerGroupMemberships({ customerId: unknownIds.customer })), { customerGroupMemberships: [], pageInfo: null });

  assert.equal(ok(await c().removeCustomerFromCustomerGroups({ customerId: cust.id, customerGroupIdentifiers: [{ customerGroupKey: a.key }] })), null);
  const left = ok(await c().getCustomerCustomerGroupMemberships({ customerId: cust.id }));
  assert.deepEqual(left.customerGroupMemberships.map((x) => x.customerGroup.id), [b.id]);
  // Removing from groups the customer is not in is an error.
  assertMutationError(await c().removeCustomerFromCustomerGroups({ customerId: cust.id, customerGroupIdentifiers: [{ customerGroupId: a.id }] }), {
    code: 'customer_not_member_of_customer_group',
    fields: [{ field: 'customerGroupIdentifiers', type: 'VALIDATION' }],
  });

  assertNotFound(await c().addCustomerToCustomerGroups({ customerId: unknownIds.customer, customerGroupIdentifiers: [{ customerGroupId: a.id }] }), 'customerId');
  assertNotFound(
    await c().addCustomerToCustomerGroups({ customerId: cust.id, customerGroupIdentifiers: [{ customerGroupId: a.id }, { customerGroupKey: `none-${uid()}` }] }),
    'customerGroupIdentifiers.1.customerGroupKey'
  );
  const tooMany = Array.from({ length: 26 }, () => ({ customerGroupKey: b.key }));
  assertMutationError(await c().addCustomerToCustomerGroups({ customerId: cust.id, customerGroupIdentifiers: tooMany }), {
    code: 'input_validation',
    fields: [{ field: 'customerGroupIdentifiers', type: 'VALIDATION' }],
  });

  // Deleting a group ends its memberships.
  await gql(c(), m.delete, { input: { customerGroupId: b.id } });
  assert.deepEqual(ok(await c().getCustomerCustomerGroupMemberships({ customerId: cust.id })).customerGroupMemberships, []);
  assertNotFound(await c().rawRequest({ query: m.delete, variables: { input: { customerGroupId: b.id } } }), 'customerGroupId');
});

test('customer group operations need their permissions; another workspace\'s groups are out of reach', async () => {
  const g = await createGroup(c());
  const cust = await createCustomer(c());
  const ro = sdk(env.accountsReadKey); // another workspace's read-only key
  assertForbidden(await ro.addCustomerToCustomerGroups({ customerId: cust.id, customerGroupIdentifiers: [{ customerGroupId: g.id }] }), 'customerGroupMembership:create');
  assertForbidden(await ro.removeCustomerFromCustomerGroups({ customerId: cust.id, customerGroupIdentifiers: [{ customerGroupId: g.id }] }), 'customerGroupMembership:delete');
  for (const [query, input, perm] of [
    [m.create, { name: 'X', key: 'x', color: '#000000' }, 'customerGroup:create'],
    [m.upsert, { identifier: { customerGroupKey: 'x' }, name: 'X', key: 'x', color: '#000000' }, 'customerGroup:create'],
    [m.update, { customerGroupId: g.id }, 'customerGroup:edit'],
    [m.delete, { customerGroupId: g.id }, 'customerGroup:delete'],
  ]) {
    assertForbidden(await ro.rawRequest({ query, variables: { input } }), perm);
  }
  const none = sdk(env.apiKeyNoUserRead);
  assertForbidden(await none.getCustomerGroups({ first: 1 }), 'customerGroup:read');
  assertForbidden(await none.getCustomerGroupById({ customerGroupId: g.id }), 'customerGroup:read');

  // The read-only key is another workspace's: the group is not there.
  assert.equal(ok(await ro.getCustomerGroupById({ customerGroupId: g.id })), null);
  const other = sdk(env.accountsOtherApiKey);
  const theirs = await createGroup(other);
  assertNotFound(await c().addCustomerToCustomerGroups({ customerId: cust.id, customerGroupIdentifiers: [{ customerGroupId: theirs.id }] }), 'customerGroupIdentifiers.0.customerGroupId');
  assertNotFound(await c().addCustomerToCustomerGroups({ customerId: cust.id, customerGroupIdentifiers: [{ customerGroupKey: theirs.key }] }), 'customerGroupIdentifiers.0.customerGroupKey');
  assert.ok(!ok(await c().getCustomerGroups({ first: 100 })).customerGroups.some((x) => x.id === theirs.id));
});
