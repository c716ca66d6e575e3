import { describe, expect, it } from 'vitest';
import { recordCounter } from './record-counter.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('recordCounter', () => {
  it('counts CSV records, not line breaks inside quoted fields, across chunk borders', () => {
    const count = recordCounter('csv');
    expect(count(bytes('trace_id,note\r\n'))).toBe(0);
    expect(count(bytes('tr-1,"two\r\nli'))).toBe(0);
    expect(count(bytes('nes ""quoted"""\r\ntr-2,plain\r'))).toBe(1);
    expect(count(bytes('\ntr-3,x\r\n'))).toBe(3);
  });

  it('counts JSONL lines', () => {
    const count = recordCounter('jsonl');
    expect(count(bytes('{"info":{"a":"x\\ny \\""}}\n{"info"'))).toBe(1);
    expect(count(bytes(':{}}\n'))).toBe(2);
  });
});
