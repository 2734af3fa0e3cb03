import { randomBytes } from 'node:crypto';
import type { SandboxState } from './state';
import { wxError, type ErrCode } from './wechat-errors';

/**
 * Temporary media (`/cgi-bin/media/upload` and `/cgi-bin/media/get`): what an account uploads to
 * send as an image, and what followers send (their image messages carry a MediaId the account
 * fetches). Kept in memory for the sandbox's life (WeChat keeps them three days).
 */
export interface StoredMedia {
  type: 'image';
  contentType: string;
  fileName: string;
  bytes: Buffer;
  /** Sandbox ms. */
  createdAt: number;
}

/** WeChat's limit on a temporary image. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const IMAGE_TYPES: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
};

export const newMediaId = () => `SANDBOX_MEDIA_${randomBytes(12).toString('base64url')}`;

/** One part of a multipart/form-data body: its name, file name, type and bytes. */
interface Part {
  name?: string;
  fileName?: string;
  contentType?: string;
  bytes: Buffer;
}

function parts(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const out: Part[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const chunk = body.subarray(start + 2, next - 2); // after CRLF, before the CRLF that precedes the next delimiter
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const head = chunk.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
      out.push({
        name: /\bname="([^"]*)"/i.exec(disposition)?.[1],
        fileName: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
        contentType: /content-type:\s*([^\r\n;]+)/i.exec(head)?.[1]?.trim().toLowerCase(),
        bytes: chunk.subarray(headerEnd + 4),
      });
    }
    at = next;
  }
  return out;
}

/** `POST /cgi-bin/media/upload?type=image` with the file in the form field `media`. */
export function uploadMedia(state: SandboxState, query: Record<string, string>, contentType: string, body: Buffer): Record<string, unknown> {
  if (query.type !== 'image') return { ...wxError(40004, 'the sandbox keeps type=image media only') };
  const boundary = /boundary=("?)([^";]+)\1/i.exec(contentType)?.[2];
  if (!contentType.toLowerCase().startsWith('multipart/form-data') || !boundary) return { ...wxError(41005, 'a multipart/form-data body is required') };
  const media = parts(body, boundary).find((p) => p.name === 'media' && p.fileName !== undefined);
  if (!media || media.bytes.length === 0) return { ...wxError(41005, 'the form field "media" (a file) is required') };
  if (media.bytes.length > MAX_IMAGE_BYTES) return { ...wxError(40009, `images are at most ${MAX_IMAGE_BYTES} bytes`) };
  const type = Object.entries(IMAGE_TYPES).find(([, looksLike]) => looksLike(media.bytes))?.[0];
  if (!type) return { ...wxError(40005, 'not a JPEG or PNG image') };
  const mediaId = newMediaId();
  const createdAt = state.now();
  state.media.set(mediaId, { type: 'image', contentType: type, fileName: media.fileName ?? 'image', bytes: Buffer.from(media.bytes), createdAt });
  return { type: 'image', media_id: mediaId, created_at: Math.floor(createdAt / 1000) };
}

/** `GET /cgi-bin/media/get?media_id=`: the bytes with their type, or WeChat's JSON error. */
export function getMedia(state: SandboxState, query: Record<string, string>): { media: StoredMedia } | { error: Record<string, unknown> } {
  const media = query.media_id ? state.media.get(query.media_id) : undefined;
  return media ? { media } : { error: { ...wxError(40007) } };
}

/** A 1×1 PNG: what a follower's image message shows until a test uploads something else. */
export const FOLLOWER_PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const MEDIA_PATHS = new Set(['/cgi-bin/media/upload', '/cgi-bin/media/get']);
export const isMediaPath = (path: string) => MEDIA_PATHS.has(path);

export type MediaAnswer = { status: number; json: Record<string, unknown> } | { status: number; media: StoredMedia };

/** The two media endpoints (their bodies are bytes, not JSON): the token, the call log, then the work. */
export function handleMediaApi(
  req: { method: string; path: string; query: Record<string, string>; contentType: string; body: Buffer },
  deps: { state: SandboxState; tokens: { check(token: string | undefined): ErrCode | null } },
): MediaAnswer {
  const answer = ((): MediaAnswer => {
    const bad = deps.tokens.check(req.query.access_token);
    if (bad) return { status: 200, json: { ...wxError(bad) } };
    if (req.path === '/cgi-bin/media/upload') {
      if (req.method !== 'POST') return { status: 200, json: { ...wxError(43002) } };
      return { status: 200, json: uploadMedia(deps.state, req.query, req.contentType, req.body) };
    }
    const got = getMedia(deps.state, req.query);
    return 'media' in got ? { status: 200, media: got.media } : { status: 200, json: got.error };
  })();
  const errcode = 'json' in answer && typeof answer.json.errcode === 'number' ? answer.json.errcode : 0;
  deps.state.record({ method: req.method, path: req.path, query: req.query, body: `(${req.body.length} bytes)`, errcode });
  return answer;
}
