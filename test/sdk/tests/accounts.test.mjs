// Companies, tenants and tiers through Plain's SDK, in a workspace of their
// own (exact lists), plus raw GraphQL for the operations the SDK lacks.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertDateTime, env, ok, ulid } from './env.mjs';
import {
  allPages,
  assertForbidden,
  assertMutationError,
  assertNotFound,
  createCustomer,
  gql,
  sdk,
  uid,
  unknownIds,
} from './helpers.mjs';

const c = () => sdk(env.accountsApiKey);
const me = () => ({ __typename: 'MachineUserActor', machineUserId: env.accountsMachineUserId });
const errorParts = 'error { __typename message type code fields { field message type } }';
const unknown = {
  company: 'co_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  tenant: 'te_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  tier: 'tier_01ARZ3NDEKTSV4RRFFQ69G5FAV',
};

/** Asserts the SDK's CompanyParts of a company the accounts key made. */
function assertCompany(co, { name, domainName }) {
  assert.equal(co.__typename, 'Company');
  assert.match(co.id, new RegExp(`^co_${ulid}$`));
  assert.equal(co.name, name);
  assert.equal(co.domainName, domainName);
  assertDateTime(co.createdAt);
  assertDateTime(co.updatedAt);
  assert.deepEqual(co.createdBy, me());
  assert.deepEqual(co.updatedBy, me());
}

/** Upserts a tenant by external id and returns it (TenantParts). */
async function upsertTenant(client, externalId, name = `Tenant ${externalId}`) {
  return ok(await client.upsertTenant({ identifier: { externalId }, externalId, name }));
}

const createTierMutation = `mutation createTier($input: CreateTierInput!) {
  createTier(input: $input) { tier { id name externalId color defaultThreadPriority isDefault } ${errorParts} }
}`;

/** Creates a tier through raw GraphQL (the SDK has no method for it). */
async function createTier(client, input) {
  const data = await gql(client, createTierMutation, {
    input: { name: `Tier ${uid()}`, externalId: `tier-${uid()}`, color: '#aabbcc', memberIdentifiers: [], ...input },
  });
  return data.createTier.tier;
}

test('upsertCompany creates a company by domain, and updates it', async () => {
  const domain = `acme-${uid()}.io`;
  // A full URL is reduced to its domain.
  const co = ok(await c().upsertCompany({ identifier: { companyDomainName: `https://www.${domain}/about` }, name: 'Acme', domainName: domain }));
  assertCompany(co, { name: 'Acme', domainName: domain });
  const again = ok(await c().upsertCompany({ identifier: { companyDomainName: domain }, name: 'Acme Corp', domainName: domain }));
  assert.equal(again.id, co.id, 'the same company');
  assertCompany(again, { name: 'Acme Corp', domainName: domain });
  const byId = ok(await c().upsertCompany({ identifier: { companyId: co.id }, name: 'Acme Corp.', domainName: domain }));
  assert.equal(byId.id, co.id);
  assert.equal(byId.name, 'Acme Corp.');
  assertNotFound(
    await c().upsertCompany({ identifier: { companyId: unknown.company }, name: 'X', domainName: `x-${uid()}.io` }),
    'identifier.companyId'
  );
  // A domain must be one.
  const bad = await c().upsertCompany({ identifier: { companyDomainName: 'not a domain' }, name: 'X', domainName: 'not a domain' });
  assertMutationError(bad, {
    code: 'input_validation',
    fields: [
      { field: 'identifier.companyDomainName', type: 'VALIDATION' },
      { field: 'domainName', type: 'VALIDATION' },
    ],
  });
});

test('a customer\'s company is inferred from their email domain, set by hand, and removed', async () => {
  const domain = `globex-${uid()}.com`;
  const cust = await createCustomer(c(), { email: `hank@${domain}` });
  const label = domain.split('.')[0];
  assertCompany(cust.company, { name: label[0].toUpperCase() + label.slice(1), domainName: domain });
  // Free-mail and reserved domains say nothing about a company.
  assert.equal((await createCustomer(c(), { email: `hank-${uid()}@gmail.com` })).company, null);
  assert.equal((await createCustomer(c())).company, null, 'example.com is reserved');

  const other = `initech-${uid()}.com`;
  const byDomain = ok(await c().updateCustomerCompany({ customerId: cust.id, companyIdentifier: { companyDomainName: other } }));
  assert.equal(byDomain.company.domainName, other, 'a company is created for a new domain');
  const back = ok(await c().updateCustomerCompany({ customerId: cust.id, companyIdentifier: { companyId: cust.company.id } }));
  assert.equal(back.company.id, cust.company.id);
  const none = ok(await c().updateCustomerCompany({ customerId: cust.id, companyIdentifier: null }));
  assert.equal(none.company, null);
  assert.equal(ok(await c().getCustomerById({ customerId: cust.id })).company, null);

  assertNotFound(
    await c().updateCustomerCompany({ customerId: cust.id, companyIdentifier: { companyId: unknown.company } }),
    'companyIdentifier.companyId'
  );
  assertNotFound(await c().updateCustomerCompany({ customerId: unknownIds.customer, companyIdentifier: null }), 'customerId');
});

