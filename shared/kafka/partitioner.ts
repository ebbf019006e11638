/**
 * The producer's choice of partition, after Kafka's BuiltInPartitioner.
 *
 * Keyed records: murmur2 of the key bytes (see murmur2.ts). Since a workload
 * knows its key population up front, `keyPartitionWeights` hashes each key once
 * and gives the share of records per partition, so the model can split arrivals
 * without hashing every record.
 *
 * Records without a key (or with partitioner.ignore.keys): the sticky
 * partitioner of KIP-794, `StickyPartitioner` below.
 */
import { partitionForKey, utf8 } from "./murmur2";

/**
 * Share of records per partition when key k (the UTF-8 bytes of keyNames[k])
 * carries weight keyWeights[k]. The result sums to 1 (all zeros when the total
 * weight is 0).
 */
export function keyPartitionWeights(keyNames: readonly string[], keyWeights: readonly number[], numPartitions: number): Float64Array {
  if (keyNames.length !== keyWeights.length) {
    throw new RangeError(`keyNames (${keyNames.length}) and keyWeights (${keyWeights.length}) differ in length`);
  }
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
  const shares = new Float64Array(numPartitions);
  let total = 0;
  for (let k = 0; k < keyNames.length; k++) {
    const w = keyWeights[k]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`keyWeights[${k}] must be a finite non-negative number, got ${w}`);
    if (w === 0) continue;
    shares[partitionForKey(utf8(keyNames[k]!), numPartitions)]! += w;
    total += w;
  }
  if (total > 0) for (let p = 0; p < numPartitions; p++) shares[p]! /= total;
  return shares;
}

export interface StickyPartitionerOptions {
  /** batch.size: bytes produced to the sticky partition before switching (Kafka 4.x default 16384). */
  readonly batchSize?: number;
  /** partitioner.adaptive.partitioning.enable (default true): weight the next partition against queue sizes. */
  readonly adaptive?: boolean;
}

/**
 * Kafka's sticky partitioner for records without a key (KIP-794,
 * BuiltInPartitioner + RecordAccumulator):
 *
 * - All unkeyed records go to one partition until at least batch.size bytes
 *   have been produced to it, then the partitioner switches. If the caller says
 *   switching is not allowed yet (Kafka defers the switch while the partition's
 *   queue holds a batch that is not full, to avoid fractional batches), the
 *   switch waits, but never past 2 x batch.size.
 * - The next partition is uniform among available partitions (those with a
 *   leader), or among all partitions when none is available.
 * - With adaptive partitioning and queue sizes given, it is drawn with weight
 *   (maxQueue + 1 - queue) over the available partitions, so a partition whose
 *   queue is longer (its leader drains more slowly) is picked less often. Kafka
 *   counts batches in each partition's accumulator deque, the one still open
 *   included; pass that (the producer does).
 *
 * As in Kafka, a partition that loses its leader mid-stick keeps the stick
 * until the switch; the partitioner never switches *to* an unavailable one
 * while any partition is available. Kafka only starts adaptive weighting once
 * every partition has a deque in the accumulator; callers model that by not
 * passing queueSize until then.
 *
 * As in Kafka, what the draw uses (which partitions are available, the
 * cumulative frequency table of inverted queue sizes) is computed when the
 * accumulator's ready() runs (`updateLoad`), not on every switch: a switch
 * costs one `random()` draw and a binary search, however many partitions.
 * Until the first `updateLoad`, every partition counts as available.
 */
