export type CsvResult = { ok: true; records: string[][] } | { ok: false; error: string };

/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF, LF or CR; a field in double quotes may
 * hold commas, line breaks and `""` for a quote. A leading UTF-8 BOM (Excel's "CSV UTF-8") is
 * dropped; blank lines are skipped.
 */
export function parseCsv(text: string): CsvResult {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quotedField = false;
  const endRecord = () => {
    record.push(field);
    // A blank line is one empty unquoted field: skip it.
    if (!(record.length === 1 && record[0] === '' && !quotedField)) records.push(record);
    record = [];
    field = '';
    quotedField = false;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' && field === '' && !quotedField) {
      // A quoted field: read to the closing quote.
      quotedField = true;
      i++;
      for (;;) {
        const q = s.indexOf('"', i);
        if (q < 0) return { ok: false, error: `csv: a quoted field in record ${records.length + 1} is never closed` };
        field += s.slice(i, q);
        if (s[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const next = s[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
        return { ok: false, error: `csv: text after a closing quote in record ${records.length + 1}` };
      continue;
    }
    if (c === ',') {
      record.push(field);
      field = '';
      quotedField = false;
      i++;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length > 0 || quotedField) endRecord();
  return { ok: true, records };
}

/** Header line → objects keyed by column name (trimmed). Missing trailing cells read as ''. */
export function csvObjects(records: string[][]): { header: string[]; rows: Record<string, string>[] } {
  const [head = [], ...data] = records;
  const header = head.map((h) => h.trim());
  return { header, rows: data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}
