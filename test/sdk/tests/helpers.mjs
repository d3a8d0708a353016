// Helpers shared by the customer, label type and thread suites.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { client as plainClient, env, ok } from './env.mjs';

/** A suffix that makes names, emails and external ids unique to one test. */
export function uid() {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** Ids that are well-formed but belong to nothing. */
export const unknownIds = {
  customer: 'c_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  labelType: 'lt_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  thread: 'th_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  user: 'u_01ARZ3NDEKTSV4RRFFQ69G5FAV',
};

/**
 * A PlainClient whose every call fails the test when the SDK reports an
 * internal_server_error (HTTP 500) or an unknown error (a response the SDK
 * could not read): whatever the input, the server must answer properly.
 */
export function sdk(apiKey = env.apiKey) {
  const c = plainClient(apiKey);
  return new Proxy(c, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') {
        return value;
      }
      return async (...args) => {
        const result = await value.apply(target, args);
        const type = result?.error?.type;
        assert.ok(
          type !== 'internal_server_error' && type !== 'unknown',
          `${String(prop)}(${JSON.stringify(args)}) failed with ${JSON.stringify(result.error)}`
        );
        return result;
      };
    },
  });
}

/** Runs a raw GraphQL request and returns its data, asserting no SDK error. */
export async function gql(c, query, variables = {}) {
  return ok(await c.rawRequest({ query, variables }));
}

/**
 * Asserts result is the SDK's mutation_error with Plain's MutationError
 * details: type, code and exactly the given fields ({field, type}, in any
 * order). message, when given, is the error's message.
 */
export function assertMutationError(result, { type = 'VALIDATION', code, message, fields }) {
  assert.equal(result.data, undefined, `expected an error, got data ${JSON.stringify(result.data)}`);
  assert.equal(result.error?.type, 'mutation_error', JSON.stringify(result.error));
  const d = result.error.errorDetails;
  assert.equal(d.__typename, 'MutationError');
  assert.equal(result.error.message, d.message);
  assert.equal(d.type, type, JSON.stringify(d));
  assert.equal(d.code, code, JSON.stringify(d));
  if (message !== undefined) {
    assert.equal(d.message, message);
  }
  assert.equal(typeof d.message, 'string');
  assert.notEqual(d.message, '');
  for (const f of d.fields) {
    assert.equal(typeof f.message, 'string');
    assert.notEqual(f.message, '', `field error ${f.field} has a message`);
  }
  const got = d.fields.map((f) => ({ field: f.field, type: f.type }));
  const sortKey = (f) => `${f.field}\u0000${f.type}`;
  assert.deepEqual(
    [...got].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
    [...fields].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
    `fields of ${JSON.stringify(d)}`
  );
  return d;
}

/** Asserts the documented shape of a validation error (input_validation). */
export function assertValidationError(result, fields) {
  return assertMutationError(result, { code: 'input_validation', message: 'There was a validation error.', fields });
}

/** Asserts a single NOT_FOUND field error, which Plain reports as not_found. */
export function assertNotFound(result, field) {
  return assertMutationError(result, { code: 'not_found', fields: [{ field, type: 'NOT_FOUND' }] });
}

/** Asserts result is the SDK's forbidden error naming the missing permission. */
export function assertForbidden(result, permission) {
  assert.equal(result.data, undefined, `expected forbidden, got data ${JSON.stringify(result.data)}`);
  assert.equal(result.error?.type, 'forbidden', JSON.stringify(result.error));
  if (permission) {
    assert.match(result.error.message, new RegExp(`"${permission}"`));
  }
}

/** Creates a customer with a unique email and returns it (CustomerParts). */
export async function createCustomer(c, { fullName, email, externalId, shortName } = {}) {
  const id = uid();
  email ??= `customer-${id}@example.com`;
  fullName ??= `Customer ${id}`;
  const onCreate = { fullName, email: { email, isVerified: false } };
  if (externalId !== undefined) {
    onCreate.externalId = externalId;
  }
  if (shortName !== undefined) {
    onCreate.shortName = shortName;
  }
  const data = ok(await c.upsertCustomer({ identifier: { emailAddress: email }, onCreate, onUpdate: {} }));
  assert.equal(data.result, 'CREATED');
  return data.customer;
}

/** Creates a label type with a unique name and returns it (LabelTypeParts). */
export async function createLabelType(c, name = `Label ${uid()}`, icon) {
  return ok(await c.createLabelType(icon === undefined ? { name } : { name, icon }));
}

const createSchemaMutation = `mutation createThreadFieldSchema($input: CreateThreadFieldSchemaInput!) {
  createThreadFieldSchema(input: $input) {
    threadFieldSchema { id key type enumValues isRequired }
    error { message type code fields { field message type } }
  }
}`;

/** Creates a thread field schema through raw GraphQL (not an SDK method). */
export async function createFieldSchema(c, input) {
  const data = await gql(c, createSchemaMutation, {
    input: { description: '', enumValues: [], isRequired: false, isAiAutoFillEnabled: false, order: 0, ...input },
  });
  assert.equal(data.createThreadFieldSchema.error, null, JSON.stringify(data.createThreadFieldSchema.error));
  const schema = data.createThreadFieldSchema.threadFieldSchema;
  assert.equal(schema.key, input.key);
  assert.equal(schema.type, input.type);
  return schema;
}

/** Reads every page of a connection: fetchPage(after) returns {items, pageInfo}. */
export async function allPages(fetchPage) {
  const items = [];
  let after;
  for (let i = 0; i < 1000; i++) {
    const { items: page, pageInfo } = await fetchPage(after);
    items.push(...page);
    if (!pageInfo.hasNextPage) {
      return items;
    }
    assert.ok(pageInfo.endCursor, 'a page with a next page has an endCursor');
    after = pageInfo.endCursor;
  }
  throw new Error('connection did not end after 1000 pages');
}

/** Milliseconds of a DateTime. */
export function ms(dt) {
  return Number(dt.unixTimestamp);
}
