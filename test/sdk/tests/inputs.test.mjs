// Unusual but valid GraphQL strings must get an answer, never a server
// failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { client, ok } from './env.mjs';
import { createCustomer, createLabelType, sdk, uid } from './helpers.mjs';

/** Describes a result the server should not give: a failure of its own. */
function serverFailure(result) {
  const e = result.error;
  if (!e) {
    return null;
  }
  if (e.type === 'internal_server_error' || e.type === 'unknown') {
    return `SDK ${e.type}: ${e.message}`;
  }
  if (e.type === 'mutation_error' && e.errorDetails.type === 'INTERNAL') {
    return `MutationError INTERNAL (${e.errorDetails.code}): ${e.message}`;
  }
  return null;
}

// A U+0000 (NUL) character cannot be stored by PostgreSQL's text columns,
// so the server refuses any request carrying one in a string (or in a
// cursor) with HTTP 400 BAD_USER_INPUT, on both backends alike. It must
// never fail with a 500 or an INTERNAL mutation error.
test('strings holding a NUL character never make the server fail', async () => {
  const c = client(); // not sdk(): collect every failure, then report them
  const cust = await createCustomer(sdk());
  const lt = await createLabelType(sdk());
  const nul = (s) => `${s}\u0000${uid()}`;
  const text = [{ componentText: { text: 'Hello' } }];
  const calls = {
    getCustomerById: () => c.getCustomerById({ customerId: nul('c_') }),
    getCustomerByEmail: () => c.getCustomerByEmail({ email: `${nul('a')}@example.com` }),
    getCustomerByExternalId: () => c.getCustomerByExternalId({ externalId: nul('ext') }),
    getLabelType: () => c.getLabelType({ labelTypeId: nul('lt_') }),
    getThread: () => c.getThread({ threadId: nul('th_') }),
    getThreadByRef: () => c.getThreadByRef({ ref: nul('T-') }),
    getThreadByExternalId: () => c.getThreadByExternalId({ customerId: cust.id, externalId: nul('ext') }),
    'getCustomers(after)': () =>
      c.getCustomers({ first: 1, after: Buffer.from(JSON.stringify([nul('a'), 'c_x'])).toString('base64url') }),
    'upsertCustomer(fullName)': () => {
      const email = `nul-${uid()}@example.com`;
      return c.upsertCustomer({
        identifier: { emailAddress: email },
        onCreate: { fullName: nul('Name'), email: { email, isVerified: false } },
        onUpdate: {},
      });
    },
    'upsertCustomer(externalId)': () => {
      const externalId = nul('ext');
      return c.upsertCustomer({
        identifier: { externalId },
        onCreate: { fullName: 'Nul', externalId, email: { email: `nul-${uid()}@example.com`, isVerified: false } },
        onUpdate: {},
      });
    },
    'upsertCustomer(customerId)': () =>
      c.upsertCustomer({
        identifier: { customerId: nul('c_') },
        onCreate: { fullName: 'Nul', email: { email: `nul-${uid()}@example.com`, isVerified: false } },
        onUpdate: {},
      }),
    deleteCustomer: () => c.deleteCustomer({ customerId: nul('c_') }),
    createLabelType: () => c.createLabelType({ name: nul('Label') }),
    archiveLabelType: () =>
      c.rawRequest({
        query: 'mutation($id: ID!) { archiveLabelType(input: { labelTypeId: $id }) { labelType { id } error { __typename message type code fields { field message type } } } }',
        variables: { id: nul('lt_') },
      }),
    'createThread(title)': () => c.createThread({ title: nul('Title'), customerIdentifier: { customerId: cust.id }, components: text }),
    'createThread(text)': () =>
      c.createThread({ title: 'T', customerIdentifier: { customerId: cust.id }, components: [{ componentText: { text: nul('x') } }] }),
    'createThread(externalId)': () =>
      c.createThread({ title: 'T', externalId: nul('ext'), customerIdentifier: { customerId: cust.id }, components: text }),
    'createThread(customerIdentifier)': () =>
      c.createThread({ title: 'T', customerIdentifier: { externalId: nul('ext') }, components: text }),
    'createThread(labelTypeIds)': () =>
      c.createThread({ title: 'T', customerIdentifier: { customerId: cust.id }, labelTypeIds: [lt.id, nul('lt_')], components: text }),
  };
  const failures = [];
  for (const [name, call] of Object.entries(calls)) {
    const problem = serverFailure(await call());
    if (problem) {
      failures.push(`${name}: ${problem}`);
    }
  }
  assert.deepEqual(failures, [], 'requests the server failed on');
  // The workspace still works.
  assert.equal(ok(await sdk().getCustomerById({ customerId: cust.id })).id, cust.id);
});
