/**
 * Kafka's ExponentialBackoff (KIP-580), used for retries, reconnects and connection setup
 * timeouts: `base` doubled per failure in a row up to `max`, times a random factor in
 * [1 - 0.2, 1 + 0.2) so that clients failed together do not retry in lockstep, and never above
 * `max`. With `max` not above `base` the wait is `base`, without jitter.
 */

/** CommonClientConfigs.RETRY_BACKOFF_JITTER (also the reconnect and setup-timeout jitter). */
export const BACKOFF_JITTER = 0.2;

/** The wait after `failures` failures in a row (0: the first wait), `u` a uniform draw in [0, 1). */
export function exponentialBackoff(base: number, max: number, failures: number, u: number): number {
  if (max <= base) return base;
  const exponent = Math.min(failures, Math.log2(max / base));
  const jitter = 1 - BACKOFF_JITTER + 2 * BACKOFF_JITTER * u;
  return Math.min(max, base * Math.pow(2, exponent) * jitter);
}
