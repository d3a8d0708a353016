// Checks Threadline's served schema against Plain's current client,
// @team-plain/graphql 1.3.0 (run by ../sdk/compat_test.go, not by node --test):
//
//  1. every named type the served schema has is Plain's: the same kind, the
//     same fields with the same types (nullability included) and arguments,
//     the same input fields, enum values, union members, interfaces and
//     deprecations as testdata/plain-core-1.3.0.graphql, and no field of
//     Plain's missing; the root types hold a subset of Plain's operations,
//     each with Plain's signature. Directives of Threadline's own are fine.
//  2. every document of the client whose root fields the server serves
//     validates against the served schema.
//
// It prints the counts, writes every document's text (graphql's print, as
// the client sends it) to the file named by --documents-out, and exits 1 on
// any mismatch or invalid document.
//
// Usage: node schema-compat.mjs --served FILE --reference FILE [--documents-out FILE]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import {
  buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isUnionType,
  print, validate,
} from 'graphql';

const { values: args } = parseArgs({ options: {
  served: { type: 'string' }, reference: { type: 'string' }, 'documents-out': { type: 'string' },
} });
if (!args.served || !args.reference) {
  console.error('usage: node schema-compat.mjs --served FILE --reference FILE [--documents-out FILE]');
  process.exit(2);
}

// The client's documents: every operation it can send, each with the
// fragments it spreads. The package does not export them, so load the file.
const pkgDir = fileURLToPath(new URL('./node_modules/@team-plain/graphql/', import.meta.url));
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const docs = await import(path.join(pkgDir, 'dist', '_generated_documents.js'));

const served = buildSchema(fs.readFileSync(args.served, 'utf8'));
const reference = buildSchema(fs.readFileSync(args.reference, 'utf8'));

const problems = [];
const problem = (msg) => problems.push(msg);

const kindOf = (t) => isObjectType(t) ? 'object' : isInterfaceType(t) ? 'interface' : isUnionType(t) ? 'union'
  : isEnumType(t) ? 'enum' : isInputObjectType(t) ? 'input' : isScalarType(t) ? 'scalar' : '?';
const deprecation = (x) => x.deprecationReason == null ? '' : ` @deprecated`;
const names = (xs) => xs.map((x) => x.name).sort().join(', ');

function compareArgs(where, got, want) {
  const g = new Map(got.map((a) => [a.name, a])), w = new Map(want.map((a) => [a.name, a]));
  for (const [name, a] of w) {
    if (!g.has(name)) problem(`${where}: argument ${name}: ${a.type} is missing`);
    else if (String(g.get(name).type) !== String(a.type)) problem(`${where}(${name}:) is ${g.get(name).type}, Plain's is ${a.type}`);
  }
  for (const name of g.keys()) if (!w.has(name)) problem(`${where}: argument ${name} is not Plain's`);
}

function compareFields(typeName, got, want, { subset = false } = {}) {
  for (const [name, f] of Object.entries(want)) {
    const g = got[name];
    if (!g) {
      if (!subset) problem(`${typeName}.${name}: ${f.type} is missing`);
      continue;
    }
    if (String(g.type) !== String(f.type)) problem(`${typeName}.${name} is ${g.type}, Plain's is ${f.type}`);
    if (deprecation(g) !== deprecation(f)) problem(`${typeName}.${name}: deprecation differs from Plain's`);
    if (f.args) compareArgs(`${typeName}.${name}`, g.args, f.args);
  }
  for (const name of Object.keys(got)) if (!want[name]) problem(`${typeName}.${name} is not a field of Plain's ${typeName}`);
}

// 1. The served schema against Plain's.
let typesCompared = 0;
for (const [name, t] of Object.entries(served.getTypeMap())) {
  if (name.startsWith('__')) continue;
  const r = reference.getType(name);
  if (!r) { problem(`type ${name} is not Plain's`); continue; }
  if (kindOf(t) !== kindOf(r)) { problem(`${name} is a ${kindOf(t)}, Plain's is a ${kindOf(r)}`); continue; }
  typesCompared++;
  const root = name === 'Query' || name === 'Mutation';
  if (isObjectType(t) || isInterfaceType(t) || isInputObjectType(t)) {
    compareFields(name, t.getFields(), r.getFields(), { subset: root });
  }
  if ((isObjectType(t) || isInterfaceType(t)) && names(t.getInterfaces()) !== names(r.getInterfaces())) {
    problem(`${name} implements [${names(t.getInterfaces())}], Plain's [${names(r.getInterfaces())}]`);
  }
  if (isUnionType(t) && names(t.getTypes()) !== names(r.getTypes())) {
    problem(`union ${name} = [${names(t.getTypes())}], Plain's [${names(r.getTypes())}]`);
  }
  if (isInterfaceType(t) && names(served.getPossibleTypes(t)) !== names(reference.getPossibleTypes(r))) {
    problem(`interface ${name} is implemented by [${names(served.getPossibleTypes(t))}], Plain's by [${names(reference.getPossibleTypes(r))}]`);
  }
  if (isEnumType(t)) {
    const g = t.getValues().map((v) => v.name + deprecation(v)).sort().join(', ');
    const w = r.getValues().map((v) => v.name + deprecation(v)).sort().join(', ');
    if (g !== w) problem(`enum ${name} = [${g}], Plain's [${w}]`);
  }
}

// 2. The client's documents against the served schema.
const operations = [];
for (const [exportName, doc] of Object.entries(docs)) {
  const op = doc?.kind === 'Document' && doc.definitions.find((d) => d.kind === 'OperationDefinition');
  if (op) operations.push({ name: op.name?.value ?? exportName, doc, op });
}
const rootType = (op) => (op.operation === 'mutation' ? served.getMutationType() : served.getQueryType());
let servedOps = 0, servedValid = 0, valid = 0;
const out = [];
for (const { name, doc, op } of operations) {
  const errors = validate(served, doc);
  const roots = op.selectionSet.selections.map((s) => s.name.value);
  const isServed = roots.every((f) => rootType(op)?.getFields()[f]);
  if (errors.length === 0) valid++;
  if (isServed) {
    servedOps++;
    if (errors.length === 0) servedValid++;
    else problem(`document ${name} (${op.operation} ${roots.join(', ')}) does not validate: ${errors.slice(0, 3).map((e) => e.message).join(' | ')}`);
  }
  out.push({ name, operation: op.operation, roots, served: isServed, query: print(doc) });
}
if (args['documents-out']) fs.writeFileSync(args['documents-out'], JSON.stringify(out));

console.log(`${pkg.name} ${pkg.version}: ${operations.length} operations`);
console.log(`  operations whose root fields Threadline serves: ${servedOps}; of them valid against the served schema: ${servedValid}`);
console.log(`  valid against the served schema in all: ${valid} of ${operations.length}`);
console.log(`  served types compared with Plain's: ${typesCompared}; mismatches: ${problems.length - (servedOps - servedValid)}`);
for (const p of problems) console.log('  MISMATCH ' + p);
if (operations.length === 0) {
  console.log('  no operations found: the package layout changed');
  process.exit(1);
}
process.exit(problems.length ? 1 : 0);
