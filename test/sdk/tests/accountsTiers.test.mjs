// Tiers, account filters, account permissions and workspace isolation
// through Plain's SDK (raw GraphQL where the SDK has no method).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertDateTime, env, ok, ulid } from './env.mjs';
import { assertForbidden, assertMutationError, assertNotFound, createCustomer, gql, sdk, uid, unknownIds } from './helpers.mjs';

const c = () => sdk(env.accountsApiKey);
const errorParts = 'error { __typename message type code fields { field message type } }';
const unknownTier = 'tier_01ARZ3NDEKTSV4RRFFQ69G5FAV';
const unknownTenant = 'te_01ARZ3NDEKTSV4RRFFQ69G5FAV';

const tierMutations = {
  create: `mutation createTier($input: CreateTierInput!) { createTier(input: $input) { tier { id name externalId color defaultThreadPriority isDefault } ${errorParts} } }`,
  update: `mutation updateTier($input: UpdateTierInput!) { updateTier(input: $input) { tier { id name externalId color defaultThreadPriority isDefault } ${errorParts} } }`,
  delete: `mutation deleteTier($input: DeleteTierInput!) { deleteTier(input: $input) { tier { id } ${errorParts} } }`,
  thread: `mutation updateThreadTier($input: UpdateThreadTierInput!) { updateThreadTier(input: $input) { thread { id tier { id } } ${errorParts} } }`,
};

async function createTier(client, input = {}) {
  const data = await gql(client, tierMutations.create, {
    input: { name: `Tier ${uid()}`, externalId: `tier-${uid()}`, color: '#aabbcc', memberIdentifiers: [], ...input },
  });
  return data.createTier.tier;
}

async function upsertTenant(client, externalId = `acc-${uid()}`) {
  return ok(await client.upsertTenant({ identifier: { externalId }, externalId, name: `Tenant ${externalId}` }));
}

async function upsertCompany(client, domain = `co-${uid()}.io`) {
  return ok(await client.upsertCompany({ identifier: { companyDomainName: domain }, name: 'Co', domainName: domain }));
}

test('tiers: createTier, tier, tiers, updateTier, deleteTier', async () => {
  const ext = `gold-${uid()}`;
  const t = await createTier(c(), { name: 'Gold', externalId: ext, color: '#ffd700', defaultThreadPriority: 1 });
  assert.match(t.id, new RegExp(`^tier_${ulid}$`));
  const read = ok(await c().getTierById({ tierId: t.id }));
  assert.equal(read.__typename, 'Tier');
  assert.equal(read.name, 'Gold');
  assert.equal(read.externalId, ext);
  assert.equal(read.defaultThreadPriority, 1);
  assertDateTime(read.createdAt);
  assert.equal(ok(await c().getTierById({ tierId: unknownTier })), null);
  const listed = ok(await c().getTiers({ first: 100 })).tiers.map((x) => x.id);
  assert.ok(listed.includes(t.id));

  const dup = await c().rawRequest({ query: tierMutations.create, variables: { input: { name: 'X', externalId: ext, color: '#000000', memberIdentifiers: [] } } });
  assertMutationError(dup, { code: 'tier_external_id_already_taken', fields: [{ field: 'externalId', type: 'VALIDATION' }] });
  const bad = await c().rawRequest({ query: tierMutations.create, variables: { input: { name: '', externalId: `x-${uid()}`, color: 'gold', defaultThreadPriority: 9, memberIdentifiers: [] } } });
  assertMutationError(bad, {
    code: 'input_validation',
    fields: [
      { field: 'name', type: 'REQUIRED' },
      { field: 'color', type: 'VALIDATION' },
      { field: 'defaultThreadPriority', type: 'VALIDATION' },
    ],
  });

  const up = await gql(c(), tierMutations.update, { input: { tierId: t.id, name: { value: 'Gold+' }, defaultThreadPriority: { value: 0 }, externalId: { value: null } } });
  assert.deepEqual({ ...up.updateTier.tier }, { id: t.id, name: 'Gold+', externalId: null, color: '#ffd700', defaultThreadPriority: 0, isDefault: false });
  assertNotFound(await c().rawRequest({ query: tierMutations.update, variables: { input: { tierId: unknownTier } } }), 'tierId');
  const del = await gql(c(), tierMutations.delete, { input: { tierId: t.id } });
  assert.equal(del.deleteTier.tier.id, t.id);
  assert.equal(ok(await c().getTierById({ tierId: t.id })), null);
  assertNotFound(await c().rawRequest({ query: tierMutations.delete, variables: { input: { tierId: t.id } } }), 'tierId');
});

