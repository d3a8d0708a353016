import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertDateTime, client, env, ok, ulid } from './env.mjs';

test('getMyWorkspace returns the key\'s workspace', async () => {
  const ws = ok(await client().getMyWorkspace());
  assert.equal(ws.__typename, 'Workspace');
  assert.match(ws.id, new RegExp(`^w_${ulid}$`));
  assert.equal(ws.id, env.workspaceId);
  assert.equal(typeof ws.name, 'string');
  assert.notEqual(ws.name, '');
  assert.equal(typeof ws.publicName, 'string');
  assert.equal(ws.isDemoWorkspace, false);
  assertDateTime(ws.createdAt);
  assertDateTime(ws.updatedAt);
  assert.ok(Number(ws.updatedAt.unixTimestamp) >= Number(ws.createdAt.unixTimestamp));
  const actors = ['UserActor', 'MachineUserActor', 'SystemActor'];
  assert.ok(actors.includes(ws.createdBy.__typename), `createdBy: ${JSON.stringify(ws.createdBy)}`);
  assert.ok(actors.includes(ws.updatedBy.__typename), `updatedBy: ${JSON.stringify(ws.updatedBy)}`);
});

test('getMyWorkspace works with a key of any permissions', async () => {
  const ws = ok(await client(env.apiKeyNoUserRead).getMyWorkspace());
  assert.equal(ws.id, env.workspaceId);
});

test('workspace HMAC secret can be read and regenerated', async () => {
  const c = client();
  const read = async () => {
    const data = ok(await c.rawRequest({ query: 'query { workspaceHmac { hmacSecret } }', variables: {} }));
    assert.match(data.workspaceHmac.hmacSecret, /^[0-9a-f]{64}$/);
    return data.workspaceHmac.hmacSecret;
  };
  const before = await read();
  assert.equal(await read(), before, 'reading the secret does not change it');

  const data = ok(
    await c.rawRequest({
      query: 'mutation { regenerateWorkspaceHmac { workspaceHmac { hmacSecret } error { message } } }',
      variables: {},
    })
  );
  assert.equal(data.regenerateWorkspaceHmac.error, null);
  const regenerated = data.regenerateWorkspaceHmac.workspaceHmac.hmacSecret;
  assert.match(regenerated, /^[0-9a-f]{64}$/);
  assert.notEqual(regenerated, before);
  assert.equal(await read(), regenerated, 'the new secret is the one stored');
});
