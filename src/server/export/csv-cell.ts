// CSV as RFC 4180 writes it: fields separated by commas, records by CRLF, a field quoted when it
// holds a comma, a double quote, CR or LF, and a quote inside a quoted field doubled.
//
// Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`,
// `-`, `@`, TAB or CR as a formula, and trace content is untrusted. Such text cells get a leading
// `'` (shown by Excel/LibreOffice/Sheets as text, visible in other tools), except text that is a
// plain number such as `-3` or `+1.5`, which no spreadsheet evaluates as a formula.

export type CsvValue = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = value;
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record with its CRLF terminator. */
export function csvRecord(values: readonly CsvValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : ',') + csvCell(values[i]);
  return `${line}\r\n`;
}
