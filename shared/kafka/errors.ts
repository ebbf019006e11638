/** Kafka protocol error codes the model produces, with the plain words the event log uses. */
export const KafkaError = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  MESSAGE_TOO_LARGE: 10,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 76,
  LEADER_NOT_AVAILABLE: 5,
  STALE_BROKER_EPOCH: 77,
  BUFFER_EXHAUSTED: -100,
  DELIVERY_TIMEOUT: -101,
} as const;

export type KafkaErrorCode = (typeof KafkaError)[keyof typeof KafkaError];

const NAMES = new Map<number, string>(Object.entries(KafkaError).map(([name, code]) => [code, name]));

export function errorName(code: number): string {
  return NAMES.get(code) ?? `ERROR_${code}`;
}

/** Retriable errors: the producer tries again (until delivery.timeout.ms). */
export function isRetriable(code: number): boolean {
  return (
    code === KafkaError.NOT_LEADER_OR_FOLLOWER ||
    code === KafkaError.REQUEST_TIMED_OUT ||
    code === KafkaError.NETWORK_EXCEPTION ||
    code === KafkaError.NOT_ENOUGH_REPLICAS ||
    code === KafkaError.NOT_ENOUGH_REPLICAS_AFTER_APPEND ||
    code === KafkaError.LEADER_NOT_AVAILABLE ||
    code === KafkaError.OUT_OF_ORDER_SEQUENCE_NUMBER ||
    code === KafkaError.FENCED_LEADER_EPOCH
  );
}
