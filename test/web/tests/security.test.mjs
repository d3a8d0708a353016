// What the app refuses and what it never runs: a viewer cannot write;
// signed-out requests and cross-origin form posts are refused; markup in a
// customer's name, a thread's title, a note and a message renders inert;
// an over-long note gets a clear message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { env, gql, unique, customer, thread, threadState, launch, signIn } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a viewer reads but cannot write', async () => {
  const th = await thread(await customer('viewer-case@example.com', 'Vic Customer'), unique('Viewer case'));
  const page = await signIn(browser, env.viewer);
  await page.goto(`${env.url}/threads/${th.id}`);
  await page.locator('#thread-title').waitFor();
  assert.equal(await page.locator('#reply-form, #note-form, .actions form').count(), 0, 'write controls are shown to a viewer');
  await page.keyboard.press('e'); // nothing to submit
  // Posting anyway, from the page itself (same origin, with the session):
  // the service refuses, as it refuses an API key without the permission.
  for (const [path, body] of [['status', 'to=done'], ['reply', 'text=hi'], ['note', 'text=hi'], ['assign', 'to=me']]) {
    const status = await page.evaluate(async ([p, b]) => (await fetch(location.pathname + '/' + p, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' }, body: b,
    })).status, [path, body]);
    assert.equal(status, 403, `viewer ${path}`);
  }
  const state = await threadState(th.id);
  assert.equal(state.status, 'TODO');
  assert.equal(state.assignedTo, null);
  await page.context().close();
});

test('signed-out requests are refused', async () => {
  const th = await thread(await customer('anon-case@example.com', 'Anon Customer'), unique('Signed out case'));
  const context = await browser.newContext();
  const res = await context.request.post(`${env.url}/threads/${th.id}/status`, { form: { to: 'done' }, maxRedirects: 0 });
  assert.equal(res.status(), 401);
  const page = await context.newPage();
  await page.goto(`${env.url}/threads/${th.id}`);
  assert.match(page.url(), /\/login\?next=%2Fthreads%2F/);
  assert.equal((await threadState(th.id)).status, 'TODO');
  await context.close();
});

test('cross-origin form posts are refused', async () => {
  const th = await thread(await customer('csrf-case@example.com', 'Csrf Customer'), unique('Cross origin case'));
  // Another origin (same host, another port: same-site, so the session
  // cookie goes along — only the origin check stops the post).
  const evil = createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><form id="f" method="post" action="${env.url}/threads/${th.id}/status">
      <input name="to" value="done"></form><script>document.getElementById('f').submit()</script>`);
  });
  await new Promise((r) => evil.listen(0, '127.0.0.1', r));
  const page = await signIn(browser, env.owner);
  const answer = page.waitForResponse((r) => r.url().includes(`/threads/${th.id}/status`));
  await page.goto(`http://127.0.0.1:${evil.address().port}/`);
  const res = await answer;
  assert.equal(res.status(), 403);
  assert.match(await page.locator('body').innerText(), /Cross-origin requests are refused/);
  assert.equal((await threadState(th.id)).status, 'TODO');
  evil.close();
  await page.context().close();
});

test('markup in names, titles, notes and messages renders inert', async () => {
  const payload = (n) => `<img src=x onerror="window.__xss=${n}"><script>window.__xss=${n}</script>`;
  const custId = await customer(`xss-${Date.now()}@example.com`, `Mallory ${payload(1)}`);
  const th = await thread(custId, `Title ${payload(2)}`, `Message <iframe srcdoc="<script>parent.__xss=3</script>"></iframe> ${payload(3)}`);
  await gql(`mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id } error { message } } }`,
    { input: { customerId: custId, threadId: th.id, text: `Note ${payload(4)} [click](javascript:window.__xss=5)` } });
  await gql(`mutation($input: SendChatInput!) { sendChat(input: $input) { chat { id } error { message } } }`,
    { input: { customerId: custId, threadId: th.id, text: `Chat ${payload(6)}` } });
  // A context without the CSP: escaping alone must keep the markup inert.
  const page = await signIn(browser, env.owner, { bypassCSP: true });
  for (const path of ['/', `/threads/${th.id}`, `/customers/${custId}`, `/search?q=Mallory`]) {
    await page.goto(env.url + path);
    await page.waitForLoadState('networkidle');
    assert.equal(await page.evaluate(() => window.__xss), undefined, `a script ran on ${path}`);
    assert.equal(await page.locator('main img[src="x"], main iframe, main script').count(), 0, `markup rendered on ${path}`);
  }
  await page.goto(`${env.url}/threads/${th.id}`);
  const text = await page.locator('main').innerText();
  assert.ok(text.includes('<script>window.__xss=2</script>'), 'the title shows as text');
  assert.ok(text.includes('onerror="window.__xss=4"'), 'the note shows as text');
  await page.locator('a', { hasText: 'click' }).count().then((n) => assert.equal(n, 0, 'a javascript: link was made'));
  assert.equal(page.sawDialog, undefined);
  await page.context().close();
});

test('an over-long note gets a clear message and keeps the draft', async () => {
  const th = await thread(await customer('long-case@example.com', 'Long Customer'), unique('Long note case'));
  const page = await signIn(browser, env.support);
  await page.goto(`${env.url}/threads/${th.id}`);
  await page.locator('#note-text').fill('y'.repeat(10_001));
  await page.locator('#note-form button[type=submit]').click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /at most 10000 character/);
  assert.equal((await page.locator('#note-text').inputValue()).length, 10_001);
  await page.context().close();
});
