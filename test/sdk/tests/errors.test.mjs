import assert from 'node:assert/strict';
import { test } from 'node:test';

import { client, env } from './env.mjs';

/** Asserts result is an SDK bad_request error whose first GraphQL error has code. */
function assertBadRequest(result, code) {
  assert.equal(result.data, undefined);
  assert.equal(result.error?.type, 'bad_request', JSON.stringify(result.error));
  // The SDK keeps graphqlErrors only when every error has message,
  // locations (an array), and extensions.code: an empty list means the
  // server's error shape is not Plain's.
  assert.ok(result.error.graphqlErrors.length > 0, 'graphqlErrors is not empty');
  assert.equal(result.error.graphqlErrors[0].extensions.code, code);
  assert.equal(typeof result.error.graphqlErrors[0].message, 'string');
}

test('an unknown API key is forbidden', async () => {
  for (const apiKey of ['plainApiKey_not-a-real-key', 'garbage']) {
    const result = await client(apiKey).getMyWorkspace();
    assert.equal(result.data, undefined);
    assert.equal(result.error?.type, 'forbidden', JSON.stringify(result.error));
    assert.equal(typeof result.error.message, 'string');
    assert.notEqual(result.error.message, '');
  }
});

test('a key without user:read cannot read users', async () => {
  const c = client(env.apiKeyNoUserRead);
  for (const result of [await c.getUserById({ id: env.userId }), await c.getUserByEmail({ email: env.userEmail })]) {
    assert.equal(result.data, undefined);
    assert.equal(result.error?.type, 'forbidden', JSON.stringify(result.error));
    assert.match(result.error.message, /missing "user:read"/);
  }
});

test('a query that does not parse is a bad request', async () => {
  const result = await client().rawRequest({ query: 'query { myWorkspace { id ', variables: {} });
  assertBadRequest(result, 'GRAPHQL_PARSE_FAILED');
});

test('a query for an unknown field is a bad request', async () => {
  const result = await client().rawRequest({ query: 'query { myWorkspace { id noSuchField } }', variables: {} });
  assertBadRequest(result, 'GRAPHQL_VALIDATION_FAILED');
  assert.match(result.error.graphqlErrors[0].message, /noSuchField/);
});

test('a missing required variable is a bad request', async () => {
  const result = await client().rawRequest({
    query: 'query user($id: ID!) { user(userId: $id) { id } }',
    variables: {},
  });
  assertBadRequest(result, 'BAD_USER_INPUT');
  assert.match(result.error.graphqlErrors[0].message, /\$id/);
});
