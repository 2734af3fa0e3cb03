import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { consoleDistCandidates } from '../lib/config/consoleFiles';
import { errorBoundary } from '../lib/http/errorBoundary';
import { json, type HttpResult } from '../lib/http/response';
import { decodePathParam } from '../lib/http/pathParam';
import { lambdaHandler } from '../lib/lambda/handler';

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
 * On every answer. The console is one bundle and one stylesheet from this origin that talks to the
 * admin API on the same origin: nothing inline, nothing from elsewhere, never inside a frame (the
 * admin token is typed into it).
 */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** Where the built files are (lib/config/consoleFiles.ts). */
async function distDir(): Promise<string | undefined> {
  for (const d of consoleDistCandidates()) {
    if (
      await readFile(join(d, 'index.html')).then(
        () => true,
        () => false,
      )
    )
      return d;
  }
  return undefined;
}

/**
 * The built files, read once per container: the cache holds exactly what console/dist holds, so no
 * request path can grow it (a miss is answered without touching the disk).
 */
let files: Promise<ReadonlyMap<string, Buffer>> | undefined;

function builtFiles(): Promise<ReadonlyMap<string, Buffer>> {
  files ??= (async () => {
    const dir = await distDir();
    const found = new Map<string, Buffer>();
    if (!dir) return found;
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const full = join(entry.parentPath, entry.name);
      found.set(
        posix.normalize(
          full
            .slice(dir.length + 1)
            .split('\\')
            .join('/'),
        ),
        await readFile(full),
      );
    }
    // Not built yet: look again next time rather than keep "nothing" for the container's life.
    if (found.size === 0) files = undefined;
    return found;
  })().catch((err) => {
    files = undefined;
    throw err;
  });
  return files;
}

/** What the cache holds (for tests: it is console/dist, whatever was asked for). */
export async function cachedFileNames(): Promise<string[]> {
  return [...(await builtFiles()).keys()].sort();
}

function extension(p: string): string {
  const m = /\.[a-z0-9]+$/i.exec(p);
  return m ? m[0].toLowerCase() : '';
}

const refusal = (statusCode: number, error: string, headers: Record<string, string> = {}): HttpResult =>
  json(statusCode, { error }, { ...CONSOLE_HEADERS, ...headers });

async function serveConsole(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const method = event.requestContext.http.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return refusal(405, 'the console is read with GET', { allow: 'GET, HEAD' });
  const path = event.rawPath ?? event.requestContext.http.path;
  // /console and /console/ both get index.html (no redirect: serverless-offline hands /console/ over
  // as /console, so a redirect would loop); index.html names its assets by absolute paths.
  const decoded = decodePathParam(path.replace(/^\/console\/?/, ''));
  if (decoded === undefined) return refusal(400, 'not a valid percent-encoded path');
  const rel = posix.normalize(decoded || '.');
  // An asset (has an extension): the file or 404. Anything else is one of the app's routes.
  const file = extension(rel) ? rel : 'index.html';
  const built = await builtFiles();
  const body = built.get(file);
  if (!body) {
    if (built.size === 0)
      return {
        statusCode: 503,
        headers: { ...CONSOLE_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
        body: 'console not built: run `node scripts/build-console.mjs`',
      };
    return refusal(404, 'not found');
  }
  const type = TYPES[extension(file)] ?? 'application/octet-stream';
  const text = type.startsWith('text/') || type.includes('json') || type.includes('svg');
  return {
    statusCode: 200,
    headers: {
      ...CONSOLE_HEADERS,
      'content-type': type,
      // index.html always revalidates (it names the bundle); the bundle is small, so a short cache is enough.
      'cache-control': file === 'index.html' ? 'no-cache' : 'public, max-age=300',
    },
    body: method === 'HEAD' ? '' : text ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !text && method !== 'HEAD',
  };
}

/** The console's files; no app: nothing here reads the table. */
export const handler = lambdaHandler(serveConsole, { boundary: errorBoundary(CONSOLE_HEADERS) });