test('tier members: addMembersToTier, removeMembersFromTier, updateTenantTier, updateCompanyTier', async () => {
  const [gold, silver] = [await createTier(c()), await createTier(c())];
  const te = await upsertTenant(c());
  const co = await upsertCompany(c());
  const added = ok(await c().addMembersToTier({ tierIdentifier: { tierId: gold.id }, memberIdentifiers: [{ tenantId: te.id }, { companyId: co.id }] }));
  assert.deepEqual(added.map((m) => m.__typename), ['TenantTierMembership', 'CompanyTierMembership']);
  assert.match(added[0].id, new RegExp(`^ttm_${ulid}$`));
  assert.match(added[1].id, new RegExp(`^ctm_${ulid}$`));
  assert.equal(ok(await c().getTenantById({ tenantId: te.id })).tier.id, gold.id);

  // A tenant is in one tier at most: moving it keeps its membership.
  const moved = ok(await c().updateTenantTier({ tenantIdentifier: { externalId: te.externalId }, tierIdentifier: { externalId: silver.externalId } }));
  assert.equal(moved.id, added[0].id);
  assert.equal(ok(await c().getTenantById({ tenantId: te.id })).tier.id, silver.id);
  const coMoved = ok(await c().updateCompanyTier({ companyIdentifier: { companyDomainName: co.domainName }, tierIdentifier: { tierId: silver.id } }));
  assert.equal(coMoved.__typename, 'CompanyTierMembership');
  const members = await gql(c(), 'query t($id: ID!) { tier(tierId: $id) { memberships(first: 1) { totalCount edges { node { __typename } } pageInfo { hasNextPage } } } }', { id: silver.id });
  assert.equal(members.tier.memberships.totalCount, 2);
  assert.equal(members.tier.memberships.edges.length, 1);
  assert.equal(members.tier.memberships.pageInfo.hasNextPage, true);

  assert.equal(ok(await c().removeMembersFromTier({ memberIdentifiers: [{ tenantId: te.id }] })), null);
  assert.equal(ok(await c().getTenantById({ tenantId: te.id })).tier, null);

  assertNotFound(await c().addMembersToTier({ tierIdentifier: { tierId: unknownTier }, memberIdentifiers: [] }), 'tierIdentifier.tierId');
  assertNotFound(await c().addMembersToTier({ tierIdentifier: { tierId: gold.id }, memberIdentifiers: [{ tenantId: unknownTenant }] }), 'memberIdentifiers.0.tenantId');
  assertNotFound(await c().updateTenantTier({ tenantIdentifier: { tenantId: unknownTenant }, tierIdentifier: { tierId: gold.id } }), 'tenantIdentifier.tenantId');
  assertNotFound(await c().updateCompanyTier({ companyIdentifier: { companyId: co.id }, tierIdentifier: { externalId: `none-${uid()}` } }), 'tierIdentifier.externalId');
});

test('updateThreadTier puts a thread in a tier and takes it out', async () => {
  const t = await createTier(c());
  const cust = await createCustomer(c());
  const th = ok(await c().createThread({ customerIdentifier: { customerId: cust.id }, components: [{ componentText: { text: 'x' } }] }));
  const set = await gql(c(), tierMutations.thread, { input: { threadId: th.id, tierIdentifier: { externalId: t.externalId } } });
  assert.equal(set.updateThreadTier.thread.tier.id, t.id);
  const cleared = await gql(c(), tierMutations.thread, { input: { threadId: th.id, tierIdentifier: null } });
  assert.equal(cleared.updateThreadTier.thread.tier, null);
  assertNotFound(await c().rawRequest({ query: tierMutations.thread, variables: { input: { threadId: th.id, tierIdentifier: { tierId: unknownTier } } } }), 'tierIdentifier.tierId');
});

