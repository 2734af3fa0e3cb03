import { loadConfig } from '../config/config';
import { createApp, type App } from './createApp';

let app: Promise<App> | undefined;

/**
 * The app of this Lambda container: made on the first invocation from the environment (and SSM) and
 * kept for the container's life, shared by whichever handler modules the process loaded. The one
 * module-level instance; everything cached hangs off it. A failed start is retried next invocation.
 */
export function containerApp(): Promise<App> {
  app ??= loadConfig()
    .then((config) => createApp(config))
    .catch((err: unknown) => {
      app = undefined;
      throw err;
    });
  return app;
}