test('getCompanies pages through the workspace\'s companies; searchCompanies matches names and domains', async () => {
  const tag = uid();
  const made = [];
  for (const n of ['Umbrella', 'Umbra', 'Cyberdyne']) {
    const domain = `${n.toLowerCase()}-${tag}.io`;
    made.push(ok(await c().upsertCompany({ identifier: { companyDomainName: domain }, name: `${n} ${tag}`, domainName: domain })));
  }
  const all = await allPages(async (after) => {
    const d = ok(await c().getCompanies({ first: 2, after }));
    assert.ok(d.companies.length <= 2);
    return { items: d.companies, pageInfo: d.pageInfo };
  });
  for (const co of made) {
    assert.equal(all.filter((x) => x.id === co.id).length, 1, `${co.name} listed once`);
  }
  const found = ok(await c().searchCompanies({ searchQuery: { term: `UMBR` }, first: 100 }));
  const mine = found.tenants.filter((x) => x.name.endsWith(tag)); // the SDK names this list "tenants"
  assert.deepEqual(mine.map((x) => x.id).sort(), [made[0].id, made[1].id].sort());
  const byDomain = ok(await c().searchCompanies({ searchQuery: { term: `cyberdyne-${tag}` } }));
  assert.deepEqual(byDomain.tenants.map((x) => x.id), [made[2].id]);
  const short = await c().searchCompanies({ searchQuery: { term: 'u' } });
  assert.equal(short.error?.type, 'bad_request', 'a one-character term is refused');
});

test('deleteCompany hides a company; its customers read as having none', async () => {
  const domain = `hooli-${uid()}.com`;
  const cust = await createCustomer(c(), { email: `gavin@${domain}` });
  const del = await gql(c(), `mutation d($input: DeleteCompanyInput!) { deleteCompany(input: $input) { company { id isDeleted deletedAt { iso8601 } deletedBy { __typename } } ${errorParts} } }`, {
    input: { companyIdentifier: { companyDomainName: domain } },
  });
  assert.equal(del.deleteCompany.company.id, cust.company.id);
  assert.equal(del.deleteCompany.company.isDeleted, true);
  assert.equal(del.deleteCompany.company.deletedBy.__typename, 'MachineUserActor');
  assert.equal(ok(await c().getCustomerById({ customerId: cust.id })).company, null);
  const live = await allPages(async (after) => {
    const d = ok(await c().getCompanies({ first: 100, after }));
    return { items: d.companies, pageInfo: d.pageInfo };
  });
  assert.ok(!live.some((x) => x.id === cust.company.id), 'a deleted company is not listed');
  const gone = await c().rawRequest({
    query: `mutation d($input: DeleteCompanyInput!) { deleteCompany(input: $input) { ${errorParts} } }`,
    variables: { input: { companyIdentifier: { companyId: cust.company.id } } },
  });
  assertNotFound(gone, 'companyIdentifier.companyId');
});