export class StickyPartitioner {
  readonly numPartitions: number;
  readonly batchSize: number;
  readonly adaptive: boolean;
  private readonly random: () => number;
  private sticky = -1;
  private produced = 0;
  /** Partitions the next switch draws from: the available ones (all when none is), ids[0..count). */
  private readonly ids: Int32Array;
  private count: number;
  /** With `weighted`: cumulative inverted queue sizes over ids[0..count). */
  private readonly cft: Float64Array;
  private weighted = false;
  /** ids[0..count) is every partition in order. */
  private idsAll = true;
  /**
   * Set by updateLoadSparse: weighted, every partition available, and only busyIds[0..busyCount)
   * (ascending) with a non-empty queue, of sizes busySizes; the rest have weight max + 1.
   */
  private sparse = false;
  private readonly busyIds: Int32Array;
  private readonly busySizes: Float64Array;
  private busyCount = 0;
  private busyMax = 0;
  /** Sum of the weights: cft[numPartitions - 1] of the full table. */
  private busyWeight = 0;

  constructor(random: () => number, numPartitions: number, options: StickyPartitionerOptions = {}) {
    if (!Number.isInteger(numPartitions) || numPartitions < 1) {
      throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
    }
    const batchSize = options.batchSize ?? 16384;
    // KafkaProducer passes max(1, batch.size) as the sticky batch size.
    if (!(batchSize >= 0) || !Number.isFinite(batchSize)) throw new RangeError(`batchSize must be >= 0, got ${batchSize}`);
    this.random = random;
    this.numPartitions = numPartitions;
    this.batchSize = Math.max(1, batchSize);
    this.adaptive = options.adaptive ?? true;
    this.ids = new Int32Array(numPartitions);
    this.count = numPartitions;
    for (let p = 0; p < numPartitions; p++) this.ids[p] = p;
    this.cft = new Float64Array(numPartitions);
    this.busyIds = new Int32Array(numPartitions);
    this.busySizes = new Float64Array(numPartitions);
  }

  /** The current sticky partition, or -1 before the first record. */
  get current(): number {
    return this.sticky;
  }

  /** Bytes produced to the current sticky partition since it was chosen. */
  get producedBytes(): number {
    return this.produced;
  }

