import { readCloudFormationYaml } from './cloudFormationYaml';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

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
  const doc = readCloudFormationYaml(serverlessYml) as { resources: { Resources: { Table: { Properties: TableProperties } } } };
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