test('upsertTenant creates a tenant by external id and updates it; tenant, tenants and searchTenants read them', async () => {
  const ext = `acc-${uid()}`;
  const te = await upsertTenant(c(), ext, 'Acme account');
  assert.equal(te.__typename, 'Tenant');
  assert.match(te.id, new RegExp(`^te_${ulid}$`));
  assert.equal(te.externalId, ext);
  assert.equal(te.name, 'Acme account');
  assert.equal(te.url, null);
  assert.equal(te.tier, null);
  assert.deepEqual(te.createdBy, me());
  const updated = ok(await c().upsertTenant({ identifier: { externalId: ext }, externalId: ext, name: 'Acme', url: { value: 'https://acme.example/app' } }));
  assert.equal(updated.id, te.id, 'the same tenant');
  assert.equal(updated.url, 'https://acme.example/app');
  assert.deepEqual(ok(await c().getTenantById({ tenantId: te.id })), updated);
  assert.equal(ok(await c().getTenantById({ tenantId: unknown.tenant })), null);
  assertNotFound(await c().upsertTenant({ identifier: { tenantId: unknown.tenant }, externalId: 'x', name: 'x' }), 'identifier.tenantId');

  const all = await allPages(async (after) => {
    const d = ok(await c().getTenants({ first: 2, after }));
    return { items: d.tenants, pageInfo: d.pageInfo };
  });
  assert.equal(all.filter((x) => x.id === te.id).length, 1);
  assert.deepEqual(ok(await c().searchTenants({ searchQuery: { term: 'ACME' } })).tenants.map((x) => x.id).includes(te.id), true);
  assert.deepEqual(ok(await c().searchTenants({ searchQuery: { term: ext } })).tenants.map((x) => x.id), [te.id]);
});

test('customers join, leave and are set into tenants; their memberships read back', async () => {
  const [t1, t2, t3] = [await upsertTenant(c(), `m1-${uid()}`), await upsertTenant(c(), `m2-${uid()}`), await upsertTenant(c(), `m3-${uid()}`)];
  const cust = await createCustomer(c());
  const who = { emailAddress: cust.email.email };
  const tenantsOf = async () =>
    ok(await c().getCustomerTenantMemberships({ customerId: cust.id })).tenantMemberships.map((m) => m.tenant.id).sort();
  assert.equal(ok(await c().addCustomerToTenants({ customerIdentifier: who, tenantIdentifiers: [{ tenantId: t1.id }, { externalId: t2.externalId }] })), null);
  assert.equal(ok(await c().addCustomerToTenants({ customerIdentifier: who, tenantIdentifiers: [{ tenantId: t1.id }] })), null, 'again: kept');
  assert.deepEqual(await tenantsOf(), [t1.id, t2.id].sort());
  const m = ok(await c().getCustomerTenantMemberships({ customerId: cust.id, first: 1 }));
  assert.equal(m.tenantMemberships.length, 1);
  assert.equal(m.pageInfo.hasNextPage, true);
  assert.equal(m.tenantMemberships[0].__typename, 'CustomerTenantMembership');
  assertDateTime(m.tenantMemberships[0].createdAt);

  // Removing from a tenant the customer is not in changes nothing, and does not stop the others.
  ok(await c().removeCustomerFromTenants({ customerIdentifier: { customerId: cust.id }, tenantIdentifiers: [{ tenantId: t3.id }, { tenantId: t1.id }] }));
  assert.deepEqual(await tenantsOf(), [t2.id]);
  ok(await c().setCustomerTenants({ customerIdentifier: { customerId: cust.id }, tenantIdentifiers: [{ tenantId: t1.id }, { tenantId: t3.id }] }));
  assert.deepEqual(await tenantsOf(), [t1.id, t3.id].sort());

  assertNotFound(
    await c().addCustomerToTenants({ customerIdentifier: who, tenantIdentifiers: [{ tenantId: t1.id }, { externalId: `none-${uid()}` }] }),
    'tenantIdentifiers.1.externalId'
  );
  assertNotFound(await c().setCustomerTenants({ customerIdentifier: { customerId: unknownIds.customer }, tenantIdentifiers: [] }), 'customerIdentifier.customerId');
  assert.deepEqual(await tenantsOf(), [t1.id, t3.id].sort(), 'failed calls changed nothing');
  // An unknown customer has no memberships.
  assert.deepEqual(ok(await c().getCustomerTenantMemberships({ customerId: unknownIds.customer })), { tenantMemberships: [], pageInfo: null });
});

