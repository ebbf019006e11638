import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { keyPartitionWeights, StickyPartitioner } from "../../shared/kafka/partitioner";
import { partitionForKey, utf8 } from "../../shared/kafka/murmur2";
import { Rng } from "../../shared/kernel/rng";

const all = (): boolean => true;

/** One record's worth of bytes with the load stats as the accumulator's ready() would leave them. */
function draw(sp: StickyPartitioner, bytes: number, available: (p: number) => boolean, queueSize?: (p: number) => number, switchAllowed?: boolean): number {
  load(sp, available, queueSize);
  return sp.partition(bytes, switchAllowed);
}

/** updateLoad with the leaders and queue sizes given as functions of the partition. */
function load(sp: StickyPartitioner, available: (p: number) => boolean, queueSize?: (p: number) => number): void {
  const ps = Array.from({ length: sp.numPartitions }, (_, p) => p);
  sp.updateLoad(
    ps.map((p) => (available(p) ? 1 : -1)),
    queueSize && ps.map(queueSize),
  );
}

/** A random() that walks 0, 1/n, 2/n, … (centred in each slot), like Kafka's SequentialPartitioner. */
function sequential(n: number): () => number {
  let i = 0;
  return () => ((i++ % n) + 0.5) / n;
}

describe("keyPartitionWeights", () => {
  it("puts each key's weight on its murmur2 partition and normalizes", () => {
    const w = keyPartitionWeights(["foobar", "21", "abc"], [2, 1, 1], 10);
    expect(w.length).toBe(10);
    const expected = new Float64Array(10);
    expected[6] += 0.5; // foobar -> 1357151166 % 10
    expected[partitionForKey(utf8("21"), 10)] += 0.25;
    expected[partitionForKey(utf8("abc"), 10)] += 0.25;
    expect(Array.from(w)).toEqual(Array.from(expected));
  });

  it("sums to 1 and matches hashing every key", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string(), fc.integer({ min: 0, max: 100 })), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 24 }),
        (keys, n) => {
          const names = keys.map(([k]) => k);
          const weights = keys.map(([, w]) => w);
          const shares = keyPartitionWeights(names, weights, n);
          const total = weights.reduce((a, b) => a + b, 0);
          const sum = shares.reduce((a, b) => a + b, 0);
          if (total === 0) expect(sum).toBe(0);
          else expect(sum).toBeCloseTo(1, 12);
          for (let p = 0; p < n; p++) {
            let mine = 0;
            keys.forEach(([k, w]) => {
              if (partitionForKey(utf8(k), n) === p) mine += w;
            });
            expect(shares[p]).toBeCloseTo(total === 0 ? 0 : mine / total, 12);
          }
        },
      ),
    );
  });

  it("rejects mismatched inputs", () => {
    expect(() => keyPartitionWeights(["a"], [], 3)).toThrow(RangeError);
    expect(() => keyPartitionWeights(["a"], [1], 0)).toThrow(RangeError);
    expect(() => keyPartitionWeights(["a"], [-1], 3)).toThrow(RangeError);
  });
});

