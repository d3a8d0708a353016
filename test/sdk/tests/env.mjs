// Shared configuration of the SDK tests. The Go driver (../sdk_test.go)
// starts a Threadline server, seeds it through the CLI and passes what it
// created in these environment variables.
import assert from 'node:assert/strict';

import { PlainClient } from '@team-plain/typescript-sdk';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set; run these tests through "go test ./test/sdk/"`);
  }
  return value;
}

export const env = {
  apiUrl: required('THREADLINE_API_URL'),
  apiKey: required('THREADLINE_API_KEY'),
  apiKeyNoUserRead: required('THREADLINE_API_KEY_NO_USER_READ'),
  workspaceId: required('THREADLINE_WORKSPACE_ID'),
  userId: required('THREADLINE_USER_ID'),
  userEmail: required('THREADLINE_USER_EMAIL'),
  userName: required('THREADLINE_USER_NAME'),
  otherUserId: required('THREADLINE_OTHER_USER_ID'),
  otherUserEmail: required('THREADLINE_OTHER_USER_EMAIL'),
  // The machine user that owns apiKey: everything done with it is theirs.
  machineUserId: required('THREADLINE_MACHINE_USER_ID'),
  // Exactly "thread:create,thread:read", the permissions Plain's docs give
  // for createThread.
  apiKeyThreadCreateRead: required('THREADLINE_API_KEY_THREAD_CREATE_READ'),
  // Every permission getThread's selection needs except customer:read.
  apiKeyNoCustomerRead: required('THREADLINE_API_KEY_NO_CUSTOMER_READ'),
  // thread:read and label:read only: labels, but not their label types.
  apiKeyLabelRead: required('THREADLINE_API_KEY_LABEL_READ'),
  // All-permission keys of workspaces of their own, each used by a single
  // test file: customer paging (exact totals) and required thread fields
  // (which would break every other createThread of a shared workspace).
  pagingApiKey: required('THREADLINE_PAGING_API_KEY'),
  fieldsApiKey: required('THREADLINE_FIELDS_API_KEY'),
  // Exactly "thread:edit,thread:read", what Plain's docs give for the
  // status and priority mutations; the SDK's thread selection reads more.
  apiKeyThreadEditRead: required('THREADLINE_API_KEY_THREAD_EDIT_READ'),
  // thread:assign and all that ThreadParts reads but user:read.
  apiKeyAssignNoUserRead: required('THREADLINE_API_KEY_ASSIGN_NO_USER_READ'),
  // "label:create,label:read": addLabels, but not the label types it returns.
  apiKeyLabelCreate: required('THREADLINE_API_KEY_LABEL_CREATE'),
  // All-permission keys of more workspaces of their own: required thread
  // fields blocking markThreadAsDone (threadWork), thread field schemas
  // (threadLabelsFields) and exact thread lists (threadList), with two
  // users of the list workspace.
  workApiKey: required('THREADLINE_WORK_API_KEY'),
  // The machine user owning workApiKey: one of another workspace.
  workMachineUserId: required('THREADLINE_WORK_MACHINE_USER_ID'),
  labelsFieldsApiKey: required('THREADLINE_LABELS_FIELDS_API_KEY'),
  listApiKey: required('THREADLINE_LIST_API_KEY'),
  listUserId: required('THREADLINE_LIST_USER_ID'),
  listUser2Id: required('THREADLINE_LIST_USER2_ID'),
  // The webhook suite's workspace, its all-permission key and that key's
  // machine user: targets there receive only the events the suite causes.
  webhooksApiKey: required('THREADLINE_WEBHOOKS_API_KEY'),
  webhooksWorkspaceId: required('THREADLINE_WEBHOOKS_WORKSPACE_ID'),
  webhooksMachineUserId: required('THREADLINE_WEBHOOKS_MACHINE_USER_ID'),
  // The server's webhook retry schedule, e.g. "100ms,200ms,300ms".
  webhookRetrySchedule: required('THREADLINE_WEBHOOK_RETRY_SCHEDULE'),
  // The conversation suites' workspace, its all-permission key and that
  // key's machine user; a key of another workspace (isolation); a key of the
  // conversations workspace with all the suites write but no timeline:read,
  // note:read or attachment:download.
  conversationsApiKey: required('THREADLINE_CONVERSATIONS_API_KEY'),
  conversationsMachineUserId: required('THREADLINE_CONVERSATIONS_MACHINE_USER_ID'),
  conversationsOtherApiKey: required('THREADLINE_CONVERSATIONS_OTHER_API_KEY'),
  apiKeyConversationNoTimeline: required('THREADLINE_API_KEY_CONVERSATION_NO_TIMELINE'),
  // Email: the server's SMTP receiver (HOST:PORT), the email workspace's
  // all-permission key and support address, keys of that workspace with
  // exactly "email:create,email:read" and with "email:create" only.
  smtpAddress: required('THREADLINE_SMTP_ADDRESS'),
  emailApiKey: required('THREADLINE_EMAIL_API_KEY'),
  emailSupportAddress: required('THREADLINE_EMAIL_SUPPORT_ADDRESS'),
  apiKeyEmailCreateRead: required('THREADLINE_API_KEY_EMAIL_CREATE_READ'),
  apiKeyEmailCreate: required('THREADLINE_API_KEY_EMAIL_CREATE'),
  // How long attachment upload and download links are valid, in ms.
  attachmentLinkTtlMs: Number(/^(\d+)s$/.exec(required('THREADLINE_ATTACHMENT_LINK_TTL'))?.[1]) * 1000,
  // Accounts (companies, tenants, tiers): an all-permission key of a
  // workspace of their own and its machine user; a key of that workspace
  // reading every account but writing nothing; all-permission keys of the
  // customer group and customer card suites' workspaces; and a key of
  // another workspace, whose accounts the others must never see.
  accountsApiKey: required('THREADLINE_ACCOUNTS_API_KEY'),
  accountsMachineUserId: required('THREADLINE_ACCOUNTS_MACHINE_USER_ID'),
  accountsReadKey: required('THREADLINE_ACCOUNTS_READ_KEY'),
  groupsApiKey: required('THREADLINE_GROUPS_API_KEY'),
  cardsApiKey: required('THREADLINE_CARDS_API_KEY'),
  accountsOtherApiKey: required('THREADLINE_ACCOUNTS_OTHER_API_KEY'),
  // A certificate for 127.0.0.1 the server trusts, and its key: the cards
  // suite serves its card API with them.
  cardsTlsCert: required('THREADLINE_CARDS_TLS_CERT'),
  cardsTlsKey: required('THREADLINE_CARDS_TLS_KEY'),
};

/** A client of the server under test; apiKey defaults to the all-permissions key. */
export function client(apiKey = env.apiKey) {
  return new PlainClient({ apiKey, apiUrl: env.apiUrl });
}

/** Returns result.data after asserting the SDK reported no error. */
export function ok(result) {
  assert.equal(result.error, undefined, `unexpected SDK error: ${JSON.stringify(result.error)}`);
  return result.data;
}

/** Asserts a DateTime object is well-formed and self-consistent. */
export function assertDateTime(dt) {
  assert.equal(dt.__typename, 'DateTime');
  assert.match(dt.iso8601, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.match(dt.unixTimestamp, /^\d+$/, 'unixTimestamp is milliseconds, as a string');
  assert.equal(Date.parse(dt.iso8601), Number(dt.unixTimestamp));
}

/** Crockford base-32 ULID, as Plain formats its ids after a prefix. */
export const ulid = '[0-9A-HJKMNP-TV-Z]{26}';
