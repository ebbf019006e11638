import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { murmur2, partitionForKey, toPositive, utf8 } from "../../shared/kafka/murmur2";

/** Slow reference: the same algorithm in unbounded BigInt arithmetic, truncated to 32 bits at each step. */
function murmur2Reference(data: Uint8Array): number {
  const mask = 0xffffffffn;
  const m = 0x5bd1e995n;
  const u32 = (x: bigint): bigint => x & mask;
  let h = u32(0x9747b28cn ^ BigInt(data.length));
  const blocks = Math.floor(data.length / 4);
  for (let i = 0; i < blocks; i++) {
    let k = 0n;
    for (let j = 3; j >= 0; j--) k = (k << 8n) | BigInt(data[i * 4 + j]!);
    k = u32(k * m);
    k ^= k >> 24n;
    k = u32(k * m);
    h = u32(h * m) ^ k;
  }
  const tail = blocks * 4;
  const rest = data.length % 4;
  if (rest >= 3) h ^= BigInt(data[tail + 2]!) << 16n;
  if (rest >= 2) h ^= BigInt(data[tail + 1]!) << 8n;
  if (rest >= 1) {
    h ^= BigInt(data[tail]!);
    h = u32(h * m);
  }
  h ^= h >> 13n;
  h = u32(h * m);
  h ^= h >> 15n;
  return Number(BigInt.asIntN(32, h));
}

describe("murmur2", () => {
  // org.apache.kafka.common.utils.UtilsTest#testMurmur2
  it.each([
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ])("matches Kafka's UtilsTest vector %s", (text, expected) => {
    expect(murmur2(utf8(text))).toBe(expected);
  });

  it("matches the JVM client on raw bytes and the empty key", () => {
    // vector generated with the Java client (used by several ports of the partitioner)
    expect(murmur2(new Uint8Array([12, 42, 56, 24, 109, 111]))).toBe(274204207);
    expect(murmur2(new Uint8Array([]))).toBe(275646681);
  });

  it("agrees with a BigInt reference on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const h = murmur2(bytes);
        expect(h).toBe(murmur2Reference(bytes));
        expect(Number.isInteger(h) && h >= -0x80000000 && h <= 0x7fffffff).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("toPositive and partitionForKey", () => {
  it("clears the sign bit like Utils.toPositive", () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-790332482)).toBe(1357151166);
    expect(toPositive(479470107)).toBe(479470107);
  });

  it("places keys like BuiltInPartitioner.partitionForKey", () => {
    expect(partitionForKey(utf8("foobar"), 10)).toBe(6); // 1357151166 % 10
    expect(partitionForKey(utf8("21"), 12)).toBe(1173551340 % 12);
    expect(partitionForKey(utf8("abc"), 1)).toBe(0);
    expect(() => partitionForKey(utf8("abc"), 0)).toThrow(RangeError);
  });

  it("is always in range", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), fc.integer({ min: 1, max: 1000 }), (bytes, n) => {
        const p = partitionForKey(bytes, n);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
      }),
    );
  });
});

describe("utf8", () => {
  it("encodes like Node's encoder for well-formed text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(Array.from(utf8(text))).toEqual(Array.from(new TextEncoder().encode(text)));
      }),
    );
    expect(Array.from(utf8("é€😀"))).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
  });

  it("writes '?' for an unpaired surrogate, as Java's String.getBytes(UTF_8)", () => {
    expect(Array.from(utf8("a\ud800b"))).toEqual([0x61, 0x3f, 0x62]);
    expect(Array.from(utf8("\udc00"))).toEqual([0x3f]);
    expect(Array.from(utf8("x\ud83d"))).toEqual([0x78, 0x3f]);
  });
});