  /**
   * Kafka's updatePartitionLoadStats, run from the accumulator's ready():
   * which partitions have a leader (`leaders[p]` ≥ 0) and, with adaptive
   * partitioning and queue sizes given, the weights (maxQueue + 1 - queue)
   * the next switch draws by. Both are read now (the arrays may change after).
   */
  updateLoad(leaders: ArrayLike<number>, queueSizes?: ArrayLike<number>): void {
    const ids = this.ids;
    const partitions = this.numPartitions;
    this.sparse = false;
    let n = 0;
    for (let p = 0; p < partitions; p++) if (leaders[p]! >= 0) ids[n++] = p;
    this.idsAll = n === partitions;
    if (n === 0) {
      for (let p = 0; p < partitions; p++) ids[p] = p;
      this.idsAll = true;
      this.count = partitions;
      this.weighted = false;
      return;
    }
    this.count = n;
    // Kafka skips the load stats for a topic with fewer than 2 partitions.
    this.weighted = this.adaptive && queueSizes !== undefined && partitions >= 2;
    if (!this.weighted) return;
    const cft = this.cft;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const size = Math.max(0, queueSizes![ids[i]!]!);
      cft[i] = size;
      if (size > max) max = size;
    }
    // cumulative frequency table of inverted queue sizes: a longer queue, a thinner slice
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += max + 1 - cft[i]!;
      cft[i] = running;
    }
  }

  /**
   * updateLoad when every partition has a leader and only the partitions
   * busy[0..busyCount) (distinct, in any order) may have a non-empty queue,
   * of sizes queueSizes[p]. The next draws are exactly those updateLoad would
   * give, at a cost of the busy partitions instead of all of them (a
   * producer's queues are almost all empty: a large topic's hundreds of
   * partitions would otherwise be counted at every ready()).
   */
  updateLoadSparse(busy: ArrayLike<number>, busyCount: number, queueSizes: ArrayLike<number>): void {
    const partitions = this.numPartitions;
    if (!this.idsAll) {
      for (let p = 0; p < partitions; p++) this.ids[p] = p;
      this.idsAll = true;
    }
    this.count = partitions;
    this.sparse = false;
    this.weighted = this.adaptive && partitions >= 2;
    if (!this.weighted) return;
    // the non-empty queues, in partition order (an insertion sort: there are a handful)
    const ids = this.busyIds;
    const sizes = this.busySizes;
    let k = 0;
    let max = 0;
    let total = 0;
    for (let i = 0; i < busyCount; i++) {
      const p = busy[i]!;
      const size = Math.max(0, queueSizes[p]!);
      if (size === 0) continue;
      let j = k++;
      while (j > 0 && ids[j - 1]! > p) {
        ids[j] = ids[j - 1]!;
        sizes[j] = sizes[j - 1]!;
        j--;
      }
      ids[j] = p;
      sizes[j] = size;
      if (size > max) max = size;
      total += size;
    }
    // every queue empty: equal weights, which draw as the uniform pick does
    if (k === 0) {
      this.weighted = false;
      return;
    }
    this.sparse = true;
    this.busyCount = k;
    this.busyMax = max;
    this.busyWeight = partitions * (max + 1) - total;
  }

  /**
   * The partition for the next `bytes` of unkeyed records. Updates the sticky
   * state: after these bytes, if the partition has had at least batch.size
   * bytes (and `switchAllowed`, or 2 x batch.size regardless), the next call
   * goes to a newly drawn partition.
   */
  partition(bytes: number, switchAllowed: boolean = true): number {
    if (this.sticky < 0) this.switchPartition();
    const chosen = this.sticky;
    this.produced += bytes;
    if ((this.produced >= this.batchSize && switchAllowed) || this.produced >= 2 * this.batchSize) {
      this.switchPartition();
    }
    return chosen;
  }

  /**
   * Switch now if a deferred switch is due (Kafka re-checks when the sticky
   * partition's batches become full). Returns true if it switched.
   */
  completeDeferredSwitch(): boolean {
    if (this.sticky >= 0 && this.produced >= this.batchSize) {
      this.switchPartition();
      return true;
    }
    return false;
  }

  /**
   * The sticky partition's batch is full: switch now (Kafka switches only at a batch boundary,
   * enableSwitch = allBatchesFull, so a record that does not fit never opens a batch of its own there).
   */
  batchFull(): void {
    if (this.sticky >= 0) this.switchPartition();
  }

  private switchPartition(): void {
    this.sticky = this.nextPartition();
    this.produced = 0;
  }

  private nextPartition(): number {
    const r = this.random();
    const n = this.count;
    if (!this.weighted) return this.ids[pick(r, n)]!;
    if (this.sparse) return this.sparseDraw(r);
    const cft = this.cft;
    const x = r * cft[n - 1]!;
    // first entry strictly greater than x
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cft[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.ids[lo]!;
  }

  /**
   * The full table's draw without the table: the first partition i whose cumulative weight
   * cft[i] = (i + 1)(max + 1) - (sizes of the busy partitions up to i) is above r x total.
   * Every cft value is a whole number, computed exactly here as in the table.
   */
  private sparseDraw(r: number): number {
    const n = this.numPartitions;
    const m = this.busyMax + 1;
    const x = r * this.busyWeight;
    let before = 0;
    let lo = 0;
    for (let j = 0; j <= this.busyCount; j++) {
      const busy = j < this.busyCount ? this.busyIds[j]! : n;
      // partitions lo..busy-1 have empty queues: cft[i] = (i + 1)m - before, rising by m
      if (busy > lo && busy * m - before > x) {
        let i = Math.max(lo, Math.floor((x + before) / m) - 2);
        while ((i + 1) * m - before <= x) i++;
        return i;
      }
      if (j === this.busyCount) break;
      before += this.busySizes[j]!;
      if ((busy + 1) * m - before > x) return busy;
      lo = busy + 1;
    }
    return n - 1;
  }
}

function pick(r: number, n: number): number {
  return Math.min(n - 1, Math.floor(r * n));
}
