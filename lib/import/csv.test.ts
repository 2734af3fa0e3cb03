import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { csvObjects, parseCsv } from './csv';

const records = (text: string) => {
  const r = parseCsv(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.records;
};

test('plain lines, LF and CRLF, trailing newline, blank lines', () => {
  assert.deepEqual(records('a,b\n1,2\n'), [
    ['a', 'b'],
    ['1', '2'],
  ]);
  assert.deepEqual(records('a,b\r\n1,2\r\n\r\n3,4'), [
    ['a', 'b'],
    ['1', '2'],
    ['3', '4'],
  ]);
  assert.deepEqual(records('a,b\r1,2'), [
    ['a', 'b'],
    ['1', '2'],
  ]);
  assert.deepEqual(records('a,,c\n,,\n'), [
    ['a', '', 'c'],
    ['', '', ''],
  ]);
});

test('quoted fields hold commas, quotes and line breaks', () => {
  assert.deepEqual(records('name,note\n"王, 小明","他说 ""好吃""\r\n第二行"\n'), [
    ['name', 'note'],
    ['王, 小明', '他说 "好吃"\r\n第二行'],
  ]);
  assert.deepEqual(records('"",x'), [['', 'x']]);
});

test('a BOM (Excel "CSV UTF-8") is dropped', () => {
  const { header, rows } = csvObjects(records('\uFEFFphone,name\n13812345678,李雷\n'));
  assert.deepEqual(header, ['phone', 'name']);
  assert.deepEqual(rows, [{ phone: '13812345678', name: '李雷' }]);
});

test('broken quoting is an error, not a guess', () => {
  assert.equal(parseCsv('a\n"never closed').ok, false);
  assert.equal(parseCsv('"a"b,c').ok, false);
});

test('any table written by the usual rules reads back the same (property)', () => {
  const cell = fc.string({ unit: fc.constantFrom('a', '中', ',', '"', '\n', '\r\n', ' ', '1') });
  fc.assert(
    fc.property(
      fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
      (table, eol, bom) => {
        // Every row has at least two cells, so no record is a blank line.
        const text = (bom ? '\uFEFF' : '') + table.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join(eol) + eol;
        assert.deepEqual(records(text), table);
      },
    ),
  );
});
