// Attachments through the SDK: createAttachmentUploadUrl, the upload form
// it describes (POSTed as multipart/form-data, as Plain's docs show), the
// attachment named by chats and notes, and signed download links.
// Upload and download links of the server under test expire after
// env.attachmentLinkTtlMs.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { assertDateTime, env, ok, ulid } from './env.mjs';
import { assertMutationError, assertNotFound, assertValidationError, createCustomer, gql, sdk, uid, unknownIds } from './helpers.mjs';

const c = () => sdk(env.conversationsApiKey);
const sleep = (n) => new Promise((resolve) => setTimeout(resolve, n));
const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

let customer;

before(async () => {
  customer = await createCustomer(c());
});

/** Asks for an upload URL of a file for this file's customer. */
async function uploadUrl(fileName, fileSizeBytes, attachmentType = 'CHAT', key = env.conversationsApiKey) {
  return sdk(key).createAttachmentUploadUrl({ customerId: customer.id, fileName, fileSizeBytes, attachmentType });
}

/** POSTs the upload form with a file, as a browser or Plain's docs do. */
async function upload(u, bytes, name = 'file.bin') {
  const form = new FormData();
  for (const { key, value } of u.uploadFormData) {
    form.append(key, value);
  }
  form.append('file', new Blob([bytes]), name);
  const res = await fetch(u.uploadFormUrl, { method: 'POST', body: form });
  return { status: res.status, body: await res.json() };
}

const downloadMutation = `mutation($id: ID!) { createAttachmentDownloadUrl(input: {attachmentId: $id}) {
  attachmentDownloadUrl { downloadUrl expiresAt { iso8601 } attachment { id fileName fileMimeType fileSize { bytes } } }
  error { message type code fields { field message type } } } }`;

test('an attachment is uploaded once through its form, named by a chat and a note, and downloaded', async () => {
  const u = ok(await uploadUrl('screenshot.png', png.length));
  assert.equal(u.__typename, 'AttachmentUploadUrl');
  assert.match(u.attachment.id, new RegExp(`^att_${ulid}$`));
  assert.equal(u.attachment.fileName, 'screenshot.png');
  assert.equal(u.attachment.fileExtension, 'png');
  assert.equal(u.attachment.fileSize.kiloBytes, png.length / 1000);
  assertDateTime(u.expiresAt);
  assert.ok(Number(u.expiresAt.unixTimestamp) > Date.now(), 'the upload URL expires in the future');
  assert.equal(new URL(u.uploadFormUrl).origin, new URL(env.apiUrl).origin, 'Threadline serves the upload itself');

  const res = await upload(u, png);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.attachment.fileMimeType, 'image/png', 'the type is sniffed from the content');
  const again = await upload(u, png);
  assert.equal(again.status, 409, 'an upload URL is single use');

  const thread = ok(await c().createThread({ title: `Attachments ${uid()}`, customerIdentifier: { customerId: customer.id },
    components: [{ componentText: { text: 'See attached' } }], channel: 'CHAT' }));
  const chat = ok(await c().sendChat({ customerId: customer.id, threadId: thread.id, attachmentIds: [u.attachment.id] }));
  assert.deepEqual(chat.attachments, [{ id: u.attachment.id }]);
  assert.equal(chat.text, null);

  const noteUrl = ok(await uploadUrl('notes.txt', 5, 'NOTE'));
  assert.equal((await upload(noteUrl, Buffer.from('hello'))).status, 201);
  const note = await gql(c(), `mutation($in: CreateNoteInput!) { createNote(input: $in) { note { id attachments { id fileName fileMimeType } } error { code } } }`,
    { in: { customerId: customer.id, threadId: thread.id, text: 'See the log', attachmentIds: [noteUrl.attachment.id] } });
  assert.deepEqual(note.createNote.note.attachments, [{ id: noteUrl.attachment.id, fileName: 'notes.txt', fileMimeType: 'text/plain; charset=utf-8' }]);

  const d = (await gql(c(), downloadMutation, { id: u.attachment.id })).createAttachmentDownloadUrl;
  assert.equal(d.error, null);
  assert.equal(d.attachmentDownloadUrl.attachment.fileMimeType, 'image/png');
  const file = await fetch(d.attachmentDownloadUrl.downloadUrl);
  assert.equal(file.status, 200);
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), png);
  assert.equal(file.headers.get('content-type'), 'image/png');
  assert.match(file.headers.get('content-disposition'), /^attachment; filename=/);
  assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
});

