// Conversations through the SDK's methods: notes, thread and customer
// events, chats both ways, replies, the timelines they appear on, what a
// customer's message does to a thread's status, and the webhooks of each,
// verified with the SDK's verifyPlainWebhook. Everything runs in a workspace
// of its own (env.conversationsApiKey).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { before, test } from 'node:test';

import { verifyPlainWebhook } from '@team-plain/typescript-sdk';

import { assertDateTime, env, ok, ulid } from './env.mjs';
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

const c = () => sdk(env.conversationsApiKey);
const me = () => ({ __typename: 'MachineUserActor', machineUserId: env.conversationsMachineUserId });
const sleep = (n) => new Promise((resolve) => setTimeout(resolve, n));
const text = (t) => [{ componentText: { text: t } }];

let customer;

before(async () => {
  customer = await createCustomer(c());
});

/** Creates a thread of a customer (API channel unless given). */
async function newThread(extra = {}, who = customer) {
  return ok(
    await c().createThread({
      title: `Conversation ${uid()}`,
      customerIdentifier: { customerId: who.id },
      components: text('First message'),
      ...extra,
    })
  );
}

const timelineQuery = `query timeline($threadId: ID!, $first: Int, $last: Int, $filters: ThreadTimelineEntriesFilter) {
  thread(threadId: $threadId) { id status statusDetail { __typename }
    lastInboundMessageInfo { messageSource timestamp { iso8601 } } lastOutboundMessageInfo { messageSource }
    timelineEntries(first: $first, last: $last, filters: $filters) {
      pageInfo { hasNextPage hasPreviousPage }
      edges { node { id threadId customerId llmText timestamp { __typename iso8601 unixTimestamp } actor { __typename }
        entry { __typename
          ... on NoteEntry { noteId text markdown isEdited }
          ... on ChatEntry { chatId chatText: text attachments { id } }
          ... on ThreadEventEntry { timelineEventId title externalId components { __typename ... on ComponentText { text } } }
          ... on CustomerEventEntry { timelineEventId title customerId }
          ... on ThreadStatusTransitionedEntry { previousStatus nextStatus }
        } } } } } }`;

/** Reads a thread with its timeline's entries (oldest first). */
async function timeline(threadId, vars = {}, key = env.conversationsApiKey) {
  const data = await gql(sdk(key), timelineQuery, { threadId, ...vars });
  assert.ok(data.thread, `thread ${threadId}`);
  return { thread: data.thread, entries: data.thread.timelineEntries.edges.map((e) => e.node) };
}

const types = (entries) => entries.map((e) => e.entry.__typename);

test('createNote adds a note to the thread timeline; updateNote and deleteNote change it', async () => {
  const thread = await newThread();
  const note = ok(await c().createNote({ customerId: customer.id, threadId: thread.id, text: 'Call them back', markdown: '**Call them back**' }));
  assert.equal(note.__typename, 'Note');
  assert.match(note.id, new RegExp(`^n_${ulid}$`));
  assert.equal(note.text, 'Call them back');
  assert.equal(note.markdown, '**Call them back**');

  let { entries } = await timeline(thread.id);
  assert.deepEqual(types(entries), ['CustomEntry', 'NoteEntry']);
  const entry = entries[1];
  assert.match(entry.id, new RegExp(`^t_${ulid}$`));
  assert.deepEqual(entry.entry, { __typename: 'NoteEntry', noteId: note.id, text: 'Call them back', markdown: '**Call them back**', isEdited: false });
  assert.equal(entry.llmText, 'Internal note: Call them back');
  assert.equal(entry.threadId, thread.id);
  assert.equal(entry.customerId, customer.id);
  assert.deepEqual(entry.actor, { __typename: 'MachineUserActor' });
  assertDateTime(entry.timestamp);

  const edit = await gql(c(), `mutation($in: UpdateNoteInput!) { updateNote(input: $in) { note { id text isEdited editedBy { __typename } } error { code } } }`,
    { in: { noteId: note.id, text: 'Called them back' } });
  assert.deepEqual(edit.updateNote.note, { id: note.id, text: 'Called them back', isEdited: true, editedBy: { __typename: 'MachineUserActor' } });
  ({ entries } = await timeline(thread.id));
  assert.equal(entries[1].entry.text, 'Called them back');
  assert.equal(entries[1].entry.isEdited, true);

  const del = await gql(c(), `mutation($id: ID!) { deleteNote(input: {noteId: $id}) { note { id isDeleted deletedAt { iso8601 } } error { code } } }`, { id: note.id });
  assert.equal(del.deleteNote.note.isDeleted, true);
  ({ entries } = await timeline(thread.id));
  assert.deepEqual(types(entries), ['CustomEntry'], 'a deleted note leaves the timeline');
  const again = await gql(c(), `mutation($id: ID!) { deleteNote(input: {noteId: $id}) { error { code fields { field type } } } }`, { id: note.id });
  assert.equal(again.deleteNote.error.code, 'not_found');
});

