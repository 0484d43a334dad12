import { describe, expect, it } from 'vitest';
import { ByteRing } from '../../src/journal/byte-ring.js';

const record = (n: number, length: number) => Buffer.alloc(length, n % 256);
const contents = (ring: ByteRing) => [...ring.records()].map((r) => [r[0], r.length]);

describe('ByteRing', () => {
  it('keeps records in the order written, dropping the oldest past maxRecords', () => {
    const ring = new ByteRing(3, 1024, () => false);
    for (let n = 1; n <= 5; n++) ring.push(record(n, 10));
    expect(contents(ring)).toEqual([
      [3, 10],
      [4, 10],
      [5, 10],
    ]);
  });

  it('wraps round its buffer, dropping exactly the records it writes over', () => {
    const ring = new ByteRing(100, 100, () => false);
    expect(ring.push(record(1, 40))).toBe(0);
    expect(ring.push(record(2, 40))).toBe(0);
    // 20 bytes left at the end: a 30-byte record goes to the start, over record 1 only.
    expect(ring.push(record(3, 30))).toBe(1);
    expect(contents(ring)).toEqual([
      [2, 40],
      [3, 30],
    ]);
    // 10 bytes free before record 2: a 20-byte record overwrites it; the 20 bytes at the end stay unused.
    expect(ring.push(record(4, 20))).toBe(1);
    expect(contents(ring)).toEqual([
      [3, 30],
      [4, 20],
    ]);
    // Fits between record 4 and the end: nothing dropped.
    expect(ring.push(record(5, 50))).toBe(0);
    // Does not fit after record 5: back to the start, over 3 and 4 (the oldest) but not 5.
    expect(ring.push(record(6, 45))).toBe(2);
    expect(contents(ring)).toEqual([
      [5, 50],
      [6, 45],
    ]);
  });

  it('never writes over a newer record when the oldest lie at the end of the buffer', () => {
    const ring = new ByteRing(100, 100, () => false);
    ring.push(record(1, 35)); // 0..35
    ring.push(record(2, 35)); // 35..70
    ring.push(record(3, 25)); // 70..95
    ring.push(record(4, 35)); // wraps to 0..35, over 1
    ring.push(record(5, 35)); // 35..70, over 2
    expect(contents(ring)).toEqual([
      [3, 25],
      [4, 35],
      [5, 35],
    ]);
    // 30 bytes from 70 to the end, where 3 (the oldest) lies: a 31-byte record goes to the start, so 3 goes
    // first, then 4, which it overwrites; 5 stays, intact.
    expect(ring.push(record(6, 31))).toBe(2);
    expect(contents(ring)).toEqual([
      [5, 35],
      [6, 31],
    ]);
    expect([...ring.records()][0]!.every((byte) => byte === 5)).toBe(true);
  });

  it('grows while it holds fewer than maxRecords, as far as the caller allows', () => {
    let granted = 0;
    const ring = new ByteRing(10, 64, (from, to) => {
      if (to > 256) return false;
      granted += to - from;
      return true;
    });
    for (let n = 1; n <= 10; n++) ring.push(record(n, 25));
    // 256 bytes hold 10 records of 25: the ring doubled twice and dropped nothing.
    expect(ring.capacity).toBe(256);
    expect(granted).toBe(192);
    expect(contents(ring).map(([n]) => n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Past what it may grow to, the oldest go instead.
    for (let n = 11; n <= 20; n++) ring.push(record(n, 30));
    expect(ring.capacity).toBe(256);
    expect(contents(ring).every(([, length]) => length === 30)).toBe(true);
    expect(contents(ring).map(([n]) => n)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it('agrees with a plain array model over random pushes and shifts', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const ring = new ByteRing(50, 512, (_from, to) => to <= 2048);
    let model: Array<[number, number]> = [];
    for (let n = 1; n <= 5000; n++) {
      if (random() < 0.1) {
        ring.shift();
        model.shift();
        continue;
      }
      const length = 1 + Math.floor(random() * 120);
      const dropped = ring.push(record(n, length));
      model.push([n % 256, length]);
      model = model.slice(dropped);
      expect(contents(ring)).toEqual(model);
    }
    // Bytes held never exceed the buffer.
    expect(model.reduce((sum, [, length]) => sum + length, 0)).toBeLessThanOrEqual(ring.capacity);
  });
});
