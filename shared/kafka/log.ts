/**
 * Record batches and partition logs, stored column-wise in typed arrays:
 * a run moves millions of messages but only hundreds of thousands of
 * batches, and every replica of a partition holds the same batches, so a
 * replica's log is just a list of batch ids with their end offsets and the
 * leader epoch they were written in.
 */

/** A typed array that doubles when it runs out of room. */
class Growable<A extends Float64Array | Int32Array> {
  constructor(
    public data: A,
    private readonly make: (size: number) => A,
  ) {}
  ensure(n: number): void {
    if (n <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < n) size *= 2;
    const next = this.make(size);
    next.set(this.data);
    this.data = next;
  }
}

const f64 = () => new Growable(new Float64Array(64), (n) => new Float64Array(n));
const i32 = () => new Growable(new Int32Array(64), (n) => new Int32Array(n));

/**
 * Every batch ever produced to one partition. A batch is a contiguous range
 * of one producer's sequence numbers for this partition (as with Kafka's
 * idempotent producer), so per-message facts are kept per range.
 */
export class BatchStore {
  private producer = i32();
  private baseSeq = f64();
  private counts = i32();
  private bytes = f64();
  private firstCreated = f64();
  private lastCreated = f64();
  size = 0;

  add(producerIndex: number, baseSeq: number, count: number, bytes: number, firstCreatedMs: number, lastCreatedMs: number): number {
    const id = this.size++;
    this.producer.ensure(this.size);
    this.baseSeq.ensure(this.size);
    this.counts.ensure(this.size);
    this.bytes.ensure(this.size);
    this.firstCreated.ensure(this.size);
    this.lastCreated.ensure(this.size);
    this.producer.data[id] = producerIndex;
    this.baseSeq.data[id] = baseSeq;
    this.counts.data[id] = count;
    this.bytes.data[id] = bytes;
    this.firstCreated.data[id] = firstCreatedMs;
    this.lastCreated.data[id] = lastCreatedMs;
    return id;
  }

  producerOf(id: number): number {
    return this.producer.data[id]!;
  }
  baseSeqOf(id: number): number {
    return this.baseSeq.data[id]!;
  }
  countOf(id: number): number {
    return this.counts.data[id]!;
  }
  bytesOf(id: number): number {
    return this.bytes.data[id]!;
  }
  firstCreatedOf(id: number): number {
    return this.firstCreated.data[id]!;
  }
  lastCreatedOf(id: number): number {
    return this.lastCreated.data[id]!;
  }
}

/** One replica's log: offsets are dense from 0, batches are atomic. */
export class ReplicaLog {
  private ids = i32();
  private ends = f64();
  private epochs = i32();
  private byteTotal = f64();
  length = 0;
  /** Offset up to which the log is on disk (the rest is in the page cache). */
  flushedOffset = 0;

  get logEndOffset(): number {
    return this.length === 0 ? 0 : this.ends.data[this.length - 1]!;
  }

  get latestEpoch(): number {
    return this.length === 0 ? -1 : this.epochs.data[this.length - 1]!;
  }

  get totalBytes(): number {
    return this.length === 0 ? 0 : this.byteTotal.data[this.length - 1]!;
  }

  append(batchId: number, count: number, bytes: number, epoch: number): void {
    const i = this.length++;
    this.ids.ensure(this.length);
    this.ends.ensure(this.length);
    this.epochs.ensure(this.length);
    this.byteTotal.ensure(this.length);
    this.ids.data[i] = batchId;
    this.ends.data[i] = (i === 0 ? 0 : this.ends.data[i - 1]!) + count;
    this.epochs.data[i] = epoch;
    this.byteTotal.data[i] = (i === 0 ? 0 : this.byteTotal.data[i - 1]!) + bytes;
  }

  batchAt(index: number): number {
    return this.ids.data[index]!;
  }
  endOffsetAt(index: number): number {
    return this.ends.data[index]!;
  }
  baseOffsetAt(index: number): number {
    return index === 0 ? 0 : this.ends.data[index - 1]!;
  }
  epochAt(index: number): number {
    return this.epochs.data[index]!;
  }

  /** Index of the batch holding `offset` (the first whose end is above it), or length. */
  indexOf(offset: number): number {
    let lo = 0;
    let hi = this.length;
    const ends = this.ends.data;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Bytes between two offsets (batch-aligned), cheap thanks to running totals. */
  bytesBetween(fromIndex: number, toIndex: number): number {
    if (toIndex <= fromIndex) return 0;
    const before = fromIndex === 0 ? 0 : this.byteTotal.data[fromIndex - 1]!;
    return this.byteTotal.data[toIndex - 1]! - before;
  }

  /**
   * The end offset of `epoch` in this log, as the leader answers a follower
   * (KIP-101/279): the start of the first later epoch, or the log end if
   * `epoch` is the latest. Also returns the largest epoch <= `epoch` present.
   */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    if (this.length === 0) return { epoch: -1, endOffset: 0 };
    if (epoch >= this.latestEpoch) return { epoch: this.latestEpoch, endOffset: this.logEndOffset };
    // first batch with epoch > requested
    let lo = 0;
    let hi = this.length;
    const epochs = this.epochs.data;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (epochs[mid]! <= epoch) lo = mid + 1;
      else hi = mid;
    }
    const found = lo === 0 ? -1 : epochs[lo - 1]!;
    return { epoch: found, endOffset: this.baseOffsetAt(lo) };
  }

  /** Drop every batch at or above `offset` (rounded down to a batch boundary). */
  truncateTo(offset: number): number {
    const keep = this.indexOf(offset);
    // keep batches that end at or before offset
    let n = keep;
    if (n < this.length && this.ends.data[n]! <= offset) n++;
    const removed = this.length - n;
    this.length = n;
    if (this.flushedOffset > this.logEndOffset) this.flushedOffset = this.logEndOffset;
    return removed;
  }
}