test('createNote refuses an empty note, an unknown thread or customer, and writes nothing', async () => {
  const thread = await newThread();
  assertValidationError(await c().createNote({ customerId: customer.id, threadId: thread.id, text: '   ' }), [{ field: 'text', type: 'REQUIRED' }]);
  assertNotFound(await c().createNote({ customerId: customer.id, threadId: unknownIds.thread, text: 'x' }), 'threadId');
  assertNotFound(await c().createNote({ customerId: unknownIds.customer, threadId: thread.id, text: 'x' }), 'customerId');
  const other = await createCustomer(c());
  assertValidationError(await c().createNote({ customerId: other.id, threadId: thread.id, text: 'x' }), [{ field: 'threadId', type: 'VALIDATION' }]);
  const { entries } = await timeline(thread.id);
  assert.deepEqual(types(entries), ['CustomEntry'], 'refused notes write nothing');
});

test('a note on a customer appears on their threads, and on threads created later', async () => {
  const who = await createCustomer(c());
  const before = await newThread({}, who);
  ok(await c().createNote({ customerId: who.id, text: 'VIP' }));
  const after = await newThread({}, who);
  for (const t of [before, after]) {
    const { entries } = await timeline(t.id);
    assert.ok(entries.some((e) => e.entry.__typename === 'NoteEntry' && e.entry.text === 'VIP'), `thread ${t.id}: ${types(entries)}`);
  }
});

test('createThreadEvent adds an event with UI components; externalId is an idempotency key', async () => {
  const thread = await newThread();
  const externalId = `deploy-${uid()}`;
  const ev = ok(await c().createThreadEvent({ threadId: thread.id, title: 'Deployed v2', externalId,
    components: [{ componentText: { text: 'Version 2 is live' } }, { componentDivider: {} }] }));
  assert.match(ev.id, new RegExp(`^tev_${ulid}$`));
  assert.equal(ev.threadId, thread.id);
  assert.equal(ev.customerId, customer.id);
  assert.equal(ev.title, 'Deployed v2');
  assert.deepEqual(ev.createdBy, me());
  assertDateTime(ev.createdAt);
  const { entries } = await timeline(thread.id);
  const entry = entries.at(-1).entry;
  assert.equal(entry.__typename, 'ThreadEventEntry');
  assert.equal(entry.timelineEventId, ev.id);
  assert.equal(entry.externalId, externalId);
  assert.deepEqual(entry.components, [{ __typename: 'ComponentText', text: 'Version 2 is live' }, { __typename: 'ComponentDivider' }]);

  assertMutationError(await c().createThreadEvent({ threadId: thread.id, title: 'Again', externalId, components: text('x') }),
    { code: 'external_id_already_exists', fields: [{ field: 'externalId', type: 'VALIDATION' }] });
  assertValidationError(await c().createThreadEvent({ threadId: thread.id, title: 'Bad', components: [{ componentText: { text: '' } }] }),
    [{ field: 'components.0.componentText.text', type: 'REQUIRED' }]);
  assertValidationError(await c().createThreadEvent({ threadId: thread.id, title: 'Bad', components: [] }),
    [{ field: 'components', type: 'VALIDATION' }]);
  assertNotFound(await c().createThreadEvent({ threadId: unknownIds.thread, title: 'x', components: text('x') }), 'threadId');
  assert.equal((await timeline(thread.id)).entries.length, entries.length, 'refused events write nothing');
});

