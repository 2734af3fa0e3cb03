import type { z } from 'zod';
import type { RouteAudit } from '../audit/auditEntry';
import type { Principal, Role } from '../identity/roles';
import type { HttpResult } from './response';
import { decodePathParam } from './pathParam';
import { failureResponse } from './respond';

export interface RouteRequest {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  /** Parsed JSON body, or the raw text for non-JSON content types. */
  body: unknown;
  rawBody: string;
  contentType: string;
  /** The request's headers, names in lower case (conditional GETs read `if-none-match`); absent: none. */
  headers?: Record<string, string | undefined>;
  /** Who is calling (the admin handler has checked that their roles allow the route). */
  principal: Principal;
  /** API Gateway's request id, for the audit log and the logs. */
  requestId: string;
}

/** A method and a path: what the router matches. */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/admin/members/{openid}` style; a parameter matches one path segment. */
  path: string;
}

/** One endpoint. More fields can be added here and are kept by `compileRoutes`. */
export interface Route extends Endpoint {
  /** Who may call it besides `admin`, who may call everything (`[]`: admins only). Others get 403 naming these. */
  roles: readonly Role[];
  /** How its calls are audited (lib/audit): by default every non-GET call is a change, recorded. */
  audit?: RouteAudit;
  run(req: RouteRequest): Promise<HttpResult>;
}

/** What a public route gets: no principal (nobody is signed in yet). */
export type PublicRouteRequest = Omit<RouteRequest, 'principal'>;

/**
 * A route callable without a principal: only signing in (lib/identity/sessionRoutes.ts). A type of
 * its own, listed apart, so a `Route` cannot become public by leaving out its roles.
 */
export interface PublicRoute extends Endpoint {
  public: true;
  run(req: PublicRouteRequest): Promise<HttpResult>;
}

/** A path segment: a literal, or a parameter (`null`) that matches any one segment. */
type Segment = string | null;

export type CompiledRoute<R extends Endpoint = Route> = R & { segments: Segment[]; names: string[] };

/** `/a/b/` → ['a', 'b']: one leading slash, an optional trailing one. */
function segmentsOf(path: string): string[] {
  return path.slice(1).replace(/\/$/, '').split('/');
}

function compile<R extends Endpoint>(route: R): CompiledRoute<R> {
  const names: string[] = [];
  const segments = segmentsOf(route.path).map((s): Segment => {
    const param = /^\{(\w+)\}$/.exec(s);
    if (!param) return s;
    names.push(param[1]!);
    return null;
  });
  return { ...route, segments, names };
}

/**
 * Which of two routes wins where both match a path: the first segment where they differ decides, a
 * literal beating a parameter (`/members/import` beats `/members/{openid}`). 0: neither is more specific.
 */
function compareSpecificity(a: Segment[], b: Segment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const aLiteral = a[i] !== null;
    const bLiteral = b[i] !== null;
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
}

/** Both routes match some path with the same specificity: the same literals at the same places. */
const sameShape = (a: Segment[], b: Segment[]) => a.length === b.length && a.every((s, i) => s === b[i]);

/**
 * Compiles routes so that matching does not depend on their order; two routes of one method that
 * would match the same paths with the same specificity are refused here, at start, not at a request.
 */
export function compileRoutes<R extends Endpoint>(routes: R[]): CompiledRoute<R>[] {
  const compiled = routes.map(compile);
  for (const [i, a] of compiled.entries()) {
    const twin = compiled.slice(i + 1).find((b) => b.method === a.method && sameShape(a.segments, b.segments));
    if (twin) throw new Error(`ambiguous routes: ${a.method} ${a.path} and ${twin.method} ${twin.path} match the same paths`);
  }
  return compiled;
}

/**
 * Path parameters name items (openids, ids, coupon codes, job ids) and end up in DynamoDB keys,
 * which have a size limit: every parameter is bounded here, once, well below it.
 */
export const MAX_PATH_PARAM_CHARS = 128;

export type Matched<R extends Endpoint = Route> = { route: CompiledRoute<R>; params: Record<string, string> } | { status: 400 | 404 | 405; error: string };

const matchesPath = (segments: Segment[], parts: string[]) =>
  segments.length === parts.length && segments.every((s, i) => (s === null ? parts[i] !== '' : s === parts[i]));

export function matchRoute<R extends Endpoint>(routes: CompiledRoute<R>[], method: string, path: string): Matched<R> {
  if (!path.startsWith('/')) return { status: 404, error: 'no such endpoint' };
  const parts = segmentsOf(path);
  const onPath = routes.filter((r) => matchesPath(r.segments, parts));
  if (onPath.length === 0) return { status: 404, error: 'no such endpoint' };
  const route = onPath.filter((r) => r.method === method).sort((a, b) => compareSpecificity(a.segments, b.segments))[0];
  if (!route) return { status: 405, error: `method ${method} not allowed here` };
  const params: Record<string, string> = {};
  const raw = parts.filter((_p, i) => route.segments[i] === null);
  for (const [i, name] of route.names.entries()) {
    const value = decodePathParam(raw[i]!);
    if (value === undefined) return { status: 400, error: `${name}: not a valid percent-encoded path segment` };
    if (value.length > MAX_PATH_PARAM_CHARS) return { status: 400, error: `${name}: at most ${MAX_PATH_PARAM_CHARS} characters` };
    params[name] = value;
  }
  return { route, params };
}

/** A 400 whose message names the bad field, e.g. `match.pattern: too long`. */
function invalid(error: z.ZodError): HttpResult {
  const issues = error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  return failureResponse({ kind: 'invalid', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), details: { issues } });
}

/** Parses with a zod schema and either hands the value on or answers 400. */
export async function withBody<S extends z.ZodType>(schema: S, body: unknown, then: (value: z.infer<S>) => Promise<HttpResult>): Promise<HttpResult> {
  const parsed = schema.safeParse(body);
  return parsed.success ? then(parsed.data) : invalid(parsed.error);
}
