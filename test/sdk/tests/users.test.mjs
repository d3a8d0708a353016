import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertDateTime, client, env, ok, ulid } from './env.mjs';

// Well-formed, but no user has it.
const unknownUserId = 'u_01ARZ3NDEKTSV4RRFFQ69G5FAV';

function assertIsTheUser(user) {
  assert.ok(user, 'user found');
  assert.equal(user.__typename, 'User');
  assert.match(user.id, new RegExp(`^u_${ulid}$`));
  assert.equal(user.id, env.userId);
  assert.equal(user.email, env.userEmail);
  assert.equal(user.fullName, env.userName);
  assert.equal(typeof user.publicName, 'string');
  assert.deepEqual(user.slackIdentities, []);
  assertDateTime(user.updatedAt);
}

test('getUserById returns the user', async () => {
  assertIsTheUser(ok(await client().getUserById({ id: env.userId })));
});

test('getUserById of an unknown id returns null', async () => {
  assert.equal(ok(await client().getUserById({ id: unknownUserId })), null);
});

test('getUserById does not see users of another workspace', async () => {
  assert.equal(ok(await client().getUserById({ id: env.otherUserId })), null);
});

test('getUserByEmail returns the user', async () => {
  assertIsTheUser(ok(await client().getUserByEmail({ email: env.userEmail })));
});

test('getUserByEmail is case-insensitive', async () => {
  const upper = env.userEmail.toUpperCase();
  assert.notEqual(upper, env.userEmail);
  assertIsTheUser(ok(await client().getUserByEmail({ email: upper })));
  const mixed = env.userEmail.replace(/^./, (c) => c.toUpperCase());
  assertIsTheUser(ok(await client().getUserByEmail({ email: mixed })));
});

test('getUserByEmail of an unknown email returns null', async () => {
  assert.equal(ok(await client().getUserByEmail({ email: 'nobody@threadline.invalid' })), null);
});

test('getUserByEmail does not see users of another workspace', async () => {
  assert.equal(ok(await client().getUserByEmail({ email: env.otherUserEmail })), null);
});