test('createCustomerEvent appears on the customer timeline and their threads', async () => {
  const who = await createCustomer(c());
  const thread = await newThread({}, who);
  const ev = ok(await c().createCustomerEvent({ customerIdentifier: { customerId: who.id }, title: 'Plan upgraded', components: text('Pro') }));
  assert.equal(ev.__typename, 'CustomerEvent');
  assert.match(ev.id, new RegExp(`^cev_${ulid}$`));
  assert.equal(ev.customerId, who.id);
  assert.deepEqual(ev.createdBy, me());
  const { entries } = await timeline(thread.id);
  assert.deepEqual(entries.at(-1).entry, { __typename: 'CustomerEventEntry', timelineEventId: ev.id, title: 'Plan upgraded', customerId: who.id });
  const data = await gql(c(), `query($id: ID!) { timelineEntries(customerId: $id) { edges { node { id threadId entry { __typename } } } } }`, { id: who.id });
  const nodes = data.timelineEntries.edges.map((e) => e.node);
  assert.ok(nodes.some((n) => n.entry.__typename === 'CustomerEventEntry' && n.threadId === thread.id), JSON.stringify(nodes));
  const one = await gql(c(), `query($c: ID!, $t: ID!) { timelineEntry(customerId: $c, timelineEntryId: $t) { id llmText } }`,
    { c: who.id, t: entries.at(-1).id });
  assert.equal(one.timelineEntry.llmText, 'Customer event: Plan upgraded\nPro');

  assertValidationError(await c().createCustomerEvent({ customerIdentifier: { customerId: who.id }, title: 'x',
    components: [{ componentLinkButton: { linkButtonLabel: 'Go', linkButtonUrl: 'not a url' } }] }),
    [{ field: 'components.0.componentLinkButton.linkButtonUrl', type: 'VALIDATION' }]);
  assertNotFound(await c().createCustomerEvent({ customerIdentifier: { customerId: unknownIds.customer }, title: 'x', components: text('x') }),
    'customerIdentifier.customerId');
});

test('sendChat starts a chat thread and answers on it; sendCustomerChat writes as the customer', async () => {
  const first = ok(await c().sendChat({ customerId: customer.id, text: 'Hi, how can we help?' }));
  assert.match(first.id, new RegExp(`^ch_${ulid}$`));
  assert.equal(first.text, 'Hi, how can we help?');
  assert.deepEqual(first.attachments, []);
  assertDateTime(first.createdAt);
  const threads = ok(await c().getThreads({ filters: { customerIds: [customer.id] } })).threads;
  const chatThread = threads.find((t) => t.title === 'Hi, how can we help?');
  assert.ok(chatThread, `the chat started a thread: ${JSON.stringify(threads.map((t) => t.title))}`);

  const reply = ok(await c().sendCustomerChat({ customerId: customer.id, threadId: chatThread.id, text: 'My printer is on fire' }));
  assert.equal(reply.text, 'My printer is on fire');
  const { thread, entries } = await timeline(chatThread.id);
  assert.deepEqual(types(entries), ['ChatEntry', 'ChatEntry']);
  assert.deepEqual(entries.map((e) => e.actor.__typename), ['MachineUserActor', 'CustomerActor']);
  assert.deepEqual(entries.map((e) => e.llmText), ['Support: Hi, how can we help?', 'Customer: My printer is on fire']);
  assert.equal(thread.lastInboundMessageInfo.messageSource, 'CHAT');
  assert.equal(thread.lastOutboundMessageInfo.messageSource, 'CHAT');
  assert.equal(thread.lastInboundMessageInfo.timestamp.iso8601, entries[1].timestamp.iso8601);

  const messages = await timeline(chatThread.id, { filters: { isMessage: true }, last: 1 });
  assert.deepEqual(messages.entries.map((e) => e.entry.chatId), [reply.id]);
  assert.equal(messages.thread.timelineEntries.pageInfo.hasPreviousPage, true);

  assertValidationError(await c().sendChat({ customerId: customer.id, threadId: chatThread.id }), [{ field: 'text', type: 'REQUIRED' }]);
  assertNotFound(await c().sendChat({ customerId: customer.id, threadId: unknownIds.thread, text: 'x' }), 'threadId');
  assertNotFound(await c().sendChat({ customerId: unknownIds.customer, text: 'x' }), 'customerId');
  const api = await newThread();
  assertMutationError(await c().sendCustomerChat({ customerId: customer.id, threadId: api.id, text: 'x' }),
    { code: 'thread_is_not_a_chat', fields: [{ field: 'threadId', type: 'VALIDATION' }] });
  assertValidationError(await c().sendChat({ customerId: customer.id, threadId: chatThread.id, text: 'x', timestamp: '2999-01-01T00:00:00Z' }),
    [{ field: 'timestamp', type: 'VALIDATION' }]);
  assert.equal((await timeline(chatThread.id)).entries.length, 2, 'refused chats write nothing');
});

