import { invalidField, notFound, upstream, type Result } from '../result';
import type { ApiResult } from '../wechat/apiResult';
import type { MediaBytes } from '../wechat/api';

/** WeChat's temporary media, as the inbox uses them: a follower's photo to look at, an image to send. */
export interface MediaPorts {
  getMedia(mediaId: string): Promise<ApiResult<MediaBytes>>;
  uploadImage(image: { fileName: string; contentType: string; bytes: Buffer }): Promise<ApiResult<{ mediaId: string }>>;
}

/** What an agent may upload to send: a JPEG or PNG of up to 2 MB (WeChat's old limit, which every account has). */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
export const UPLOAD_TYPES = ['image/jpeg', 'image/png'] as const;

const LOOKS_LIKE: Record<(typeof UPLOAD_TYPES)[number], (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
};

/** A media file's bytes through `/cgi-bin/media/get`; a media_id WeChat does not know (or has expired: three days) is a 404. */
export async function fetchMedia(ports: MediaPorts, mediaId: string): Promise<Result<MediaBytes>> {
  const got = await ports.getMedia(mediaId);
  if (got.ok) return got;
  if (got.error.errcode === 40007) return notFound(`WeChat has no media ${mediaId} (temporary media are kept three days)`);
  return upstream(`WeChat did not give the media: ${got.error.errcode} ${got.error.errmsg}`, { errcode: got.error.errcode });
}

/** An image for an agent to send: checked to be what it says it is, then `/cgi-bin/media/upload`. */
export async function uploadImage(
  ports: MediaPorts,
  image: { fileName: string; contentType: (typeof UPLOAD_TYPES)[number]; dataBase64: string },
): Promise<Result<{ mediaId: string }>> {
  const bytes = Buffer.from(image.dataBase64, 'base64');
  if (bytes.length === 0) return invalidField('dataBase64', 'empty');
  if (bytes.length > MAX_UPLOAD_BYTES) return invalidField('dataBase64', `at most ${MAX_UPLOAD_BYTES} bytes (this is ${bytes.length})`);
  if (!LOOKS_LIKE[image.contentType](bytes)) return invalidField('dataBase64', `not a ${image.contentType} image`);
  const uploaded = await ports.uploadImage({ fileName: image.fileName, contentType: image.contentType, bytes });
  if (uploaded.ok) return uploaded;
  return upstream(`WeChat did not take the image: ${uploaded.error.errcode} ${uploaded.error.errmsg}`, { errcode: uploaded.error.errcode });
}
