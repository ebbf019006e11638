import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BatchStore, ReplicaLog } from "../../shared/kafka/log";

describe("ReplicaLog", () => {
  it("indexOf finds the batch holding an offset, wherever it is in the log", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 300 }), fc.array(fc.double({ min: -5, max: 16_000, noNaN: true }), { minLength: 1, maxLength: 20 }), (counts, offsets) => {
        const log = new ReplicaLog();
        counts.forEach((count, i) => log.append(i, count, 100, 0));
        for (const offset of offsets) {
          // the first batch whose end is above the offset, or the length
          let want = 0;
          while (want < log.length && log.endOffsetAt(want) <= offset) want++;
          expect(log.indexOf(offset)).toBe(want);
        }
      }),
    );
  });

  it("grows past its first arrays and keeps every batch", () => {
    const log = new ReplicaLog();
    const store = new BatchStore();
    for (let i = 0; i < 1000; i++) {
      const id = store.add(i % 3, i * 10, 10, 2000 + i, i, i + 1);
      log.append(id, 10, 2000 + i, i >> 8);
    }
    expect(log.length).toBe(1000);
    expect(log.logEndOffset).toBe(10_000);
    expect(log.batchAt(777)).toBe(777);
    expect(log.epochAt(777)).toBe(3);
    expect(log.indexOf(7_775)).toBe(777);
    expect(log.bytesBetween(0, 1000)).toBe(1000 * 2000 + (999 * 1000) / 2);
    expect([store.producerOf(999), store.baseSeqOf(999), store.countOf(999), store.bytesOf(999), store.firstCreatedOf(999), store.lastCreatedOf(999)]).toEqual([0, 9990, 10, 2999, 999, 1000]);
  });
});
