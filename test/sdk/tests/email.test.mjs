// Email through the SDK's methods: mail a customer sends to the server's
// SMTP receiver (spoken here over node:net, as a mail server would),
// sendNewEmail, replyToEmail and replyToThread on an email thread, what the
// timeline shows of each, and their errors. Everything runs in a workspace
// of its own, with a support address (env.emailApiKey); the server sends
// through a relay on loopback that refuses recipients named "refused…".
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';

import { env, ok, ulid } from './env.mjs';
import {
  assertForbidden,
  assertMutationError,
  assertNotFound,
  assertValidationError,
  createCustomer,
  gql,
  sdk,
  uid,
  unknownIds,
} from './helpers.mjs';

const c = () => sdk(env.emailApiKey);
const sleep = (n) => new Promise((resolve) => setTimeout(resolve, n));
const unknownEmail = 'em_01ARZ3NDEKTSV4RRFFQ69G5FAV';

/**
 * Delivers a message over SMTP to the server's receiver and resolves with
 * the server's answer to DATA (e.g. "250 …").
 */
function sendMail(from, to, raw) {
  const [host, port] = env.smtpAddress.split(':');
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), host);
    const lines = [];
    let buf = '';
    const steps = [`EHLO sdk.test`, `MAIL FROM:<${from}>`, `RCPT TO:<${to}>`, 'DATA',
      raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..') + '\r\n.', 'QUIT'];
    let answer;
    sock.setEncoding('utf8');
    sock.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        lines.push(line);
        if (!/^\d{3} /.test(line)) {
          continue; // a continued reply (250-…)
        }
        if (steps.length === 1) {
          answer = line; // the reply to the message's final dot
        }
        if (/^[45]/.test(line)) {
          sock.end();
          resolve(line);
          return;
        }
        const next = steps.shift();
        if (next === undefined) {
          sock.end();
          resolve(answer);
          return;
        }
        sock.write(next + '\r\n');
      }
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(answer ?? lines.at(-1)));
  });
}