test('replyToThread answers on the thread channel, and refuses threads it cannot answer', async () => {
  const chatThread = await newThread({ channel: 'CHAT' });
  assert.equal(ok(await c().replyToThread({ threadId: chatThread.id, textContent: 'We are on it.' })), null);
  const { entries, thread } = await timeline(chatThread.id);
  assert.equal(entries.at(-1).entry.chatText, 'We are on it.');
  assert.equal(thread.lastOutboundMessageInfo.messageSource, 'CHAT');

  // API threads are answered by email, which this workspace cannot send:
  // it has no support address (the email suite's workspace has one).
  const api = await newThread();
  assertMutationError(await c().replyToThread({ threadId: api.id, textContent: 'Hello' }),
    { code: 'workspace_email_not_enabled', fields: [] });
  assertNotFound(await c().replyToThread({ threadId: unknownIds.thread, textContent: 'Hello' }), 'threadId');
  assertValidationError(await c().replyToThread({ threadId: chatThread.id, textContent: '' }), [{ field: 'textContent', type: 'REQUIRED' }]);
  assert.equal((await timeline(api.id)).entries.length, 1, 'a refused reply writes nothing');
});

test('permissions: timeline:read, note:read and each mutation permission are enforced', async () => {
  const k = sdk(env.apiKeyConversationNoTimeline);
  const thread = await newThread({ channel: 'CHAT' });
  ok(await k.createNote({ customerId: customer.id, threadId: thread.id, text: 'allowed' }));
  const r = await k.rawRequest({ query: timelineQuery, variables: { threadId: thread.id } });
  assertForbidden(r, 'timeline:read');
  const other = sdk(env.apiKeyThreadCreateRead); // thread:create and thread:read only
  assertForbidden(await other.createNote({ customerId: customer.id, threadId: thread.id, text: 'x' }), 'note:create');
  assertForbidden(await other.sendChat({ customerId: customer.id, text: 'x' }), 'chat:create');
  assertForbidden(await other.replyToThread({ threadId: thread.id, textContent: 'x' }), 'thread:reply');
  assertForbidden(await other.createThreadEvent({ threadId: thread.id, title: 'x', components: text('x') }), 'threadEvent:create');
  assertForbidden(await other.createAttachmentUploadUrl({ customerId: customer.id, fileName: 'a.png', fileSizeBytes: 1, attachmentType: 'CHAT' }),
    'attachment:create');
});

test('isolation: another workspace sees nothing of these timelines', async () => {
  const thread = await newThread({ channel: 'CHAT' });
  ok(await c().createNote({ customerId: customer.id, threadId: thread.id, text: 'secret' }));
  const o = sdk(env.conversationsOtherApiKey);
  const data = await gql(o, `query($c: ID!) { timelineEntries(customerId: $c) { edges { node { id } } } }`, { c: customer.id });
  assert.deepEqual(data.timelineEntries.edges, []);
  assert.equal((await gql(o, timelineQuery, { threadId: thread.id })).thread, null);
  assertNotFound(await o.createNote({ customerId: customer.id, threadId: thread.id, text: 'x' }), 'customerId');
  assertNotFound(await o.sendCustomerChat({ customerId: customer.id, threadId: thread.id, text: 'x' }), 'threadId');
  assert.equal((await timeline(thread.id)).entries.length, 2);
});

/** A webhook receiver on loopback keeping every delivery. */
async function receiver(t) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      requests.push({ headers: req.headers, rawBody, body: JSON.parse(rawBody) });
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  return { url: `http://127.0.0.1:${server.address().port}/hooks/${uid()}`, requests };
}