test('attachments are refused before upload: blocked types, oversized files, unknown customers', async () => {
  assertMutationError(await uploadUrl('setup.exe', 100), { code: 'attachment_file_type_not_allowed', fields: [{ field: 'fileName', type: 'VALIDATION' }] });
  assertMutationError(await uploadUrl('huge.zip', 7 * 1024 * 1024), { code: 'attachment_file_size_too_large', fields: [{ field: 'fileSizeBytes', type: 'VALIDATION' }] });
  assertValidationError(await uploadUrl(' ', 10), [{ field: 'fileName', type: 'REQUIRED' }]);
  assertNotFound(await c().createAttachmentUploadUrl({ customerId: unknownIds.customer, fileName: 'a.png', fileSizeBytes: 1, attachmentType: 'CHAT' }), 'customerId');
});

test('uploads are refused: larger or smaller than declared, executables, forged, expired', async () => {
  const big = ok(await uploadUrl('big.png', 4));
  const tooBig = await upload(big, Buffer.from('12345'));
  assert.equal(tooBig.status, 413, JSON.stringify(tooBig.body));
  assert.equal(tooBig.body.error.code, 'attachment_file_size_too_large');
  const short = await upload(big, Buffer.from('12'));
  assert.equal(short.status, 400, JSON.stringify(short.body));
  const exe = await upload(big, Buffer.from([0x4d, 0x5a, 0x90, 0x00])); // "MZ": a Windows executable
  assert.equal(exe.status, 415, JSON.stringify(exe.body));
  const [claims, signature] = big.uploadFormData[0].value.split('.');
  const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
  const forged = { ...big, uploadFormData: [{ key: 'token', value: `${claims}.${flipped}` }] };
  assert.equal((await upload(forged, Buffer.from('1234'))).status, 403);
  // Refused uploads used nothing: the form still works.
  assert.equal((await upload(big, Buffer.from('1234'))).status, 201);

  const late = ok(await uploadUrl('late.png', 4));
  await sleep(env.attachmentLinkTtlMs + 1000);
  const expired = await upload(late, Buffer.from('1234'));
  assert.equal(expired.status, 410, JSON.stringify(expired.body));
  assert.equal(expired.body.error.code, 'attachment_token_expired');
  // An attachment never uploaded cannot be named or downloaded.
  assertValidationError(await c().sendChat({ customerId: customer.id, text: 'x', attachmentIds: [late.attachment.id] }),
    [{ field: 'attachmentIds.0', type: 'VALIDATION' }]);
  const d = (await gql(c(), downloadMutation, { id: late.attachment.id })).createAttachmentDownloadUrl;
  assert.equal(d.error.code, 'attachment_not_uploaded');
});

test('download links expire, and another workspace cannot reach an attachment', async () => {
  const u = ok(await uploadUrl('report.pdf', 8));
  assert.equal((await upload(u, Buffer.from('%PDF-1.7'))).status, 201);
  const link = (await gql(c(), downloadMutation, { id: u.attachment.id })).createAttachmentDownloadUrl.attachmentDownloadUrl.downloadUrl;
  assert.equal((await fetch(link)).status, 200);
  const tampered = link.replace(u.attachment.id, unknownIds.thread.replace('th_', 'att_'));
  assert.equal((await fetch(tampered)).status, 403, 'a link is for one attachment');

  const other = await gql(sdk(env.conversationsOtherApiKey), downloadMutation, { id: u.attachment.id });
  assert.equal(other.createAttachmentDownloadUrl.error.code, 'not_found');
  assert.equal(other.createAttachmentDownloadUrl.attachmentDownloadUrl, null);
  const otherCustomer = await createCustomer(sdk(env.conversationsOtherApiKey));
  assertNotFound(await sdk(env.conversationsOtherApiKey).sendChat({ customerId: otherCustomer.id, text: 'x', attachmentIds: [u.attachment.id] }),
    'attachmentIds.0');

  await sleep(env.attachmentLinkTtlMs + 1000);
  const gone = await fetch(link);
  assert.equal(gone.status, 410);
  assert.equal((await gone.json()).error.code, 'attachment_token_expired');
});
