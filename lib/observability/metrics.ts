import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The app's metrics, written by Powertools Metrics as CloudWatch embedded metric format (EMF) lines
 * on stdout, which CloudWatch turns into metrics in the POWERTOOLS_METRICS_NAMESPACE namespace with
 * the stage's POWERTOOLS_SERVICE_NAME as the `service` dimension (serverless.yml sets both; the alarms
 * read them there). Each data point is written when it happens (a single metric), so nothing waits
 * for a flush and invocations running side by side (tests) never mix their points. Off in tests
 * unless POWERTOOLS_METRICS_DISABLED=false; docs/operations.md lists every metric.
 */
let metrics: Metrics | undefined;

function enabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const disabled = env.POWERTOOLS_METRICS_DISABLED?.toLowerCase();
  if (disabled !== undefined && disabled !== '') return disabled !== 'true' && disabled !== '1';
  return env.NODE_ENV !== 'test';
}

export type Unit = 'Count' | 'Milliseconds' | 'Seconds';

/** One data point of `name`, with `dimensions` besides `service`. */
export function metric(name: string, value: number, unit: Unit = 'Count', dimensions: Record<string, string> = {}): void {
  if (!enabled()) return;
  metrics ??= new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'wechat-oa-crm',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'wechat-oa-crm-local',
  });
  const single = metrics.singleMetric();
  for (const [key, v] of Object.entries(dimensions)) single.addDimension(key, v);
  single.addMetric(name, MetricUnit[unit], value);
}

/** `counts` ({ sent: 3, failed: 1 }) as one point each of `name` with the key as the `dimension`. */
export function countsBy(name: string, dimension: string, counts: Record<string, number>): void {
  for (const [key, n] of Object.entries(counts)) if (n > 0) metric(name, n, 'Count', { [dimension]: key });
}

/** How many of each: `['sent', 'sent', 'failed']` → `{ sent: 2, failed: 1 }`. */
export function tally(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}
