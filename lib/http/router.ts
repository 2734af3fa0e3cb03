import { z } from 'zod';
import type { HttpResult } from './response';
import { json } from './response';

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

export type Matched = { route: CompiledRoute; params: Record<string, string> } | { status: 404 | 405 };

export function matchRoute(routes: CompiledRoute[], method: string, path: string): Matched {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    return { route, params };
  }
  return { status: pathMatched ? 405 : 404 };
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
