// An agent's day by keyboard: a thread created through the API appears in
// the open queue without a reload; the agent opens it and replies, adds a
// note, labels it, assigns it to themselves, snoozes it and marks it done —
// while a teammate's open page of the thread shows the reply live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, gql, unique, customer, thread, threadState, launch, signIn, live, shot, axe } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the keyboard flow, live across two browsers', async () => {
  const labelName = unique('Printers');
  await gql(`mutation($input: CreateLabelTypeInput!) { createLabelType(input: $input) { labelType { id } } }`, { input: { name: labelName } });
  const page = await signIn(browser, env.owner);
  await live(page);

  // A thread created through the API appears in the open queue, no reload.
  const custId = await customer(`${unique('kim').replace(/\W/g, '')}@example.com`, 'Kim Customer');
  const title = unique('Printer on fire');
  const created = Date.now();
  const th = await thread(custId, title);
  const row = page.locator(`#queue .row[data-thread="${th.id}"]`);
  await row.waitFor({ timeout: 1000 });
  console.log(`# the new thread appeared in the queue ${Date.now() - created} ms after createThread returned (${env.backend})`);
  assert.match(await row.innerText(), /Kim Customer/);
  assert.doesNotMatch(await page.locator('#queue nav[aria-label="Status"] a[aria-current="page"]').innerText(), /Todo\s+0/,
    'the counts were not updated with the list');
  await shot(page, 'queue.png');
  await axe(page, 'the queue');

  // A teammate has the thread open.
  const mate = await signIn(browser, env.support);
  await mate.goto(`${env.url}/threads/${th.id}`);
  await live(mate);

  // j selects the newest row, Enter opens it.
  await page.keyboard.press('j');
  assert.equal(await page.evaluate(() => document.activeElement.closest('.row')?.dataset.thread), th.id);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#app[data-page="thread"][data-ready]');
  assert.equal(await page.locator('#thread-title').innerText(), title);

  // r: reply, sent with Ctrl+Enter; the teammate sees it without a reload.
  await page.keyboard.press('r');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reply-text');
  const reply = unique('Have you tried turning it off');
  await page.keyboard.type(reply);
  await page.keyboard.press('Control+Enter');
  await page.locator('.entry.message-out', { hasText: reply }).waitFor();
  await mate.locator('.entry.message-out', { hasText: reply }).waitFor({ timeout: 2000 });

  // n: internal note.
  await page.keyboard.press('n');
  const noteText = unique('Customer sounds calm');
  await page.keyboard.type(noteText);
  await page.keyboard.press('Control+Enter');
  await page.locator('.entry.note', { hasText: noteText }).waitFor();

  // l: labels (Space checks the label, Enter saves).
  await page.keyboard.press('l');
  const box = page.locator('details[data-key="l"] label', { hasText: labelName }).locator('input');
  await box.focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
  await page.locator('.status-line .label', { hasText: labelName }).waitFor();

  // a: assign to me (the first choice).
  await page.keyboard.press('a');
  await page.keyboard.press('Enter');
  await page.locator('.status-line', { hasText: 'Assigned to Olivia Owner' }).waitFor();

  // z: snooze for an hour (the first choice).
  await page.keyboard.press('z');
  await page.keyboard.press('Enter');
  await page.locator('.status-line .status', { hasText: 'Snoozed' }).waitFor();
  let state = await threadState(th.id);
  assert.equal(state.status, 'SNOOZED');

  // e: done.
  await page.keyboard.press('e');
  await page.locator('.status-line .status', { hasText: 'Done' }).waitFor();
  await shot(page, 'thread.png');
  await axe(page, 'the thread page');

  state = await threadState(th.id);
  assert.equal(state.status, 'DONE');
  assert.equal(state.assignedTo.email, env.owner);
  assert.deepEqual(state.labels.map((l) => l.labelType.name), [labelName]);
  const tl = await gql(`query($id: ID!) { thread(threadId: $id) { timelineEntries { edges { node { entry { __typename } } } } } }`, { id: th.id });
  const kinds = tl.thread.timelineEntries.edges.map((e) => e.node.entry.__typename);
  for (const k of ['ChatEntry', 'NoteEntry', 'ThreadLabelsChangedEntry', 'ThreadAssignmentTransitionedEntry']) {
    assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  }
  assert.equal(page.sawDialog, undefined);

  // Esc goes back to the queue; ? lists the shortcuts.
  await page.keyboard.press('?');
  await page.locator('#shortcuts').waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#app[data-page="queue"]');
  await page.context().close();
  await mate.context().close();
});

test('search from anywhere with /', async () => {
  const page = await signIn(browser, env.support);
  const word = unique('zebracorn').split(' ')[1];
  const custId = await customer(`${word}@example.com`, `Quentin ${word}`);
  await thread(custId, 'Unrelated title', `The ${word} smells of toner`);
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search-q');
  await page.keyboard.type(word.slice(0, 6));
  await page.keyboard.press('Enter');
  await page.waitForSelector('#app[data-page="search"][data-ready]');
  await page.locator('#s-threads + ol .row', { hasText: 'Unrelated title' }).waitFor();
  await page.locator('.plain-list a', { hasText: `Quentin ${word}` }).waitFor();
  await page.context().close();
});

test('the settings pages are accessible, and the queue fits a phone', async () => {
  const page = await signIn(browser, env.owner);
  for (const path of ['/settings/users', '/settings/api-keys', '/settings/labels', '/settings/webhooks']) {
    await page.goto(env.url + path);
    await axe(page, path);
  }
  const th = await thread(await customer('phone-case@example.com', 'Pat Phone'), unique('A long title that has to wrap on a phone screen'));
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, name] of [['/', 'queue-phone.png'], [`/threads/${th.id}`, 'thread-phone.png']]) {
    await page.goto(env.url + path);
    await shot(page, name);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${path} is ${overflow}px wider than a phone`);
  }
  await page.context().close();
});
