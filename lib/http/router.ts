import { z } from 'zod';
import type { HttpResult } from './response';
import { json } from './response';
import { decodePathParam } from './pathParam';

export interface RouteRequest {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  /** Parsed JSON body, or the raw text for non-JSON content types. */
  body: unknown;
  rawBody: string;
  contentType: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/admin/members/{openid}` style; a parameter matches one path segment. */
  path: string;
  run(req: RouteRequest): Promise<HttpResult>;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((r) => {
    const names: string[] = [];
    const regex = new RegExp(
      '^' + r.path.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)')).replace(/\//g, '\\/') + '\\/?$',
    );
    return { ...r, regex, names };
  });
}

/**
 * Path parameters name items (openids, ids, coupon codes, job ids) and end up in DynamoDB keys,
 * which have a size limit: every parameter is bounded here, once, well below it.
 */
export const MAX_PATH_PARAM_CHARS = 128;

export type Matched = { route: CompiledRoute; params: Record<string, string> } | { status: 400 | 404 | 405; error: string };

export function matchRoute(routes: CompiledRoute[], method: string, path: string): Matched {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    for (const [i, name] of route.names.entries()) {
      const value = decodePathParam(m[i + 1]!);
      if (value === undefined) return { status: 400, error: `${name}: not a valid percent-encoded path segment` };
      if (value.length > MAX_PATH_PARAM_CHARS) return { status: 400, error: `${name}: at most ${MAX_PATH_PARAM_CHARS} characters` };
      params[name] = value;
    }
    return { route, params };
  }
  return pathMatched ? { status: 405, error: `method ${method} not allowed here` } : { status: 404, error: 'no such endpoint' };
}

/** A 400 whose message names the bad field, e.g. `match.pattern: too long`. */
export function invalid(error: z.ZodError): HttpResult {
  const issues = error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  return json(400, { error: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues });
}

/** Parses with a zod schema and either hands the value on or answers 400. */
export async function withBody<S extends z.ZodType>(schema: S, body: unknown, then: (value: z.infer<S>) => Promise<HttpResult>): Promise<HttpResult> {
  const parsed = schema.safeParse(body);
  return parsed.success ? then(parsed.data) : invalid(parsed.error);
}

export const notFound = (what: string) => json(404, { error: `${what} not found` });
