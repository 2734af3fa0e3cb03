/** LOG_LEVEL; tests log errors only unless they ask for more. Read when lib/observability/log.ts loads. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'error' : 'info');
}
