import { describe, expect, it } from 'vitest';
import { csvCell, csvRecord } from './csv-cell.ts';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    ['', ''],
    [' spaced ', ' spaced '],
    ['ünïcödé 😀', 'ünïcödé 😀'],
  ])('quotes %j per RFC 4180 as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['\r=1', `"'\r=1"`],
  ])('guards the formula %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each(['-3', '+1.5', '-1e5', '-.5'])('leaves the number %j alone', (value) => {
    expect(csvCell(value)).toBe(value);
  });

  it('writes numbers as numbers and absent values as empty cells', () => {
    expect(csvCell(0.00125)).toBe('0.00125');
    expect(csvCell(-4)).toBe('-4');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('csvRecord', () => {
  it('joins cells with commas and ends with CRLF', () => {
    expect(csvRecord(['a', 1, null, 'x,y'])).toBe('a,1,,"x,y"\r\n');
  });
});