/** A message from a customer's mail client. */
function customerMessage({ from, name = 'Ann Customer', subject, text, id = `${uid()}@example.com`, inReplyTo }) {
  return [
    `From: ${name} <${from}>`,
    `To: ${env.emailSupportAddress}`,
    `Subject: ${subject}`,
    `Message-ID: <${id}>`,
    ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}>`, `References: <${inReplyTo}>`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
  ].join('\r\n');
}

const timelineQuery = `query timeline($threadId: ID!) {
  thread(threadId: $threadId) { id title channel status supportEmailAddresses customer { id }
    lastInboundMessageInfo { messageSource } lastOutboundMessageInfo { messageSource }
    timelineEntries(filters: {entryTypes: [EMAIL]}) { edges { node { actor { __typename } entry { __typename
      ... on EmailEntry { emailId subject textContent fullTextContent hasMoreTextContent isStartOfThread sendStatus category
        inReplyTo: from { email } to { email name emailActor { __typename ... on CustomerEmailActor { customerId } } }
        from { email emailActor { __typename ... on SupportEmailAddressEmailActor { supportEmailAddress } ... on CustomerEmailActor { customerId } } }
        additionalRecipients { email name } hiddenRecipients { email } sentAt { iso8601 } receivedAt { iso8601 }
        bounces { reason } attachments { id } } } } } } } }`;

/** The thread and its email entries, oldest first. */
async function emails(threadId) {
  const { thread } = await gql(c(), timelineQuery, { threadId });
  return { thread, entries: thread.timelineEntries.edges.map((e) => e.node.entry) };
}

/** Waits until the email entry emailId of a thread has sendStatus status. */
async function waitStatus(threadId, emailId, status) {
  for (let i = 0; i < 100; i++) {
    const e = (await emails(threadId)).entries.find((x) => x.emailId === emailId);
    if (e?.sendStatus === status) {
      return e;
    }
    await sleep(100);
  }
  assert.fail(`email ${emailId} never became ${status}`);
}

/** Has a customer email the support address and returns their thread. */
async function inboundThread() {
  const from = `ann-${uid()}@example.com`;
  const subject = `Printer ${uid()}`;
  const answer = await sendMail(from, env.emailSupportAddress,
    customerMessage({ from, subject, text: 'My printer is on fire.\n\nOn Mon, Bob wrote:\n> older' }));
  assert.match(answer, /^250 /);
  const customer = ok(await c().getCustomerByEmail({ email: from }));
  assert.equal(customer.fullName, 'Ann Customer');
  const threads = ok(await c().getThreads({ filters: { customerIds: [customer.id] } }));
  assert.equal(threads.threads.length, 1);
  return { customer, thread: threads.threads[0], from, subject };
}

test('a customer email becomes an EMAIL thread; replyToEmail answers it and the relay takes it', async () => {
  const { customer, thread, from, subject } = await inboundThread();
  assert.equal(thread.title, subject);
  const { thread: t, entries } = await emails(thread.id);
  assert.equal(t.channel, 'EMAIL');
  assert.deepEqual(t.supportEmailAddresses, [env.emailSupportAddress]);
  assert.equal(t.lastInboundMessageInfo.messageSource, 'EMAIL');
  assert.equal(entries.length, 1);
  const inbound = entries[0];
  assert.equal(inbound.textContent, 'My printer is on fire.');
  assert.equal(inbound.fullTextContent, 'My printer is on fire.\n\nOn Mon, Bob wrote:\n> older');
  assert.equal(inbound.hasMoreTextContent, true);
  assert.equal(inbound.isStartOfThread, true);
  assert.equal(inbound.sendStatus, null);
  assert.deepEqual(inbound.from.emailActor, { __typename: 'CustomerEmailActor', customerId: customer.id });
  assert.ok(inbound.receivedAt.iso8601);

  const email = ok(await c().replyToEmail({ inReplyToEmailId: inbound.emailId, textContent: 'Is it plugged in?',
    markdownContent: 'Is it **plugged in**?', additionalRecipients: [{ email: 'boss@example.com', name: 'Boss' }] }));
  assert.match(email.id, new RegExp(`^em_${ulid}$`));
  assert.equal(email.inReplyToEmailId, inbound.emailId);
  assert.equal(email.subject, `Re: ${subject}`);
  assert.equal(email.textContent, 'Is it plugged in?');
  assert.equal(email.markdownContent, 'Is it **plugged in**?');
  assert.deepEqual(email.from.emailActor, { __typename: 'SupportEmailAddressEmailActor', supportEmailAddress: env.emailSupportAddress });
  assert.equal(email.from.name, 'SDK Support');
  assert.equal(email.to.email, from);
  assert.deepEqual(email.additionalRecipients.map((p) => [p.email, p.name]), [['boss@example.com', 'Boss']]);
  assert.deepEqual(email.attachments, []);
  const sent = await waitStatus(thread.id, email.id, 'SENT');
  assert.ok(sent.sentAt.iso8601);
  assert.equal((await emails(thread.id)).thread.lastOutboundMessageInfo.messageSource, 'EMAIL');

  // An email that was sent can be answered again; so can a customer's.
  ok(await c().replyToEmail({ inReplyToEmailId: email.id, textContent: 'Any news?' }));
  // The customer's reply to Threadline's email threads onto the thread.
  const reply = await sendMail(from, env.emailSupportAddress, customerMessage({ from, subject: `Re: ${subject}`,
    text: 'Yes, it is.', inReplyTo: `${email.id.toLowerCase()}@${env.emailSupportAddress.split('@')[1]}` }));
  assert.match(reply, /^250 /);
  const after = await emails(thread.id);
  assert.equal(after.entries.length, 4);
  assert.equal(after.entries.at(-1).textContent, 'Yes, it is.');
  assert.equal(ok(await c().getThreads({ filters: { customerIds: [customer.id] } })).threads.length, 1);
});

test('sendNewEmail starts an EMAIL thread, or writes on the customer\'s thread', async () => {
  const customer = await createCustomer(c());
  const subject = `Welcome ${uid()}`;
  const data = await gql(c(), `mutation send($input: SendNewEmailInput!) { sendNewEmail(input: $input) {
    email { id subject category customer { id } thread { id title channel } to { email emailActor { __typename } } }
    error { message } } }`, { input: { customerId: customer.id, subject, textContent: 'Hello!', isHiddenFromUser: true } });
  const e = data.sendNewEmail.email;
  assert.equal(data.sendNewEmail.error, null);
  assert.equal(e.subject, subject);
  assert.equal(e.category, 'USER_HIDDEN');
  assert.equal(e.customer.id, customer.id);
  assert.equal(e.thread.title, subject);
  assert.equal(e.thread.channel, 'EMAIL');
  assert.equal(e.to.email, customer.email.email);
  await waitStatus(e.thread.id, e.id, 'SENT');

  const second = ok(await c().sendNewEmail({ customerId: customer.id, threadId: e.thread.id, subject: 'And another thing',
    textContent: 'P.S.', hiddenRecipients: [{ email: 'audit@example.com' }] }));
  assert.equal(second.subject, 'And another thing');
  assert.deepEqual(second.hiddenRecipients.map((p) => p.email), ['audit@example.com']);
  const { entries } = await emails(e.thread.id);
  assert.deepEqual(entries.map((x) => x.emailId), [e.id, second.id]);
  assert.equal(entries[1].isStartOfThread, false);
});

test('replyToThread answers an email thread by email, or as the customer', async () => {
  const { customer, thread, from } = await inboundThread();
  const inbound = (await emails(thread.id)).entries[0];
  assert.equal(ok(await c().replyToThread({ threadId: thread.id, textContent: 'On our way.',
    channelSpecificOptions: { email: { additionalRecipients: [{ email: 'cc@example.com' }], hiddenRecipients: [{ email: 'bcc@example.com' }] } } })), null);
  let { entries } = await emails(thread.id);
  const out = entries.at(-1);
  assert.equal(out.textContent, 'On our way.');
  assert.equal(out.to.email, from);
  assert.deepEqual(out.additionalRecipients.map((p) => p.email), ['cc@example.com']);
  assert.deepEqual(out.hiddenRecipients.map((p) => p.email), ['bcc@example.com']);
  await waitStatus(thread.id, out.emailId, 'SENT');

  ok(await c().markThreadAsDone({ threadId: thread.id }));
  assert.equal(ok(await c().replyToThread({ threadId: thread.id, textContent: 'It is out now, thanks.',
    impersonation: { asCustomer: { customerIdentifier: { customerId: customer.id } } } })), null);
  ({ entries } = await emails(thread.id));
  const theirs = entries.at(-1);
  assert.equal(theirs.textContent, 'It is out now, thanks.');
  assert.equal(theirs.sendStatus, null, 'the customer\'s email is not sent anywhere');
  assert.deepEqual(theirs.from.emailActor, { __typename: 'CustomerEmailActor', customerId: customer.id });
  assert.equal((await emails(thread.id)).thread.status, 'TODO', 'the customer\'s message re-opens the thread');
  assert.ok(entries.length === 3 && entries[0].emailId === inbound.emailId);

  // An API thread is answered by email too: a first email to its customer.
  const api = ok(await c().createThread({ title: `API ${uid()}`, customerIdentifier: { customerId: customer.id },
    components: [{ componentText: { text: 'Hi' } }] }));
  assert.equal(ok(await c().replyToThread({ threadId: api.id, textContent: 'Hello by email' })), null);
  const first = (await emails(api.id)).entries;
  assert.equal(first.length, 1);
  assert.equal(first[0].subject, `Re: ${api.title}`);
  assert.equal(first[0].to.email, from);
});

test('email mutations refuse bad input, unsent emails and missing permissions, writing nothing', async () => {
  const customer = await createCustomer(c());
  const base = { customerId: customer.id, subject: 'Hello', textContent: 'Body' };
  assertValidationError(await c().sendNewEmail({ ...base, subject: 'Hi\r\nBcc: everyone@example.com' }),
    [{ field: 'subject', type: 'VALIDATION' }]);
  assertValidationError(await c().sendNewEmail({ ...base, textContent: ' ' }), [{ field: 'textContent', type: 'REQUIRED' }]);
  const fifty = Array.from({ length: 50 }, (_, i) => ({ email: `cc${i}@example.com` }));
  assertValidationError(await c().sendNewEmail({ ...base, additionalRecipients: fifty.slice(0, 30), hiddenRecipients: fifty.slice(30) }),
    [{ field: 'additionalRecipients', type: 'VALIDATION' }]);
  assertValidationError(await c().sendNewEmail({ ...base, additionalRecipients: [{ email: 'not an address' }] }),
    [{ field: 'additionalRecipients.0.email', type: 'VALIDATION' }]);
  assertNotFound(await c().sendNewEmail({ ...base, customerId: unknownIds.customer }), 'customerId');
  assertNotFound(await c().sendNewEmail({ ...base, threadId: unknownIds.thread }), 'threadId');
  assertNotFound(await c().sendNewEmail({ ...base, fromAlternateSupportEmail: { email: 'ceo@example.com' } }), 'fromAlternateSupportEmail.email');
  assertNotFound(await c().replyToEmail({ inReplyToEmailId: unknownEmail, textContent: 'x' }), 'inReplyToEmailId');
  assertMutationError(await sdk(env.conversationsApiKey).sendNewEmail({ customerId: unknownIds.customer, subject: 'x', textContent: 'x' }),
    { code: 'not_found', fields: [{ field: 'customerId', type: 'NOT_FOUND' }] });
  const elsewhere = await createCustomer(sdk(env.conversationsApiKey));
  assertMutationError(await sdk(env.conversationsApiKey).sendNewEmail({ customerId: elsewhere.id, subject: 'x', textContent: 'x' }),
    { code: 'workspace_email_not_enabled', fields: [] });

  // The relay refuses this recipient for good: the email FAILS, and an
  // email never sent cannot be replied to.
  const refused = await createCustomer(c(), { email: `refused-${uid()}@example.com` });
  const failed = ok(await c().sendNewEmail({ ...base, customerId: refused.id }));
  const thread = ok(await c().getThreads({ filters: { customerIds: [refused.id] } })).threads[0];
  await waitStatus(thread.id, failed.id, 'FAILED');
  assertMutationError(await c().replyToEmail({ inReplyToEmailId: failed.id, textContent: 'x' }),
    { code: 'cannot_reply_to_unsent_email', fields: [{ field: 'inReplyToEmailId', type: 'VALIDATION' }] });

  // Exactly email:create and email:read send; without email:read, nothing is written.
  ok(await sdk(env.apiKeyEmailCreateRead).sendNewEmail(base));
  assertForbidden(await sdk(env.apiKeyEmailCreate).sendNewEmail(base), 'email:read');
  assertForbidden(await sdk(env.apiKeyEmailCreate).replyToEmail({ inReplyToEmailId: failed.id, textContent: 'x' }), 'email:read');
  const threads = ok(await c().getThreads({ filters: { customerIds: [customer.id] } })).threads;
  assert.equal(threads.length, 1, 'only the permitted sendNewEmail made a thread');
});
