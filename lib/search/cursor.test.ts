import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';

describe('search cursor', () => {
  it('round-trips score, id and position exactly', () => {
    const cursor = { s: 1 / 61 + 1 / 73, id: '3f1c2a9e-7b1d-4c52-9a51-0b8f5d2e6c11', n: 24 };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('rejects anything it did not issue', () => {
    expect(decodeCursor('not-base64-json')).toBeNull();
    expect(decodeCursor(Buffer.from('{"s":1,"id":"x","n":0}').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from("'; drop table assets; --").toString('base64url'))).toBeNull();
  });
});