test('upsertCustomer joins a new customer to the tenants and groups it names', async () => {
  const te = await upsertTenant(c(), `new-${uid()}`);
  const email = `joiner-${uid()}@example.com`;
  const onCreate = { fullName: 'Joiner', email: { email, isVerified: true }, tenantIdentifiers: [{ externalId: te.externalId }] };
  const res = ok(await c().upsertCustomer({ identifier: { emailAddress: email }, onCreate, onUpdate: {} }));
  assert.equal(res.result, 'CREATED');
  const m = ok(await c().getCustomerTenantMemberships({ customerId: res.customer.id }));
  assert.deepEqual(m.tenantMemberships.map((x) => x.tenant.id), [te.id]);
  const missing = `missing-${uid()}@example.com`;
  const bad = await c().upsertCustomer({
    identifier: { emailAddress: missing },
    onCreate: { fullName: 'X', email: { email: missing, isVerified: false }, tenantIdentifiers: [{ tenantId: unknown.tenant }],
      customerGroupIdentifiers: [{ customerGroupKey: `none-${uid()}` }] },
    onUpdate: {},
  });
  assertMutationError(bad, {
    code: 'not_found',
    fields: [
      { field: 'onCreate.tenantIdentifiers.0.tenantId', type: 'NOT_FOUND' },
      { field: 'onCreate.customerGroupIdentifiers.0.customerGroupKey', type: 'NOT_FOUND' },
    ],
  });
  assert.equal(ok(await c().getCustomerByEmail({ email: missing })), null, 'nothing was created');
});

test('createThread and updateThreadTenant put threads in tenants; tiers follow and set the priority', async () => {
  const te = await upsertTenant(c(), `th-${uid()}`);
  const tier = await createTier(c(), { defaultThreadPriority: 0, memberIdentifiers: [{ tenantId: te.id }] });
  const cust = await createCustomer(c());
  const input = (extra = {}) => ({ title: 'T', customerIdentifier: { customerId: cust.id }, components: [{ componentText: { text: 'hi' } }], ...extra });
  const th = ok(await c().createThread(input({ tenantIdentifier: { externalId: te.externalId } })));
  assert.equal(th.tenant.id, te.id);
  assert.equal(th.tenant.tier.id, tier.id);
  assert.equal(th.priority, 0, 'the tier\'s default priority');
  assert.equal(ok(await c().createThread(input({ tenantIdentifier: { tenantId: te.id }, priority: 3 }))).priority, 3, 'unless given one');
  assert.equal(ok(await c().createThread(input())).priority, 2);
  assertNotFound(await c().createThread(input({ tenantIdentifier: { tenantId: unknown.tenant } })), 'tenantIdentifier.tenantId');

  const plain = ok(await c().createThread(input()));
  const moved = ok(await c().updateThreadTenant({ threadId: plain.id, tenantIdentifier: { tenantId: te.id } }));
  assert.equal(moved.tenant.id, te.id);
  const tierQuery = 'query t($id: ID!) { thread(threadId: $id) { tier { id } } }';
  assert.equal((await gql(c(), tierQuery, { id: plain.id })).thread.tier.id, tier.id);
  const cleared = ok(await c().updateThreadTenant({ threadId: plain.id, tenantIdentifier: null }));
  assert.equal(cleared.tenant, null);
  assert.equal((await gql(c(), tierQuery, { id: plain.id })).thread.tier, null);
  assertNotFound(await c().updateThreadTenant({ threadId: plain.id, tenantIdentifier: { externalId: `none-${uid()}` } }), 'tenantIdentifier.externalId');
  assertNotFound(await c().updateThreadTenant({ threadId: unknownIds.thread, tenantIdentifier: null }), 'threadId');
});

test('deleteTenant hides a tenant from lists, threads and customers', async () => {
  const te = await upsertTenant(c(), `del-${uid()}`);
  const cust = await createCustomer(c());
  ok(await c().addCustomerToTenants({ customerIdentifier: { customerId: cust.id }, tenantIdentifiers: [{ tenantId: te.id }] }));
  const th = ok(await c().createThread({ customerIdentifier: { customerId: cust.id }, components: [{ componentText: { text: 'x' } }], tenantIdentifier: { tenantId: te.id } }));
  const mutation = `mutation d($input: DeleteTenantInput!) { deleteTenant(input: $input) { tenant { id } ${errorParts} } }`;
  const del = await gql(c(), mutation, { input: { tenantIdentifier: { externalId: te.externalId } } });
  assert.equal(del.deleteTenant.tenant.id, te.id);
  assert.equal(ok(await c().getTenantById({ tenantId: te.id })), null);
  assert.equal(ok(await c().getThread({ threadId: th.id })).tenant, null);
  assert.deepEqual(ok(await c().getCustomerTenantMemberships({ customerId: cust.id })).tenantMemberships, []);
  assertNotFound(await c().rawRequest({ query: mutation, variables: { input: { tenantIdentifier: { tenantId: te.id } } } }), 'tenantIdentifier.tenantId');
  // Its external id is free again.
  assert.notEqual((await upsertTenant(c(), te.externalId)).id, te.id);
});
