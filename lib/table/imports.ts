import type { ImportJobStatus } from '../import/importJobs';
import type { ImportRow, RowError } from '../import/row';
import { decode, list, isNumber, isString, KEY_ATTRIBUTES, oneOf, opt, req, tableItem, without, once, type RawItem, type TableItem } from './codec';
import type { ItemType } from './itemType';
import { personFields, PROFILE_SK } from './members';

/**
 * Lookup items find a person by what other channels know about them. Each points (`targetPk`) to
 * a follower's profile (`MEMBER#<openid>`) or a prospect (`PROSPECT#<id>`); both have `sk PROFILE`.
 */
export const unionidLookup = (unionid: string) => `LOOKUP#UNIONID#${unionid}`;
export const phoneLookup = (phone: string) => `LOOKUP#PHONE#${phone}`;
export const LOOKUP_SK = 'LOOKUP';
export const lookupKey = (pk: string) => ({ pk, sk: LOOKUP_SK });
export const isLookupKey = (key: { pk: string; sk: string }) => key.pk.startsWith('LOOKUP#') && key.sk === LOOKUP_SK;
export const PROSPECT_PREFIX = 'PROSPECT#';
export const prospectPk = (id: string) => `${PROSPECT_PREFIX}${id}`;
export const prospectKey = (id: string) => ({ pk: prospectPk(id), sk: PROFILE_SK });
export const isProspectPk = (pk: string) => pk.startsWith(PROSPECT_PREFIX);

/** Where a lookup item points (undefined for no item). */
export function lookupTarget(item: RawItem | undefined): string | undefined {
  return item ? decode(item, { targetPk: opt(isString) }, 'lookup').targetPk : undefined;
}

/**
 * What imports and linking read of a person's profile, follower or prospect: the identities and
 * spend they merge, the level an import may raise, and the version that guards every change.
 */
const personShape = /* @__PURE__ */ once(() => ({ ...personFields(), level: opt(isString), lifetimePoints: opt(isNumber) }));
export type PersonItem = ReturnType<typeof decodePerson>;
export function decodePerson(item: RawItem) {
  return decode(tableItem(item), personShape(), 'profile');
}

/** Import jobs: a status item and the rows in chunks; jobs not done are listed on gsi1. */
export const importJobPk = (jobId: string) => `IMPORTJOB#${jobId}`;
export const importJobStatusKey = (jobId: string) => ({ pk: importJobPk(jobId), sk: 'STATUS' });
export const importChunkKey = (jobId: string, i: number) => ({ pk: importJobPk(jobId), sk: `CHUNK#${String(i).padStart(5, '0')}` });
export const isImportChunkKey = (key: { pk: string; sk: string }) => key.pk.startsWith('IMPORTJOB#') && key.sk.startsWith('CHUNK#');
/**
 * Jobs not done yet are listed on gsi1 (sparse: the key goes when the job is done). Their chunks
 * still hold rows with phone numbers and unionids, which erasure must reach (forgetPendingRows);
 * a chunk is deleted as soon as it is imported, so a finished job keeps no rows.
 */
export const OPEN_IMPORT_JOBS = 'IMPORTJOB#OPEN';

const jobShape = /* @__PURE__ */ once(() => ({
  jobId: req(isString),
  state: req(oneOf(['queued', 'running', 'done'])),
  totalRows: req(isNumber),
  chunks: req(isNumber),
  nextChunk: req(isNumber),
  created: req(isNumber),
  merged: req(isNumber),
  unchanged: req(isNumber),
  errorCount: req(isNumber),
  errors: req(list<RowError>()),
  createdAt: req(isString),
  finishedAt: opt(isString),
}));

/** A job's status item as the status (without its keys and TTL). */
export function decodeImportJob(item: RawItem): ImportJobStatus {
  return decode(without(item, [...KEY_ATTRIBUTES, 'expiresAt']), jobShape(), 'import job');
}

/** The rows a chunk item holds (none when it is gone). */
export function decodeChunkRows(item: RawItem | undefined): ImportRow[] {
  return item ? (decode(item, { rows: opt(list<ImportRow>()) }, 'import chunk').rows ?? []) : [];
}

/** New subscribers waiting to be linked to an imported prospect (one partition, sorted by time). */
export const PENDING_LINKS_PK = 'LINK#PENDING';
export const linkNoteKey = (atIso: string, openid: string) => ({ pk: PENDING_LINKS_PK, sk: `${atIso}#${openid}` });
export function decodeLinkNote(item: RawItem): TableItem & { openid: string } {
  return decode(tableItem(item), { openid: req(isString) }, 'link note');
}

export const importItemTypes = (): readonly ItemType[] => [
  {
    name: 'lookup',
    key: 'LOOKUP#PHONE#<phone> | LOOKUP#UNIONID#<unionid> / LOOKUP',
    names: ['phone', 'unionid', 'openid'],
    example: lookupKey(phoneLookup('13900000000')),
    writtenBy: 'lib/import/importRows.ts, lib/import/linkProspects.ts',
  },
  { name: 'prospect', key: 'PROSPECT#<id> / PROFILE', names: ['phone', 'unionid'], example: prospectKey('p'), writtenBy: 'lib/import/importRows.ts' },
  {
    name: 'import job status',
    key: 'IMPORTJOB#<job> / STATUS',
    names: [],
    example: importJobStatusKey('j'),
    writtenBy: 'lib/import/importJobs.ts (row errors name rows by number only)',
  },
  {
    name: 'import chunk',
    key: 'IMPORTJOB#<job> / CHUNK#<i>',
    names: ['phone', 'unionid'],
    example: importChunkKey('j', 0),
    writtenBy: 'lib/import/importJobs.ts (createImportJob)',
  },
  {
    name: 'pending link note',
    key: 'LINK#PENDING / <at>#<openid>',
    names: ['openid'],
    example: linkNoteKey('2026-01-01T00:00:00.000Z', 'o'),
    writtenBy: 'lib/import/linkProspects.ts (notePendingLinks)',
  },
];
