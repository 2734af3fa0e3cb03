import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResult } from '../lib/http/response';

/**
 * The operator console's static files (console/dist, built by scripts/build-console.mjs and shipped
 * in this function's package through `package.patterns`). No auth here: the files hold no data, and
 * every API call the console makes carries the admin token. Paths that are not files (the app's own
 * routes, e.g. /console/members) get index.html.
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

/**
 * Where the built files are: CONSOLE_DIST_DIR if set; in Lambda, console/dist in the package
 * (LAMBDA_TASK_ROOT); under serverless-offline (which sets LAMBDA_TASK_ROOT to /var/task without
 * any files there) and in tests, console/dist under the working directory.
 */
let dist: string | undefined;
async function distDir(): Promise<string> {
  if (!dist) {
    const candidates = [process.env.CONSOLE_DIST_DIR, process.env.LAMBDA_TASK_ROOT && join(process.env.LAMBDA_TASK_ROOT, 'console', 'dist'), join(process.cwd(), 'console', 'dist')].filter((d): d is string => !!d);
    for (const d of candidates) {
      if (await readFile(join(d, 'index.html')).then(() => true, () => false)) {
        dist = d;
        break;
      }
    }
  }
  return dist ?? join(process.cwd(), 'console', 'dist');
}

const cache = new Map<string, Buffer | null>();

async function load(file: string): Promise<Buffer | null> {
  const key = join(await distDir(), file);
  if (!cache.has(key)) cache.set(key, await readFile(key).catch(() => null));
  return cache.get(key)!;
}

function extension(p: string): string {
  const m = /\.[a-z0-9]+$/i.exec(p);
  return m ? m[0].toLowerCase() : '';
}

export async function handleConsole(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const method = event.requestContext.http.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return { statusCode: 405, headers: { allow: 'GET, HEAD' }, body: '' };
  const path = event.rawPath ?? event.requestContext.http.path;
  // /console and /console/ both get index.html (no redirect: serverless-offline hands /console/ over
  // as /console, so a redirect would loop); index.html names its assets by absolute paths.
  const rel = normalize(decodeURIComponent(path.replace(/^\/console\/?/, ''))).replace(/^(\.\.(\/|$))+/, '');
  const ext = extension(rel);
  // An asset (has an extension): the file or 404. Anything else is one of the app's routes.
  const file = ext && !rel.includes('..') ? rel : 'index.html';
  const body = await load(file);
  if (!body) {
    if (file === 'index.html') return { statusCode: 503, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'console not built: run `node scripts/build-console.mjs`' };
    return { statusCode: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found' };
  }
  const type = TYPES[extension(file)] ?? 'application/octet-stream';
  const text = type.startsWith('text/') || type.includes('json') || type.includes('svg');
  return {
    statusCode: 200,
    headers: {
      'content-type': type,
      // index.html always revalidates (it names the bundle); the bundle is small, so a short cache is enough.
      'cache-control': file === 'index.html' ? 'no-cache' : 'public, max-age=300',
      'x-content-type-options': 'nosniff',
    },
    body: method === 'HEAD' ? '' : text ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !text && method !== 'HEAD',
  };
}

export const handler = handleConsole;