describe("StickyPartitioner", () => {
  it("sticks to one partition until batch.size bytes, then switches", () => {
    const rng = Rng.for(1, "producer");
    const sp = new StickyPartitioner(() => rng.float(), 6, { batchSize: 100 });
    expect(sp.current).toBe(-1);
    const first = draw(sp, 30, all);
    expect(draw(sp, 30, all)).toBe(first);
    expect(draw(sp, 30, all)).toBe(first);
    expect(sp.producedBytes).toBe(90);
    // the record that reaches batch.size still goes to the sticky partition; the next one is drawn anew
    expect(draw(sp, 30, all)).toBe(first);
    expect(sp.producedBytes).toBe(0);
  });

  it("switches on every call when each call reaches batch.size", () => {
    const draws: number[] = [];
    const rng = Rng.for(2, "producer");
    const sp = new StickyPartitioner(() => {
      const r = rng.float();
      draws.push(r);
      return r;
    }, 8, { batchSize: 16384 });
    for (let i = 0; i < 50; i++) draw(sp, 16384, all);
    expect(draws.length).toBe(51); // one draw to start, one per switch
  });

  it("defers a switch while not allowed, but never past 2 x batch.size", () => {
    const sp = new StickyPartitioner(sequential(4), 4, { batchSize: 100 });
    const p = draw(sp, 60, all, undefined, false);
    expect(draw(sp, 60, all, undefined, false)).toBe(p); // 120 >= 100 but switch disallowed
    expect(sp.current).toBe(p);
    expect(draw(sp, 60, all, undefined, false)).toBe(p); // 180
    expect(draw(sp, 60, all, undefined, false)).toBe(p); // 240 >= 200: forced switch
    expect(sp.current).not.toBe(p);

    const q = sp.current;
    draw(sp, 150, all, undefined, false);
    expect(sp.current).toBe(q);
    expect(sp.completeDeferredSwitch()).toBe(true);
    expect(sp.current).not.toBe(q);
    expect(sp.completeDeferredSwitch()).toBe(false);
  });

  it("never switches to an unavailable partition while one is available", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
        fc.integer(),
        fc.boolean(),
        (n, mask, seed, adaptive) => {
          const up = (p: number): boolean => mask[p]!;
          const anyUp = mask.slice(0, n).some((b) => b);
          const rng = Rng.for(seed, "p");
          const sp = new StickyPartitioner(() => rng.float(), n, { batchSize: 10, adaptive });
          for (let i = 0; i < 40; i++) {
            const p = draw(sp, 10, up, adaptive ? (q) => (q * 7) % 5 : undefined);
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThan(n);
            if (anyUp) expect(up(p)).toBe(true);
          }
        },
      ),
    );
  });

  it("keeps its partition if the leader goes away mid-stick, as Kafka does", () => {
    const sp = new StickyPartitioner(sequential(3), 3, { batchSize: 100 });
    const p = draw(sp, 10, all);
    const down = (q: number): boolean => q !== p;
    expect(draw(sp, 10, down)).toBe(p);
    expect(draw(sp, 100, down)).toBe(p); // reaches batch.size: switches away
    expect(sp.current).not.toBe(p);
  });

  it("falls back to all partitions when none is available", () => {
    const rng = Rng.for(3, "p");
    const sp = new StickyPartitioner(() => rng.float(), 5, { batchSize: 1 });
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(draw(sp, 1, () => false));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("is roughly uniform over many switches", () => {
    const rng = Rng.for(4, "uniform");
    const n = 8;
    const sp = new StickyPartitioner(() => rng.float(), n, { batchSize: 1000, adaptive: false });
    const counts = new Array<number>(n).fill(0);
    const switches = 40000;
    for (let i = 0; i < switches; i++) counts[draw(sp, 1000, all)]!++;
    // each count ~ Binomial(40000, 1/8): mean 5000, sd ~66; allow 5 sd
    for (const c of counts) expect(Math.abs(c - switches / n)).toBeLessThan(330);
  });

  it("is uniform over the available partitions only", () => {
    const rng = Rng.for(5, "uniform");
    const sp = new StickyPartitioner(() => rng.float(), 6, { batchSize: 1 });
    const up = (p: number): boolean => p % 2 === 0;
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 30000; i++) counts[draw(sp, 1, up)]!++;
    expect(counts[1]! + counts[3]! + counts[5]!).toBe(0);
    for (const p of [0, 2, 4]) expect(Math.abs(counts[p]! - 10000)).toBeLessThan(500);
  });

  it("is deterministic given the random function", () => {
    const run = (seed: number): number[] => {
      const rng = Rng.for(seed, "det");
      const sp = new StickyPartitioner(() => rng.float(), 12, { batchSize: 500 });
      const out: number[] = [];
      for (let i = 0; i < 300; i++) out.push(draw(sp, 40 + (i % 7) * 30, (p) => p !== 3, (p) => p % 4));
      return out;
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it("weights partitions inversely to queue sizes (Kafka's adaptivePartitionsTest)", () => {
    // BuiltInPartitionerTest.adaptivePartitionsTest: queue sizes {5,0,3,0,1} give
    // frequencies 6 - size = {1,6,3,6,5} over a sequential random source.
    const queues = [5, 0, 3, 0, 1];
    const sp = new StickyPartitioner(sequential(21), 5, { batchSize: 1 });
    const freq = new Array<number>(5).fill(0);
    for (let i = 0; i < 42; i++) freq[draw(sp, 1, all, (p) => queues[p]!)]!++;
    expect(freq).toEqual([2, 12, 6, 12, 10]);
  });

  it("ignores queue sizes when adaptive partitioning is off or there is one partition", () => {
    const queues = [100, 0];
    const sp = new StickyPartitioner(sequential(2), 2, { batchSize: 1, adaptive: false });
    const freq = [0, 0];
    for (let i = 0; i < 100; i++) freq[draw(sp, 1, all, (p) => queues[p]!)]!++;
    expect(freq).toEqual([50, 50]);
    const one = new StickyPartitioner(sequential(2), 1, { batchSize: 1 });
    expect(draw(one, 1, all, () => 5)).toBe(0);
  });

  it("adaptive choice avoids the partition with the longest queue most of the time", () => {
    const rng = Rng.for(6, "adaptive");
    const sp = new StickyPartitioner(() => rng.float(), 4, { batchSize: 1 });
    const queues = [0, 0, 0, 9]; // weights 10,10,10,1
    const freq = new Array<number>(4).fill(0);
    for (let i = 0; i < 31000; i++) freq[draw(sp, 1, all, (p) => queues[p]!)]!++;
    expect(Math.abs(freq[3]! - 1000)).toBeLessThan(200);
    for (const p of [0, 1, 2]) expect(Math.abs(freq[p]! - 10000)).toBeLessThan(500);
  });

  it("draws from the load as of the last updateLoad (Kafka's ready()), not as of each switch", () => {
    const rng = Rng.for(9, "load");
    const sp = new StickyPartitioner(() => rng.float(), 4, { batchSize: 1 });
    // before any updateLoad every partition counts as available
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(sp.partition(1));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    // queues as ready() saw them: partition 2 is far behind, 3 has no leader
    const queues = [0, 0, 30, 0];
    load(sp, (p) => p !== 3, (p) => queues[p]!);
    queues[2] = 0; // drained since: the draws still use the stats of the last ready()
    const freq = [0, 0, 0, 0];
    for (let i = 0; i < 6100; i++) freq[sp.partition(1)]!++;
    expect(freq[3]).toBe(0);
    // weights 31, 31, 1: partition 2 gets about 1/63 of the switches
    expect(freq[2]!).toBeLessThan(250);
    expect(freq[0]!).toBeGreaterThan(2500);
  });

  it("draws the same partitions from the busy queues alone (updateLoadSparse) as from every queue (updateLoad)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 700 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -1, max: 40 })), { maxLength: 12 }),
        fc.boolean(),
        // simple fractions too: r x total then lands exactly on a cumulative weight (the ties)
        fc.array(fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 63 }).map((k) => k / 64)), { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        (n, busyDraw, adaptive, draws, sizedFirst) => {
          // distinct busy partitions with their queue sizes (some zero, some given as negative: counted as 0)
          const sizes = new Int32Array(n);
          const busy: number[] = [];
          for (const [at, size] of busyDraw) {
            const p = at % n;
            if (busy.includes(p)) continue;
            busy.push(p);
            sizes[p] = size;
          }
          const leaders = new Int32Array(n).fill(1);
          let i = 0;
          const random = () => draws[i++ % draws.length]!;
          const full = new StickyPartitioner(random, n, { batchSize: 1, adaptive });
          const sparse = new StickyPartitioner(random, n, { batchSize: 1, adaptive });
          // the sparse one may come after a full update that left partitions out
          if (sizedFirst) sparse.updateLoad(leaders.map((_, p) => (p % 3 === 0 ? -1 : 1)), sizes);
          full.updateLoad(leaders, sizes);
          sparse.updateLoadSparse(busy, busy.length, sizes);
          const a: number[] = [];
          const b: number[] = [];
          i = 0;
          for (let k = 0; k < draws.length; k++) a.push(full.partition(1));
          i = 0;
          for (let k = 0; k < draws.length; k++) b.push(sparse.partition(1));
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("treats batch.size 0 as 1, like KafkaProducer", () => {
    const sp = new StickyPartitioner(sequential(3), 3, { batchSize: 0 });
    expect(sp.batchSize).toBe(1);
    expect(() => new StickyPartitioner(() => 0, 0)).toThrow(RangeError);
  });
});
