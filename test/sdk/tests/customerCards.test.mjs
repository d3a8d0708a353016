// Customer cards through Plain's SDK (configs) and raw GraphQL (card
// instances), against a card API this suite serves over HTTPS on loopback
// with a certificate the server under test trusts.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { after, before, test } from 'node:test';

import { assertDateTime, env, ok, ulid } from './env.mjs';
import { assertForbidden, assertMutationError, assertNotFound, createCustomer, gql, sdk, uid } from './helpers.mjs';

const c = () => sdk(env.cardsApiKey);
const errorParts = 'error { __typename message type code fields { field message type } }';
const unknownConfig = 'ccc_01ARZ3NDEKTSV4RRFFQ69G5FAV';

// The card API: /cards answers one card per key asked; /down answers 500.
let api;
let base;
let secret;
const seen = []; // {path, body, signature, authorization}

before(async () => {
  secret = (await gql(c(), '{ workspaceHmac { hmacSecret } }')).workspaceHmac.hmacSecret;
  api = createServer({ cert: readFileSync(env.cardsTlsCert), key: readFileSync(env.cardsTlsKey) }, (req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const body = JSON.parse(raw);
      seen.push({ path: req.url, body, raw, signature: req.headers['plain-request-signature'], authorization: req.headers.authorization });
      if (req.url === '/down') {
        res.writeHead(500).end('down');
        return;
      }
      const cards = body.cardKeys.map((key) => ({
        key,
        timeToLiveSeconds: 120,
        components: [{ componentText: { text: `${key} for ${body.customer.email}` } }, { componentBadge: { badgeLabel: 'Pro', badgeColor: 'GREEN' } }],
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ cards }));
    });
  });
  await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${api.address().port}`;
});

after(() => api.close());

async function createConfig(client, input = {}) {
  const key = `card-${uid()}`;
  return ok(await client.createCustomerCardConfig({ title: `Card ${key}`, key, defaultTimeToLiveSeconds: 60, apiUrl: `${base}/cards`,
    apiHeaders: [{ name: 'Authorization', value: 'Bearer s3cret' }], ...input }));
}

const instancesQuery = `query i($customerId: ID!, $threadId: ID) { customerCardInstances(customerId: $customerId, threadId: $threadId) {
  __typename id customerId threadId customerCardConfig { id key }
  ... on CustomerCardInstanceLoaded { expiresAt { iso8601 unixTimestamp } loadedAt { iso8601 unixTimestamp }
    components { __typename ... on ComponentText { text } ... on ComponentBadge { badgeLabel badgeColor } } }
  ... on CustomerCardInstanceError { errorDetail { __typename ... on CustomerCardInstanceStatusCodeErrorDetail { statusCode message } } } } }`;

test('createCustomerCardConfig, updateCustomerCardConfig and deleteCustomerCardConfig', async () => {
  const cfg = await createConfig(c(), { title: 'Usage' });
  assert.equal(cfg.__typename, 'CustomerCardConfig');
  assert.match(cfg.id, new RegExp(`^ccc_${ulid}$`));
  assert.equal(cfg.title, 'Usage');
  assert.equal(cfg.defaultTimeToLiveSeconds, 60);
  assert.equal(cfg.apiUrl, `${base}/cards`);
  assert.deepEqual(cfg.apiHeaders, [{ name: 'Authorization', value: 'Bearer s3cret' }]);
  assert.equal(cfg.order, 100000);
  assert.equal(cfg.isEnabled, true);
  assertDateTime(cfg.createdAt);

  assertMutationError(await c().createCustomerCardConfig({ title: 'X', key: cfg.key, defaultTimeToLiveSeconds: 60, apiUrl: `${base}/x`, apiHeaders: [] }), {
    code: 'customer_card_config_key_already_exists',
    fields: [{ field: 'key', type: 'VALIDATION' }],
  });
  assertMutationError(await c().createCustomerCardConfig({ title: 'X', key: 'not a key', defaultTimeToLiveSeconds: 5, apiUrl: 'http://cards.example.com', apiHeaders: [] }), {
    code: 'input_validation',
    fields: [
      { field: 'key', type: 'VALIDATION' },
      { field: 'defaultTimeToLiveSeconds', type: 'VALIDATION' },
      { field: 'apiUrl', type: 'VALIDATION' },
    ],
  });

  const up = ok(await c().updateCustomerCardConfig({ customerCardConfigId: cfg.id, title: { value: 'Usage (beta)' }, order: { value: 3 }, isEnabled: { value: false } }));
  assert.equal(up.title, 'Usage (beta)');
  assert.equal(up.order, 3);
  assert.equal(up.isEnabled, false);
  assert.equal(up.apiUrl, cfg.apiUrl, 'what was not given is kept');
  assertNotFound(await c().updateCustomerCardConfig({ customerCardConfigId: unknownConfig, title: { value: 'x' } }), 'customerCardConfigId');

  const listed = await gql(c(), '{ customerCardConfigs { id order } }');
  assert.ok(listed.customerCardConfigs.some((x) => x.id === cfg.id));
  assert.equal(ok(await c().deleteCustomerCardConfig({ customerCardConfigId: cfg.id })), null);
  assert.equal((await gql(c(), 'query q($id: ID!) { customerCardConfig(customerCardConfigId: $id) { id } }', { id: cfg.id })).customerCardConfig, null);
  assertNotFound(await c().deleteCustomerCardConfig({ customerCardConfigId: cfg.id }), 'customerCardConfigId');
});

test('customerCardInstances loads cards from the card API, signed, and serves them from cache', async () => {
  const [one, two] = [await createConfig(c()), await createConfig(c())];
  const down = await createConfig(c(), { apiUrl: `${base}/down` });
  const cust = await createCustomer(c());
  const th = ok(await c().createThread({ customerIdentifier: { customerId: cust.id }, components: [{ componentText: { text: 'x' } }] }));
  const before = seen.length;
  const read = async () => {
    const all = (await gql(c(), instancesQuery, { customerId: cust.id, threadId: th.id })).customerCardInstances;
    return Object.fromEntries(all.filter((x) => [one.id, two.id, down.id].includes(x.customerCardConfig.id)).map((x) => [x.customerCardConfig.id, x]));
  };
  const cards = await read();
  const loaded = cards[one.id];
  assert.equal(loaded.__typename, 'CustomerCardInstanceLoaded');
  assert.match(loaded.id, new RegExp(`^cci_${ulid}$`));
  assert.equal(loaded.customerId, cust.id);
  assert.equal(loaded.threadId, th.id);
  assert.deepEqual(loaded.components, [
    { __typename: 'ComponentText', text: `${one.key} for ${cust.email.email}` },
    { __typename: 'ComponentBadge', badgeLabel: 'Pro', badgeColor: 'GREEN' },
  ]);
  assert.equal(Number(loaded.expiresAt.unixTimestamp) - Number(loaded.loadedAt.unixTimestamp), 120_000, 'the answer\'s TTL');
  assert.equal(cards[two.id].__typename, 'CustomerCardInstanceLoaded');
  assert.equal(cards[down.id].__typename, 'CustomerCardInstanceError');
  assert.deepEqual(cards[down.id].errorDetail.__typename, 'CustomerCardInstanceStatusCodeErrorDetail');
  assert.equal(cards[down.id].errorDetail.statusCode, 500);

  // One request per endpoint, as Plain's protocol has it, signed like a webhook.
  const mine = seen.slice(before);
  const toCards = mine.filter((r) => r.path === '/cards' && r.body.cardKeys.includes(one.key));
  assert.equal(toCards.length, 1);
  assert.ok(toCards[0].body.cardKeys.includes(two.key), 'both cards in one request');
  assert.deepEqual(toCards[0].body.customer, { id: cust.id, email: cust.email.email, externalId: null });
  assert.deepEqual(toCards[0].body.thread, { id: th.id, externalId: null });
  assert.equal(toCards[0].authorization, 'Bearer s3cret');
  assert.equal(toCards[0].signature, createHmac('sha256', secret).update(toCards[0].raw).digest('hex'));

  // Fresh cards are not asked for again; a reload is.
  const count = () => seen.filter((r) => r.body.cardKeys.includes(one.key)).length;
  assert.equal((await read())[one.id].id, loaded.id);
  assert.equal(count(), 1, 'served from cache');
  const reload = await gql(c(), `mutation r($input: ReloadCustomerCardInstanceInput!) { reloadCustomerCardInstance(input: $input) {
    customerCardInstance { __typename id } ${errorParts} } }`, { input: { customerCardConfigId: one.id, customerId: cust.id, threadId: th.id } });
  assert.equal(reload.reloadCustomerCardInstance.customerCardInstance.__typename, 'CustomerCardInstanceLoaded');
  assert.notEqual(reload.reloadCustomerCardInstance.customerCardInstance.id, loaded.id);
  assert.equal(count(), 2);
  // A disabled config's card is not shown.
  ok(await c().updateCustomerCardConfig({ customerCardConfigId: two.id, isEnabled: { value: false } }));
  assert.equal((await read())[two.id], undefined);
});

test('customer card configs: at most 25, permissions, another workspace', async () => {
  const existing = (await gql(c(), '{ customerCardConfigs { id } }')).customerCardConfigs.length;
  for (let i = existing; i < 25; i++) {
    await createConfig(c());
  }
  assertMutationError(await c().createCustomerCardConfig({ title: 'X', key: `k-${uid()}`, defaultTimeToLiveSeconds: 60, apiUrl: `${base}/x`, apiHeaders: [] }), {
    code: 'too_many_customer_card_configs',
    fields: [],
  });
  const ro = sdk(env.accountsReadKey);
  assertForbidden(await ro.createCustomerCardConfig({ title: 'X', key: 'x', defaultTimeToLiveSeconds: 60, apiUrl: `${base}/x`, apiHeaders: [] }), 'customerCardConfig:create');
  assertForbidden(await ro.updateCustomerCardConfig({ customerCardConfigId: unknownConfig, title: { value: 'x' } }), 'customerCardConfig:edit');
  assertForbidden(await ro.deleteCustomerCardConfig({ customerCardConfigId: unknownConfig }), 'customerCardConfig:delete');
  assertForbidden(await sdk(env.apiKeyNoUserRead).rawRequest({ query: '{ customerCardConfigs { id } }', variables: {} }), 'customerCardConfig:read');
  // The SDK selects apiUrl and apiHeaders: customerCardConfigApiDetails:read.
  assertForbidden(await sdk(env.apiKeyLabelCreate).createCustomerCardConfig({ title: 'X', key: 'x', defaultTimeToLiveSeconds: 60, apiUrl: `${base}/x`, apiHeaders: [] }), 'customerCardConfig:create');
  const other = (await gql(sdk(env.accountsOtherApiKey), '{ customerCardConfigs { id } }')).customerCardConfigs;
  const mine = (await gql(c(), '{ customerCardConfigs { id } }')).customerCardConfigs;
  assert.ok(!other.some((x) => mine.some((y) => y.id === x.id)), 'no config crosses workspaces');
  assertNotFound(await sdk(env.accountsOtherApiKey).deleteCustomerCardConfig({ customerCardConfigId: mine[0].id }), 'customerCardConfigId');
});
