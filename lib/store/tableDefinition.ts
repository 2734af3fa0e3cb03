import { readFileSync } from 'node:fs';
import { load, Type, DEFAULT_SCHEMA } from 'js-yaml';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

// CloudFormation short-form tags (!Ref, !GetAtt, …) only need to parse, not resolve.
const cfnTags = [
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
].flatMap((name) =>
  (['scalar', 'sequence', 'mapping'] as const).map((kind) => new Type(`!${name}`, { kind, construct: (data: unknown) => ({ [name]: data }) })),
);
const schema = DEFAULT_SCHEMA.extend(cfnTags);

interface TableProperties {
  AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
  KeySchema: CreateTableCommandInput['KeySchema'];
  GlobalSecondaryIndexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
}

/**
 * Reads the table declared in serverless.yml, so the local stack and the tests create exactly the
 * table that CloudFormation deploys: one declaration, no drift.
 */
export function readTableDefinition(serverlessYml = 'serverless.yml'): { create: (name: string) => CreateTableCommandInput; ttlAttribute?: string } {
  const doc = load(readFileSync(serverlessYml, 'utf8'), { schema }) as { resources: { Resources: { Table: { Properties: TableProperties } } } };
  const p = doc.resources.Resources.Table.Properties;
  return {
    ttlAttribute: p.TimeToLiveSpecification?.Enabled ? p.TimeToLiveSpecification.AttributeName : undefined,
    create: (name) => ({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: p.AttributeDefinitions,
      KeySchema: p.KeySchema,
      GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
    }),
  };
}
