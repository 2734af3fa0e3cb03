import { join } from 'node:path';

/**
 * Where the console's built files may be, first match wins: CONSOLE_DIST_DIR if set; in Lambda,
 * console/dist in the package (LAMBDA_TASK_ROOT); under serverless-offline (which sets
 * LAMBDA_TASK_ROOT to /var/task without any files there) and in tests, console/dist under the
 * working directory.
 */
export function consoleDistCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.CONSOLE_DIST_DIR, env.LAMBDA_TASK_ROOT && join(env.LAMBDA_TASK_ROOT, 'console', 'dist'), join(process.cwd(), 'console', 'dist')].filter(
    (d): d is string => !!d,
  );
}