test('getThreads and getCustomers filter by tenant, tier, company and customer group', async () => {
  const te = await upsertTenant(c());
  const t = await createTier(c(), { memberIdentifiers: [{ tenantId: te.id }] });
  const domain = `filters-${uid()}.io`;
  const inCo = await createCustomer(c(), { email: `a@${domain}` });
  const outside = await createCustomer(c());
  const key = `g-${uid()}`;
  const g = (await gql(sdk(env.accountsApiKey), `mutation g($input: CreateCustomerGroupInput!) { createCustomerGroup(input: $input) { customerGroup { id } ${errorParts} } }`, {
    input: { name: 'G', key, color: '#123456' },
  })).createCustomerGroup.customerGroup;
  ok(await c().addCustomerToCustomerGroups({ customerId: inCo.id, customerGroupIdentifiers: [{ customerGroupKey: key }] }));
  ok(await c().addCustomerToTenants({ customerIdentifier: { customerId: inCo.id }, tenantIdentifiers: [{ tenantId: te.id }] }));
  const mk = async (cust, extra = {}) =>
    ok(await c().createThread({ customerIdentifier: { customerId: cust.id }, components: [{ componentText: { text: 'x' } }], ...extra })).id;
  const a = await mk(inCo, { tenantIdentifier: { externalId: te.externalId } });
  const b = await mk(inCo);
  const d = await mk(outside);
  const threads = async (filters) => ok(await c().getThreads({ filters, first: 100 })).threads.map((x) => x.id).sort();
  assert.deepEqual(await threads({ tenantIdentifiers: [{ externalId: te.externalId }] }), [a]);
  assert.deepEqual(await threads({ tierIdentifiers: [{ externalId: t.externalId }] }), [a]);
  assert.deepEqual(await threads({ companyIdentifiers: [{ companyDomainName: domain }] }), [a, b].sort());
  assert.deepEqual(await threads({ customerGroupIdentifiers: [{ customerGroupId: g.id }] }), [a, b].sort());
  assert.deepEqual(await threads({ customerIds: [inCo.id, outside.id], not: { tenantIdentifiers: [{ tenantId: te.id }] } }), [b, d].sort());
  assert.deepEqual(await threads({ tenantIdentifiers: [{ tenantId: unknownTenant }] }), [], 'an unknown tenant matches nothing');

  const customers = async (filters) => ok(await c().getCustomers({ filters, first: 100 })).customers.map((x) => x.id);
  assert.deepEqual(await customers({ companyIdentifiers: [{ companyDomainName: domain }] }), [inCo.id]);
  assert.deepEqual(await customers({ tenantIdentifiers: [{ tenantId: te.id }] }), [inCo.id]);
  assert.deepEqual(await customers({ customerGroupKeys: [key] }), [inCo.id]);
  assert.deepEqual(await customers({ customerGroupIds: [g.id] }), [inCo.id]);
  const counted = ok(await c().getCustomers({ filters: { tenantIdentifiers: [{ externalId: te.externalId }] }, first: 1 }));
  assert.equal(counted.totalCount, 1);
});

