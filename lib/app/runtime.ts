import { systemClock, type Clock } from '../clock/clock';
import { readConfig, type AppConfig } from '../config/config';
import { loadSecretsIntoEnv } from '../config/secrets';
import { createTable, type Table } from '../store/dynamo';

export interface Runtime {
  config: AppConfig;
  table: Table;
  clock: Clock;
}

let runtime: Promise<Runtime> | undefined;

/** Built once per Lambda container (cold start) and shared by every invocation after it. */
export function getRuntime(): Promise<Runtime> {
  runtime ??= (async () => {
    await loadSecretsIntoEnv();
    const config = readConfig();
    return { config, table: createTable(config.tableName, config.dynamoEndpoint, config.dynamoLimits), clock: systemClock };
  })().catch((err) => {
    runtime = undefined;
    throw err;
  });
  return runtime;
}
