/**
 * Kafka's key hashing, bit for bit: the 32-bit MurmurHash2 variant of
 * org.apache.kafka.common.utils.Utils.murmur2 (seed 0x9747b28c, little-endian
 * 4-byte blocks), its `toPositive`, and the default partitioner's
 * `partitionForKey` (BuiltInPartitioner). A keyed record lands on the same
 * partition here as it would from a Java producer.
 *
 * Pure TypeScript: the UTF-8 encoder is hand-written (ES2022 without DOM has no
 * TextEncoder) and follows Java's String.getBytes(UTF_8), which is what Kafka's
 * StringSerializer does: an unpaired surrogate becomes '?' (0x3f).
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's Utils.murmur2: a signed 32-bit hash of the bytes. */
export function murmur2(bytes: Uint8Array): number {
  const length = bytes.length;
  let h = (SEED ^ length) | 0;
  const blocks = length >>> 2;

  for (let b = 0; b < blocks; b++) {
    const i = b << 2;
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }

  // The tail: 1 to 3 trailing bytes, mixed in from the highest one down.
  const tail = blocks << 2;
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= bytes[tail + 2]! << 16;
    if (rest >= 2) h ^= bytes[tail + 1]! << 8;
    h ^= bytes[tail]!;
    h = Math.imul(h, M);
  }

  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Utils.toPositive: clears the sign bit (not Math.abs: MIN_VALUE maps to 0). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** UTF-8 bytes of a string, as Java's String.getBytes(StandardCharsets.UTF_8). */
export function utf8(text: string): Uint8Array {
  // Worst case 3 bytes per UTF-16 code unit (a surrogate pair is 2 units -> 4 bytes).
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >>> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[n++] = 0xf0 | (c >>> 18);
        out[n++] = 0x80 | ((c >>> 12) & 0x3f);
        out[n++] = 0x80 | ((c >>> 6) & 0x3f);
        out[n++] = 0x80 | (c & 0x3f);
      } else {
        out[n++] = 0x3f; // unpaired surrogate: Java's encoder writes its replacement '?'
      }
    } else {
      out[n++] = 0xe0 | (c >>> 12);
      out[n++] = 0x80 | ((c >>> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return out.slice(0, n);
}

/**
 * The partition of a keyed record under Kafka's default partitioner
 * (BuiltInPartitioner.partitionForKey): toPositive(murmur2(key)) % numPartitions.
 */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
  return toPositive(murmur2(key)) % numPartitions;
}
