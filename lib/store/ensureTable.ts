import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { errorName } from './dynamo';
import { readTableDefinition } from './tableDefinition';

/** Creates the table from serverless.yml's declaration if it does not exist yet (local stack, tests). */
export async function ensureTable(endpoint: string, name: string, serverlessYml = 'serverless.yml', region = 'us-east-1'): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const def = readTableDefinition(serverlessYml);
    try {
      await client.send(new DescribeTableCommand({ TableName: name }));
      return;
    } catch (err) {
      if (errorName(err) !== 'ResourceNotFoundException') throw err;
    }
    try {
      await client.send(new CreateTableCommand(def.create(name)));
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
    if (def.ttlAttribute) {
      await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } }));
    }
  } finally {
    client.destroy();
  }
}
