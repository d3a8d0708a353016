// Shared helpers of the browser suites: the environment the Go test sets,
// the API, the browser, signing in, and axe.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const env = {
  url: process.env.TL_URL,
  key: process.env.TL_API_KEY,
  password: process.env.TL_PASSWORD,
  owner: process.env.TL_OWNER,
  support: process.env.TL_SUPPORT,
  viewer: process.env.TL_VIEWER,
  chromium: process.env.TL_CHROMIUM || '/usr/bin/chromium',
  artifacts: process.env.TL_ARTIFACTS || 'artifacts',
  backend: process.env.TL_BACKEND || 'sqlite',
};
for (const [k, v] of Object.entries(env)) assert.ok(v, `TL_* environment: ${k} is not set`);

// gql runs a GraphQL document with the API key and returns data.
export async function gql(query, variables = {}) {
  const res = await fetch(env.url + '/graphql/v1', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + env.key },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

let seq = 0;
export function unique(prefix) {
  seq += 1;
  return `${prefix} ${Date.now().toString(36)}${seq}`;
}

// customer upserts a customer by email.
export async function customer(email, fullName) {
  const d = await gql(`mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } error { message } } }`, {
    input: { identifier: { emailAddress: email }, onCreate: { fullName, email: { email, isVerified: true } }, onUpdate: {} },
  });
  assert.equal(d.upsertCustomer.error, null);
  return d.upsertCustomer.customer.id;
}

// thread creates a CHAT thread of a customer through the API.
export async function thread(customerId, title, text = 'My printer is on fire') {
  const d = await gql(`mutation($input: CreateThreadInput!) { createThread(input: $input) { thread { id ref } error { message } } }`, {
    input: { customerIdentifier: { customerId }, title, channel: 'CHAT', components: [{ componentText: { text } }] },
  });
  assert.equal(d.createThread.error, null);
  return d.createThread.thread;
}

export async function threadState(id) {
  const d = await gql(`query($id: ID!) { thread(threadId: $id) { status statusDetail { __typename } priority
    assignedTo { ... on User { email } } labels { labelType { name } } } }`, { id });
  return d.thread;
}

export async function launch() {
  return chromium.launch({ executablePath: env.chromium, headless: true, args: ['--no-sandbox'] });
}

// signIn opens a context signed in as email and returns its page on the queue.
export async function signIn(browser, email, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.on('dialog', (d) => { page.sawDialog = d.message(); d.dismiss(); });
  await page.goto(env.url + '/');
  assert.match(page.url(), /\/login\?next=/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(env.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForSelector('#app[data-page="queue"][data-ready]');
  return page;
}

// live waits until the page listens to the server's events.
export async function live(page) {
  await page.waitForFunction(() => document.documentElement.dataset.live === 'on', null, { timeout: 5000 });
}

export async function shot(page, name) {
  await page.screenshot({ path: join(env.artifacts, name), fullPage: true });
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axe checks the page for WCAG 2.1 A/AA problems and fails on serious or
// critical ones (axe runs through the debugging protocol, not as a page
// script, so the page's CSP stays as it is).
export async function axe(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), [],
    `axe found serious problems on ${what}`);
  return result.violations.length;
}
