/** Reassigning a replica from one broker to another (pure; the engine checks the rest). */

/** The replica list after moving the replica on `from` to `to` (order kept: a leader's slot stays first). */
export function replaceReplica(replicas: readonly number[], from: number, to: number): number[] | string {
  if (!replicas.includes(from)) return `broker-${from} holds no replica of this partition.`;
  if (replicas.includes(to)) return `broker-${to} already holds a replica of this partition.`;
  return replicas.map((b) => (b === from ? to : b));
}