/** Waits for deliveries matching pred, verified with verifyPlainWebhook. */
async function deliveries(rx, secret, pred, n) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const got = rx.requests.filter((r) => pred(r.body));
    if (got.length >= n) {
      return got.map((r) => {
        const v = verifyPlainWebhook(r.rawBody, r.headers['plain-request-signature'], secret);
        assert.equal(v.error, undefined, `verifyPlainWebhook rejected ${r.body.type}: ${v.error?.message}`);
        return v.data;
      });
    }
    assert.ok(Date.now() < deadline, `waited for ${n} deliveries, got ${got.length}: ${rx.requests.map((r) => r.body.type)}`);
    await sleep(50);
  }
}

test("a customer's chat reopens a done thread and wakes one snoozed until they reply, with webhooks", async (t) => {
  const rx = await receiver(t);
  const target = ok(await c().createWebhookTarget({ url: rx.url, description: `Conversations ${uid()}`, isEnabled: true,
    eventSubscriptions: ['thread.chat_received', 'thread.chat_sent', 'thread.note_created', 'thread.thread_status_transitioned',
      'timeline.timeline_entry_changed'].map((eventType) => ({ eventType })) }));
  t.after(() => c().deleteWebhookTarget({ webhookTargetId: target.id }));
  const secret = (await gql(c(), 'query { workspaceHmac { hmacSecret } }')).workspaceHmac.hmacSecret;

  const thread = await newThread({ channel: 'CHAT' });
  const about = (b) => b.payload.thread?.id === thread.id || b.payload.timelineEntry?.threadId === thread.id;
  ok(await c().markThreadAsDone({ threadId: thread.id }));
  ok(await c().sendCustomerChat({ customerId: customer.id, threadId: thread.id, text: 'It is on fire again' }));
  let { thread: now } = await timeline(thread.id);
  assert.equal(now.status, 'TODO');
  assert.equal(now.statusDetail.__typename, 'ThreadStatusDetailNewReply');

  ok(await c().snoozeThread({ threadId: thread.id, statusDetail: 'WAITING_FOR_CUSTOMER' }));
  ok(await c().sendCustomerChat({ customerId: customer.id, threadId: thread.id, text: 'Still there?' }));
  ({ thread: now } = await timeline(thread.id));
  assert.equal(now.status, 'TODO');
  assert.equal(now.statusDetail.__typename, 'ThreadStatusDetailNewReply');
  ok(await c().createNote({ customerId: customer.id, threadId: thread.id, text: 'Escalate' }));

  const received = await deliveries(rx, secret, (b) => b.type === 'thread.chat_received' && about(b), 2);
  assert.deepEqual(received.map((d) => d.payload.chat.text), ['It is on fire again', 'Still there?']);
  for (const d of received) {
    assert.equal(d.payload.thread.status, 'TODO');
    assert.deepEqual(d.payload.thread.statusDetail, { type: 'NEW_REPLY' });
    assert.deepEqual(d.payload.chat.createdBy, { actorType: 'customer', customerId: customer.id });
    assert.equal(d.payload.thread.lastInboundMessageInfo.messageSource, 'CHAT');
  }
  const woke = await deliveries(rx, secret, (b) => b.type === 'thread.thread_status_transitioned' && about(b) &&
    b.payload.thread.statusDetail?.type === 'NEW_REPLY', 2);
  assert.deepEqual(woke.map((d) => `${d.payload.previousThread.status}/${d.payload.previousThread.statusDetail?.type}`),
    ['DONE/DONE_MANUALLY_SET', 'SNOOZED/WAITING_FOR_CUSTOMER']);
  const [note] = await deliveries(rx, secret, (b) => b.type === 'thread.note_created' && about(b), 1);
  assert.equal(note.payload.note.text, 'Escalate');
  const entries = await deliveries(rx, secret, (b) => b.type === 'timeline.timeline_entry_changed' && about(b), 7);
  assert.deepEqual(entries.map((d) => d.payload.changeType), Array(entries.length).fill('ADDED'));
  assert.ok(entries.some((d) => d.payload.timelineEntry.entry.entryType === 'note'));
  assert.ok(entries.some((d) => d.payload.timelineEntry.entry.entryType === 'chat'));
  ok(await c().sendChat({ customerId: customer.id, threadId: thread.id, text: 'Sending help' }));
  const [sent] = await deliveries(rx, secret, (b) => b.type === 'thread.chat_sent' && about(b), 1);
  assert.equal(sent.payload.chat.text, 'Sending help');
});
