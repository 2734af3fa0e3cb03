import { readFileSync } from 'node:fs';
import { DEFAULT_SCHEMA, load, Type } from 'js-yaml';

// CloudFormation short-form tags (!Ref, !GetAtt, …) only need to parse: each becomes `{ Ref: data }`,
// `{ GetAtt: data }` …, for the reader to resolve what it needs.
const CFN_TAGS = [
  'Ref',
  'GetAtt',
  'Sub',
  'Join',
  'If',
  'Equals',
  'Select',
  'Split',
  'ImportValue',
  'FindInMap',
  'Not',
  'And',
  'Or',
  'Base64',
  'Cidr',
  'GetAZs',
];
const schema = DEFAULT_SCHEMA.extend(
  CFN_TAGS.flatMap((name) =>
    (['scalar', 'sequence', 'mapping'] as const).map((kind) => new Type(`!${name}`, { kind, construct: (data: unknown) => ({ [name]: data }) })),
  ),
);

/** serverless.yml (or a fragment of it) as data, CloudFormation tags included. */
export function readCloudFormationYaml(path: string): unknown {
  return load(readFileSync(path, 'utf8'), { schema }) ?? {};
}