test('account operations need the permissions Plain names', async () => {
  const ro = sdk(env.accountsReadKey); // reads every account, writes nothing
  const te = await upsertTenant(c());
  const cust = await createCustomer(c());
  assertForbidden(await ro.upsertCompany({ identifier: { companyDomainName: 'x.io' }, name: 'X', domainName: 'x.io' }), 'company:create');
  assertForbidden(await ro.updateCustomerCompany({ customerId: cust.id, companyIdentifier: null }), 'customer:edit');
  assertForbidden(await ro.upsertTenant({ identifier: { externalId: 'x' }, externalId: 'x', name: 'x' }), 'tenant:create');
  assertForbidden(await ro.addCustomerToTenants({ customerIdentifier: { customerId: cust.id }, tenantIdentifiers: [] }), 'customer:edit');
  assertForbidden(await ro.updateThreadTenant({ threadId: unknownIds.thread, tenantIdentifier: null }), 'thread:edit');
  assertForbidden(await ro.addMembersToTier({ tierIdentifier: { tierId: unknownTier }, memberIdentifiers: [] }), 'tierMembership:create');
  assertForbidden(await ro.removeMembersFromTier({ memberIdentifiers: [] }), 'tierMembership:delete');
  assertForbidden(await ro.updateTenantTier({ tenantIdentifier: { tenantId: te.id }, tierIdentifier: null }), 'tierMembership:create');
  for (const [query, input, perm] of [
    [tierMutations.create, { name: 'X', externalId: 'x', color: '#000000', memberIdentifiers: [] }, 'tier:create'],
    [tierMutations.update, { tierId: unknownTier }, 'tier:edit'],
    [tierMutations.delete, { tierId: unknownTier }, 'tier:delete'],
    [`mutation d($input: DeleteTenantInput!) { deleteTenant(input: $input) { ${errorParts} } }`, { tenantIdentifier: { tenantId: te.id } }, 'tenant:delete'],
    [`mutation d($input: DeleteCompanyInput!) { deleteCompany(input: $input) { ${errorParts} } }`, { companyIdentifier: { companyId: 'co_1' } }, 'company:delete'],
  ]) {
    assertForbidden(await ro.rawRequest({ query, variables: { input } }), perm);
  }
  // The read-only key reads them all; a key without their read permissions reads none.
  ok(await ro.getTenants({ first: 1 }));
  const none = sdk(env.apiKeyNoUserRead); // thread:read alone
  assertForbidden(await none.getCompanies({ first: 1 }), 'company:read');
  assertForbidden(await none.searchCompanies({ searchQuery: { term: 'ab' } }), 'company:read');
  assertForbidden(await none.getTenants({ first: 1 }), 'tenant:read');
  assertForbidden(await none.searchTenants({ searchQuery: { term: 'ab' } }), 'tenant:read');
  assertForbidden(await none.getTenantById({ tenantId: te.id }), 'tenant:read');
  assertForbidden(await none.getTiers({ first: 1 }), 'tier:read');
  assertForbidden(await none.getTierById({ tierId: unknownTier }), 'tier:read');
  assertForbidden(await sdk(env.apiKeyThreadCreateRead).getCustomerTenantMemberships({ customerId: cust.id }), 'customer:read');
});

test('another workspace\'s accounts are invisible and unusable', async () => {
  const other = sdk(env.accountsOtherApiKey);
  const te = await upsertTenant(other);
  const co = await upsertCompany(other);
  const t = await createTier(other, { memberIdentifiers: [{ tenantId: te.id }] });
  assert.equal(ok(await c().getTenantById({ tenantId: te.id })), null);
  assert.equal(ok(await c().getTierById({ tierId: t.id })), null);
  assert.ok(!ok(await c().getTenants({ first: 100 })).tenants.some((x) => x.id === te.id));
  assert.ok(!ok(await c().getCompanies({ first: 100 })).companies.some((x) => x.id === co.id));
  assert.deepEqual(ok(await c().searchTenants({ searchQuery: { term: te.externalId } })).tenants, []);
  const cust = await createCustomer(c());
  assertNotFound(await c().addCustomerToTenants({ customerIdentifier: { customerId: cust.id }, tenantIdentifiers: [{ tenantId: te.id }] }), 'tenantIdentifiers.0.tenantId');
  assertNotFound(await c().updateCustomerCompany({ customerId: cust.id, companyIdentifier: { companyId: co.id } }), 'companyIdentifier.companyId');
  assertNotFound(await c().addMembersToTier({ tierIdentifier: { tierId: t.id }, memberIdentifiers: [] }), 'tierIdentifier.tierId');
  assertNotFound(await c().updateCompanyTier({ companyIdentifier: { companyId: co.id }, tierIdentifier: null }), 'companyIdentifier.companyId');
  assertNotFound(
    await c().createThread({ customerIdentifier: { customerId: cust.id }, components: [{ componentText: { text: 'x' } }], tenantIdentifier: { tenantId: te.id } }),
    'tenantIdentifier.tenantId'
  );
  // The other workspace's upsert by the same external id is its own tenant.
  const mine = await upsertTenant(c(), te.externalId);
  assert.notEqual(mine.id, te.id);
  assert.equal(ok(await other.getTenantById({ tenantId: te.id })).tier.id, t.id, 'theirs is intact');
});
