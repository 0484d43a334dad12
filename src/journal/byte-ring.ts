/**
 * A bounded FIFO of byte records in one buffer outside the V8 heap: records are written one after the other and
 * wrap around; writing over the oldest records drops them. It holds at most `maxRecords` records. Its buffer
 * starts small and doubles (compacting the records into the new one) while it is too small to hold that many
 * of the records it is given, up to a byte ceiling the caller grants (`mayGrow`); past it, the oldest records go
 * to make room instead. Record starts and lengths are kept in typed arrays, so the ring holds no JS object per
 * record either.
 */
export class ByteRing {
  private buf: Buffer;
  /** Start and length of each record, a circular list in the order written. */
  private starts: Int32Array;
  private lengths: Int32Array;
  private first = 0;
  private count = 0;
  /** Where the next record is written (it wraps to 0 when a record does not fit before the end). */
  private writeAt = 0;

  constructor(
    private readonly maxRecords: number,
    initialBytes: number,
    /** Asked before the buffer doubles to `bytes`; false keeps the buffer as it is. */
    private readonly mayGrow: (fromBytes: number, toBytes: number) => boolean,
  ) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
    const slots = Math.min(maxRecords, 64);
    this.starts = new Int32Array(slots);
    this.lengths = new Int32Array(slots);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes the ring's buffer holds (used or not). */
  get capacity(): number {
    return this.buf.length;
  }

  /** Appends a copy of the record; returns how many of the oldest records it dropped to make room. */
  push(record: Buffer): number {
    let dropped = 0;
    if (this.count === this.maxRecords) {
      this.shift();
      dropped++;
    }
    while (!this.fits(record.length) && this.count < this.maxRecords && this.grow(record.length)) {
      // grew: try again with the larger buffer
    }
    if (record.length > this.buf.length) {
      // Larger than the whole buffer may ever be: dropped whole rather than kept in part (the journal's entries
      // are bounded far below the smallest buffer, so this is a guard, not a path).
      return dropped;
    }
    if (this.writeAt + record.length > this.buf.length) {
      // It goes to the start. The records from writeAt to the end, if any, are the oldest (the records wrap
      // round after them): they go first, as the ring's order demands.
      while (this.count > 0 && this.starts[this.first]! >= this.writeAt) {
        this.shift();
        dropped++;
      }
      this.writeAt = 0;
    }
    const end = this.writeAt + record.length;
    // Drop the records the new one overwrites: the oldest, as they are the ones just after writeAt.
    while (this.count > 0 && overlaps(this.starts[this.first]!, this.lengths[this.first]!, this.writeAt, end)) {
      this.shift();
      dropped++;
    }
    record.copy(this.buf, this.writeAt);
    this.slot(this.count, this.writeAt, record.length);
    this.count++;
    this.writeAt = end;
    return dropped;
  }

  /** Drops the oldest record. */
  shift(): void {
    if (this.count === 0) return;
    this.first = (this.first + 1) % this.starts.length;
    this.count--;
    if (this.count === 0) {
      this.first = 0;
      this.writeAt = 0;
    }
  }

  /** The records, oldest first, as views of the buffer (valid until the next push). */
  *records(): Generator<Buffer> {
    for (let i = 0; i < this.count; i++) {
      const slot = (this.first + i) % this.starts.length;
      const start = this.starts[slot]!;
      yield this.buf.subarray(start, start + this.lengths[slot]!);
    }
  }

  /** Whether a record of `length` bytes fits without dropping any record. */
  private fits(length: number): boolean {
    if (this.count === 0) return length <= this.buf.length;
    const oldest = this.starts[this.first]!;
    // Free space is from writeAt up to the oldest record, or (when the records do not wrap) to the end and
    // from 0 up to the oldest.
    if (this.writeAt > oldest) return this.writeAt + length <= this.buf.length || length <= oldest;
    return this.writeAt + length <= oldest;
  }

  private grow(length: number): boolean {
    let bytes = this.buf.length * 2;
    while (bytes < length) bytes *= 2;
    if (!this.mayGrow(this.buf.length, bytes)) return false;
    const grown = Buffer.allocUnsafeSlow(bytes);
    let at = 0;
    const starts = new Int32Array(Math.min(this.maxRecords, Math.max(this.starts.length, this.count + 1) * 2));
    const lengths = new Int32Array(starts.length);
    let i = 0;
    for (const record of this.records()) {
      record.copy(grown, at);
      starts[i] = at;
      lengths[i] = record.length;
      at += record.length;
      i++;
    }
    this.buf = grown;
    this.starts = starts;
    this.lengths = lengths;
    this.first = 0;
    this.writeAt = at;
    return true;
  }

  /** Records where the `index`-th record (from the oldest) starts, growing the slot lists when they are full. */
  private slot(index: number, start: number, length: number): void {
    if (index === this.starts.length) {
      const size = Math.min(this.maxRecords, this.starts.length * 2);
      const starts = new Int32Array(size);
      const lengths = new Int32Array(size);
      for (let i = 0; i < this.count; i++) {
        const from = (this.first + i) % this.starts.length;
        starts[i] = this.starts[from]!;
        lengths[i] = this.lengths[from]!;
      }
      this.starts = starts;
      this.lengths = lengths;
      this.first = 0;
    }
    const at = (this.first + index) % this.starts.length;
    this.starts[at] = start;
    this.lengths[at] = length;
  }
}

function overlaps(start: number, length: number, from: number, to: number): boolean {
  return start < to && start + length > from;
}
