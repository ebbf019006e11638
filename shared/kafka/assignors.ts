/**
 * Kafka's consumer partition assignors (the classic group protocol: the group
 * leader runs one of these over every member's subscription), as pure
 * functions:
 *
 * - `range` (RangeAssignor): per topic, members in order, contiguous ranges,
 *   the first (partitions % members) members get one extra.
 * - `roundrobin` (RoundRobinAssignor): all partitions ordered by topic then
 *   partition, dealt to the members in turn; a member not subscribed to the
 *   partition's topic loses its turn.
 * - `sticky` (StickyAssignor, eager) and `cooperative-sticky`
 *   (CooperativeStickyAssignor): AbstractStickyAssignor's algorithm, balanced
 *   while keeping as many owned partitions with their owners as it can. The
 *   cooperative one withholds every partition that changes owner (Kafka's
 *   "partitions transferring ownership"): the owner revokes it first
 *   (`cooperativeRevocations`), rejoins, and the follow-up rebalance hands it
 *   to its new owner.
 *
 * Members are ordered as Kafka orders them: static members (group.instance.id)
 * first by instance id, then dynamic ones by member id, both by Java's
 * String.compareTo (UTF-16 code units, as JS `<`). Where Kafka's result depends
 * on java.util.HashMap iteration order (the sticky assignor walks members in
 * that order when it keeps owned partitions), that order is reproduced from
 * String.hashCode, with `members` array order standing in for the JoinGroup
 * order on bucket collisions. Rack-aware assignment is not modelled (no member
 * has a rack).
 *
 * Each member's list in the result is sorted by topic, then partition.
 */

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface GroupMember {
  readonly id: string;
  /** Subscribed topics. */
  readonly topics: readonly string[];
  /** Partitions the member owns going into this rebalance (its last assignment). */
  readonly owned: readonly TopicPartition[];
  /** group.instance.id of a static member. */
  readonly groupInstanceId?: string;
  /** Generation of the owned partitions (sticky assignors); absent = unknown. */
  readonly generation?: number;
}

export type AssignorName = "range" | "roundrobin" | "sticky" | "cooperative-sticky";

export const ASSIGNORS: readonly AssignorName[] = ["range", "roundrobin", "sticky", "cooperative-sticky"];

/** partition.assignment.strategy items: the short names, and Kafka's class names with or without their package. */
const ASSIGNOR_ALIASES: Record<string, AssignorName> = {
  range: "range",
  rangeassignor: "range",
  roundrobin: "roundrobin",
  roundrobinassignor: "roundrobin",
  sticky: "sticky",
  stickyassignor: "sticky",
  "cooperative-sticky": "cooperative-sticky",
  cooperativestickyassignor: "cooperative-sticky",
};

/** The assignor one item of partition.assignment.strategy names, or undefined. */
export function assignorOf(item: string): AssignorName | undefined {
  return ASSIGNOR_ALIASES[item.trim().toLowerCase().replace(/^.*\./, "")];
}

export type Assignment = Record<string, TopicPartition[]>;

/** Kafka's AbstractStickyAssignor.DEFAULT_GENERATION. */
const DEFAULT_GENERATION = -1;

/**
 * Assign `partitionsPerTopic` (partition count by topic; topics nobody
 * subscribes to, or with no partitions, are ignored, as Kafka leaves them out
 * of the assignor's metadata) to `members` with the named strategy. Every
 * member gets an entry, possibly empty.
 */
export function assign(
  strategy: AssignorName,
  members: readonly GroupMember[],
  partitionsPerTopic: Readonly<Record<string, number>>,
): Assignment {
  const group = normalize(members, partitionsPerTopic);
  let result: Map<string, string[]>;
  switch (strategy) {
    case "range":
      result = rangeAssign(group);
      break;
    case "roundrobin":
      result = roundRobinAssign(group);
      break;
    case "sticky":
      result = stickyAssign(group, false);
      break;
    case "cooperative-sticky":
      result = stickyAssign(group, true);
      break;
    default:
      throw new RangeError(`unknown assignor ${String(strategy)}`);
  }
  return toAssignment(result);
}

/**
 * What each member must revoke after a rebalance: the partitions it owned
 * (`previous`) that are not in its new assignment (`next`) — given to someone
 * else, withheld by the cooperative assignor while ownership transfers, or no
 * longer subscribed. This is the consumer's own rule (owned minus assigned).
 * Under the cooperative protocol a member with anything to revoke revokes it
 * and rejoins, so the group runs a second rebalance with `owned` reduced.
 * Keyed by the members of `next`; members absent from `next` have left.
 */
export function cooperativeRevocations(
  previous: Readonly<Record<string, readonly TopicPartition[]>>,
  next: Readonly<Record<string, readonly TopicPartition[]>>,
): Assignment {
  const out = new Map<string, string[]>();
  for (const id of Object.keys(next)) {
    const kept = new Set(next[id]!.map(tpKey));
    const owned = Object.prototype.hasOwnProperty.call(previous, id) ? previous[id]! : [];
    const revoke = new Set<string>();
    for (const tp of owned) {
      const k = tpKey(tp);
      if (!kept.has(k)) revoke.add(k);
    }
    out.set(id, [...revoke]);
  }
  return toAssignment(out);
}

/** True if any member has something to revoke: the cooperative protocol then needs a follow-up rebalance. */
export function needsFollowUpRebalance(revocations: Readonly<Record<string, readonly TopicPartition[]>>): boolean {
  return Object.values(revocations).some((r) => r.length > 0);
}

/** Java's String.hashCode (over UTF-16 code units, 32-bit wrap-around). */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

// ---------------------------------------------------------------------------
// Shared plumbing. Partitions are handled internally as string keys.

interface Member {
  readonly id: string;
  readonly index: number;
  readonly topics: ReadonlySet<string>;
  readonly topicList: readonly string[];
  readonly owned: readonly string[];
  readonly groupInstanceId: string | undefined;
  readonly generation: number | undefined;
}

interface Group {
  readonly members: readonly Member[];
  readonly byId: ReadonlyMap<string, Member>;
  /** Subscribed topics with partitions, and their counts. */
  readonly partitions: ReadonlyMap<string, number>;
}

function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

function parseKey(key: string): TopicPartition {
  const cut = key.lastIndexOf("\u0000");
  return { topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)) };
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function topicOf(k: string): string {
  return k.slice(0, k.lastIndexOf("\u0000"));
}

function partitionOf(k: string): number {
  return Number(k.slice(k.lastIndexOf("\u0000") + 1));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Kafka's TopicPartitionComparator: topic, then partition. */
function compareTopicPartition(a: string, b: string): number {
  return compareStrings(topicOf(a), topicOf(b)) || partitionOf(a) - partitionOf(b);
}

/** AbstractPartitionAssignor.MemberInfo order: static members by instance id first, then member id. */
function compareMembers(a: Member, b: Member): number {
  if (a.groupInstanceId !== undefined && b.groupInstanceId !== undefined) return compareStrings(a.groupInstanceId, b.groupInstanceId);
  if (a.groupInstanceId !== undefined) return -1;
  if (b.groupInstanceId !== undefined) return 1;
  return compareStrings(a.id, b.id);
}

function normalize(members: readonly GroupMember[], partitionsPerTopic: Readonly<Record<string, number>>): Group {
  const byId = new Map<string, Member>();
  const list: Member[] = [];
  const subscribed = new Set<string>();
  members.forEach((m, index) => {
    if (byId.has(m.id)) throw new RangeError(`duplicate member id ${m.id}`);
    const topicList = [...new Set(m.topics)];
    for (const t of topicList) subscribed.add(t);
    const member: Member = {
      id: m.id,
      index,
      topics: new Set(topicList),
      topicList,
      owned: [...new Set(m.owned.map(tpKey))],
      groupInstanceId: m.groupInstanceId,
      generation: m.generation,
    };
    byId.set(m.id, member);
    list.push(member);
  });
  const partitions = new Map<string, number>();
  for (const topic of Object.keys(partitionsPerTopic).sort(compareStrings)) {
    const n = partitionsPerTopic[topic]!;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`partition count of ${topic} must be a non-negative integer, got ${n}`);
    if (n > 0 && subscribed.has(topic)) partitions.set(topic, n);
  }
  return { members: list, byId, partitions };
}

function toAssignment(result: Map<string, string[]>): Assignment {
  return Object.fromEntries(
    [...result].map(([id, keys]) => [id, [...keys].sort(compareTopicPartition).map(parseKey)]),
  ) as Assignment;
}

function emptyResult(group: Group): Map<string, string[]> {
  return new Map(group.members.map((m) => [m.id, [] as string[]]));
}

/** java.util.HashMap's bucket index of a hash for a table of `capacity` slots. */
function bucketIndex(hash: number, capacity: number): number {
  return (hash ^ (hash >>> 16)) & (capacity - 1);
}

/** Table size of a java.util.HashMap grown from the default 16 to hold `size` entries. */
function hashMapCapacity(size: number): number {
  let cap = 16;
  while (size > cap * 0.75) cap *= 2;
  return cap;
}

/**
 * The iteration order of a java.util.HashMap<String, …> filled with the
 * members in array order: by bucket, then insertion order within a bucket.
 */
function javaHashMapOrder(members: readonly Member[]): Member[] {
  const cap = hashMapCapacity(members.length);
  return members
    .map((m) => ({ m, b: bucketIndex(javaStringHashCode(m.id), cap) }))
    .sort((x, y) => x.b - y.b || x.m.index - y.m.index)
    .map((x) => x.m);
}

// ---------------------------------------------------------------------------
// range

function rangeAssign(group: Group): Map<string, string[]> {
  const result = emptyResult(group);
  const sorted = [...group.members].sort(compareMembers);
  for (const [topic, n] of group.partitions) {
    const consumers = sorted.filter((m) => m.topics.has(topic));
    if (consumers.length === 0) continue;
    const per = Math.floor(n / consumers.length);
    const extra = n % consumers.length;
    let next = 0;
    consumers.forEach((m, i) => {
      const count = per + (i < extra ? 1 : 0);
      for (let p = next; p < next + count; p++) result.get(m.id)!.push(key(topic, p));
      next += count;
    });
  }
  return result;
}

// ---------------------------------------------------------------------------
// roundrobin

function roundRobinAssign(group: Group): Map<string, string[]> {
  const result = emptyResult(group);
  const sorted = [...group.members].sort(compareMembers);
  if (sorted.length === 0) return result;
  let turn = 0;
  for (const [topic, n] of group.partitions) {
    // group.partitions is in topic order; every topic in it has a subscriber
    for (let p = 0; p < n; p++) {
      while (!sorted[turn]!.topics.has(topic)) turn = (turn + 1) % sorted.length;
      result.get(sorted[turn]!.id)!.push(key(topic, p));
      turn = (turn + 1) % sorted.length;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------
// sticky and cooperative-sticky (AbstractStickyAssignor)

function stickyAssign(group: Group, cooperative: boolean): Map<string, string[]> {
  if (group.members.length === 0) return new Map();
  const order = javaHashMapOrder(group.members);

  // allSubscriptionsEqual: collect each member's still-valid owned partitions and
  // settle partitions claimed by more than one member.
  const first = group.members[0]!.topics;
  const allSubscriptionsEqual = group.members.every(
    (m) => m.topics.size === first.size && [...m.topics].every((t) => first.has(t)),
  );
  let maxGeneration = DEFAULT_GENERATION;
  const ownedBy = new Map<string, string[]>();
  const previousOwner = new Map<string, Member>();
  const claimedByMany = new Set<string>();
  for (const m of order) {
    const generation = m.generation ?? DEFAULT_GENERATION;
    maxGeneration = Math.max(maxGeneration, generation);
    const owned: string[] = [];
    ownedBy.set(m.id, owned);
    for (const k of m.owned) {
      const count = group.partitions.get(topicOf(k));
      if (count === undefined || partitionOf(k) >= count) continue;
      const other = previousOwner.get(k);
      if (other === undefined) {
        owned.push(k);
        previousOwner.set(k, m);
        continue;
      }
      const otherGeneration = other.generation ?? DEFAULT_GENERATION;
      if (generation === otherGeneration) {
        // Two members of one generation claim it (a zombie): neither keeps it.
        claimedByMany.add(k);
        remove(ownedBy.get(other.id)!, k);
        previousOwner.set(k, m);
      } else if (generation > otherGeneration) {
        owned.push(k);
        remove(ownedBy.get(other.id)!, k);
        previousOwner.set(k, m);
      }
      // else the other member, of a newer generation, keeps it
    }
  }

  let assignment: Map<string, string[]>;
  let transferring: Map<string, string> | undefined;
  if (allSubscriptionsEqual) {
    ({ assignment, transferring } = constrainedAssign(group, order, ownedBy, claimedByMany));
  } else {
    assignment = generalAssign(group, order, ownedBy, maxGeneration);
  }

  if (cooperative) {
    const withheld = transferring ?? partitionsTransferringOwnership(group, assignment);
    for (const [k, consumer] of withheld) remove(assignment.get(consumer)!, k);
  }
  return assignment;
}

function remove(list: string[], k: string): void {
  const i = list.indexOf(k);
  if (i >= 0) list.splice(i, 1);
}

/** CooperativeStickyAssignor: partitions given to a member that did not own them, which another member owned and lost. */
function partitionsTransferringOwnership(group: Group, assignment: Map<string, string[]>): Map<string, string> {
  const added = new Map<string, string>();
  const revoked = new Set<string>();
  for (const [consumer, assigned] of assignment) {
    const owned = new Set(group.byId.get(consumer)!.owned);
    const assignedSet = new Set(assigned);
    for (const k of assigned) if (!owned.has(k)) added.set(k, consumer);
    for (const k of owned) if (!assignedSet.has(k)) revoked.add(k);
  }
  for (const k of [...added.keys()]) if (!revoked.has(k)) added.delete(k);
  return added;
}

/** All partitions of the given topics, topic by topic in the given order. */
function allPartitions(group: Group, topics: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of topics) {
    const n = group.partitions.get(t)!;
    for (let p = 0; p < n; p++) out.push(key(t, p));
  }
  return out;
}

/**
 * ConstrainedAssignmentBuilder, used when every member subscribes to the same
 * topics: keep owned partitions up to the quota (maxQuota for as many members
 * as may have it, else minQuota), then deal the rest round-robin to members
 * under quota.
 */
function constrainedAssign(
  group: Group,
  order: readonly Member[],
  ownedBy: ReadonlyMap<string, string[]>,
  claimedByMany: ReadonlySet<string>,
): { assignment: Map<string, string[]>; transferring: Map<string, string> } {
  let total = 0;
  for (const n of group.partitions.values()) total += n;
  const numMembers = group.members.length;
  const minQuota = Math.floor(total / numMembers);
  const maxQuota = Math.ceil(total / numMembers);
  const expectedOverMin = total % numMembers;
  let currentOverMin = 0;

  const assignment = new Map<string, string[]>(group.members.map((m) => [m.id, [] as string[]]));
  const assigned = new Set<string>();
  const maybeRevoked = new Map<string, string>();
  const transferring = new Map<string, string>();
  let underMin: string[] = [];
  let exactlyMin: string[] = [];

  // 1. Keep owned partitions (ordered by partition, then topic), up to the quota.
  for (const m of order) {
    const owned = ownedBy
      .get(m.id)!
      .filter((k) => !claimedByMany.has(k))
      .sort((a, b) => partitionOf(a) - partitionOf(b) || compareStrings(topicOf(a), topicOf(b)));
    const mine = assignment.get(m.id)!;
    let keep: number;
    if (owned.length < minQuota) {
      keep = owned.length;
      underMin.push(m.id);
    } else if (owned.length >= maxQuota && currentOverMin < expectedOverMin) {
      keep = maxQuota;
      currentOverMin++;
      if (currentOverMin === expectedOverMin) exactlyMin = [];
    } else {
      keep = minQuota;
      if (currentOverMin < expectedOverMin) exactlyMin.push(m.id);
    }
    for (let i = 0; i < owned.length; i++) {
      if (i < keep) {
        mine.push(owned[i]!);
        assigned.add(owned[i]!);
      } else {
        maybeRevoked.set(owned[i]!, m.id);
      }
    }
  }

  const unassigned = allPartitions(group, [...group.partitions.keys()]).filter((k) => !assigned.has(k));
  underMin.sort(compareStrings);
  exactlyMin.sort(compareStrings);

  const assignNew = (k: string, consumer: string): number => {
    const mine = assignment.get(consumer)!;
    mine.push(k);
    const revokedFrom = maybeRevoked.get(k);
    if ((revokedFrom !== undefined && revokedFrom !== consumer) || claimedByMany.has(k)) transferring.set(k, consumer);
    return mine.length;
  };

  // 2. Round-robin the rest over members under minQuota, then over those at
  //    exactly minQuota while more members may still reach maxQuota.
  let cursor = 0; // a java.util.Iterator over underMin
  for (let i = 0; i < unassigned.length; i++) {
    const k = unassigned[i]!;
    let consumer: string;
    let fromIterator = false;
    if (cursor < underMin.length) {
      consumer = underMin[cursor++]!;
      fromIterator = true;
    } else if (underMin.length === 0 && exactlyMin.length === 0) {
      throw new Error(`sticky assignor: no member left for ${unassigned.slice(i).map(parseKey).map(show).join(", ")}`);
    } else if (underMin.length === 0) {
      consumer = exactlyMin.shift()!;
    } else {
      cursor = 0;
      consumer = underMin[cursor++]!;
      fromIterator = true;
    }
    const count = assignNew(k, consumer);
    if (count === minQuota && fromIterator) {
      underMin.splice(--cursor, 1);
      exactlyMin.push(consumer);
    } else if (count === maxQuota) {
      currentOverMin++;
    }
  }

  if (underMin.length > 0) {
    if (currentOverMin !== expectedOverMin) {
      throw new Error("sticky assignor: members under minQuota but no partitions left");
    }
    for (const id of underMin) {
      if (assignment.get(id)!.length !== minQuota) throw new Error(`sticky assignor: member ${id} below minQuota`);
    }
  }
  return { assignment, transferring };
}

function show(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/**
 * A java.util.HashSet<TopicPartition>, only as far as which element its
 * iterator yields first (the sticky assignor takes `iterator().next()`).
 */
class JavaTopicPartitionSet {
  private readonly seq = new Map<string, number>();
  private counter = 0;
  private capacity = 16;

  get size(): number {
    return this.seq.size;
  }

  add(k: string): void {
    if (this.seq.has(k)) return;
    this.seq.set(k, this.counter++);
    if (this.seq.size > this.capacity * 0.75) this.capacity *= 2;
  }

  delete(k: string): void {
    this.seq.delete(k);
  }

  first(): string {
    let best: string | undefined;
    let bestBucket = Infinity;
    let bestSeq = Infinity;
    for (const [k, s] of this.seq) {
      const b = bucketIndex(topicPartitionHashCode(k), this.capacity);
      if (b < bestBucket || (b === bestBucket && s < bestSeq)) {
        best = k;
        bestBucket = b;
        bestSeq = s;
      }
    }
    if (best === undefined) throw new Error("empty set");
    return best;
  }
}

/** Kafka's TopicPartition.hashCode. */
function topicPartitionHashCode(k: string): number {
  const h = (31 + partitionOf(k)) | 0;
  return (Math.imul(31, h) + javaStringHashCode(topicOf(k))) | 0;
}

interface Movement {
  readonly src: string;
  readonly dst: string;
}

/** AbstractStickyAssignor.PartitionMovements: lets a move undo an earlier opposite move of the same topic. */
class PartitionMovements {
  private readonly byTopic = new Map<string, Map<string, JavaTopicPartitionSet>>();
  private readonly movements = new Map<string, Movement>();

  private static pairKey(src: string, dst: string): string {
    return `${src}\u0000${dst}`;
  }

  private removeRecord(k: string): Movement {
    const pair = this.movements.get(k)!;
    this.movements.delete(k);
    const topic = topicOf(k);
    const forTopic = this.byTopic.get(topic)!;
    const pk = PartitionMovements.pairKey(pair.src, pair.dst);
    const set = forTopic.get(pk)!;
    set.delete(k);
    if (set.size === 0) forTopic.delete(pk);
    if (forTopic.size === 0) this.byTopic.delete(topic);
    return pair;
  }

  private addRecord(k: string, pair: Movement): void {
    this.movements.set(k, pair);
    const topic = topicOf(k);
    let forTopic = this.byTopic.get(topic);
    if (forTopic === undefined) {
      forTopic = new Map();
      this.byTopic.set(topic, forTopic);
    }
    const pk = PartitionMovements.pairKey(pair.src, pair.dst);
    let set = forTopic.get(pk);
    if (set === undefined) {
      set = new JavaTopicPartitionSet();
      forTopic.set(pk, set);
    }
    set.add(k);
  }

  movePartition(k: string, oldConsumer: string, newConsumer: string): void {
    if (this.movements.has(k)) {
      const existing = this.removeRecord(k);
      if (existing.src !== newConsumer) this.addRecord(k, { src: existing.src, dst: newConsumer });
    } else {
      this.addRecord(k, { src: oldConsumer, dst: newConsumer });
    }
  }

  actualPartitionToMove(k: string, oldConsumer: string, newConsumer: string): string {
    const forTopic = this.byTopic.get(topicOf(k));
    if (forTopic === undefined) return k;
    const earlier = this.movements.get(k);
    const src = earlier !== undefined ? earlier.src : oldConsumer;
    const reverse = forTopic.get(PartitionMovements.pairKey(newConsumer, src));
    return reverse === undefined ? k : reverse.first();
  }
}

/**
 * GeneralAssignmentBuilder, for members with different subscriptions: keep
 * every owned partition still subscribed, give unassigned ones to the least
 * loaded eligible member, then move partitions from more to less loaded
 * members until balanced (keeping the result only if it is more balanced).
 */
function generalAssign(
  group: Group,
  order: readonly Member[],
  ownedBy: ReadonlyMap<string, string[]>,
  maxGeneration: number,
): Map<string, string[]> {
  const topicConsumers = new Map<string, string[]>();
  for (const t of group.partitions.keys()) topicConsumers.set(t, []);
  const consumerTopics = new Map<string, Set<string>>();
  for (const m of order) {
    const mine = new Set<string>();
    consumerTopics.set(m.id, mine);
    for (const t of m.topicList) {
      if (!group.partitions.has(t)) continue;
      mine.add(t);
      topicConsumers.get(t)!.push(m.id);
    }
  }
  let current = new Map<string, string[]>();
  for (const m of order) current.set(m.id, [...ownedBy.get(m.id)!]);
  const partitionConsumer = new Map<string, string>();
  for (const [c, parts] of current) for (const k of parts) partitionConsumer.set(k, c);

  const sortedTopics = [...topicConsumers.keys()].sort(
    (a, b) => topicConsumers.get(a)!.length - topicConsumers.get(b)!.length || compareStrings(a, b),
  );
  let sortedAll = allPartitions(group, sortedTopics);
  const maxSize = (c: string): number => {
    let n = 0;
    for (const t of consumerTopics.get(c)!) n += group.partitions.get(t)!;
    return n;
  };

  // Previous owners of an older generation (the 2nd-newest claim wins).
  const prevOwner = new Map<string, { consumer: string; generation: number }>();
  for (const m of order) {
    let generation: number | undefined;
    if (m.generation !== undefined && m.generation < maxGeneration) generation = m.generation;
    else if (m.generation === undefined && maxGeneration > DEFAULT_GENERATION) generation = DEFAULT_GENERATION;
    if (generation === undefined) continue;
    for (const k of m.owned) {
      const known = prevOwner.get(k);
      if (known === undefined || generation > known.generation) prevOwner.set(k, { consumer: m.id, generation });
    }
  }
  const movements = new PartitionMovements();

  // Keep owned partitions whose topic the owner still subscribes to.
  let revocationRequired = false;
  const assigned = new Set<string>();
  for (const [c, parts] of current) {
    const topics = group.byId.get(c)!.topics;
    for (let i = parts.length - 1; i >= 0; i--) {
      if (!topics.has(topicOf(parts[i]!))) {
        parts.splice(i, 1);
        revocationRequired = true;
      }
    }
    for (const k of parts) assigned.add(k);
  }
  let unassigned = sortedAll.filter((k) => !assigned.has(k));

  // The TreeSet of members by (assigned count, id).
  const members = new Set<string>(current.keys());
  const sortedMembers = (): string[] =>
    [...members].sort((a, b) => current.get(a)!.length - current.get(b)!.length || compareStrings(a, b));

  const isBalanced = (): boolean => {
    const sorted = sortedMembers();
    const min = current.get(sorted[0]!)!.length;
    const max = current.get(sorted[sorted.length - 1]!)!.length;
    if (min >= max - 1) return true;
    const holder = new Map<string, string>();
    for (const [c, parts] of current) for (const k of parts) holder.set(k, c);
    for (const c of sorted) {
      const mine = current.get(c)!;
      if (mine.length === maxSize(c)) continue;
      const have = new Set(mine);
      for (const t of consumerTopics.get(c)!) {
        const n = group.partitions.get(t)!;
        for (let p = 0; p < n; p++) {
          const k = key(t, p);
          if (have.has(k)) continue;
          const other = holder.get(k);
          if (other !== undefined && mine.length + 1 < current.get(other)!.length) return false;
        }
      }
    }
    return true;
  };

  const move = (k: string, newConsumer: string): void => {
    const oldConsumer = partitionConsumer.get(k)!;
    movements.movePartition(k, oldConsumer, newConsumer);
    remove(current.get(oldConsumer)!, k);
    current.get(newConsumer)!.push(k);
    partitionConsumer.set(k, newConsumer);
  };

  const reassign = (k: string, newConsumer: string): void => {
    const consumer = partitionConsumer.get(k)!;
    move(movements.actualPartitionToMove(k, consumer, newConsumer), newConsumer);
  };

  const reassignToLeastLoaded = (k: string): void => {
    const topic = topicOf(k);
    const target = sortedMembers().find((c) => consumerTopics.get(c)!.has(topic));
    if (target !== undefined) reassign(k, target);
  };

  const performReassignments = (partitions: readonly string[]): boolean => {
    let performed = false;
    let modified: boolean;
    do {
      modified = false;
      for (const k of partitions) {
        if (isBalanced()) break;
        const consumer = partitionConsumer.get(k);
        if (consumer === undefined || !current.has(consumer)) continue;
        const load = current.get(consumer)!.length;
        const prev = prevOwner.get(k);
        if (
          prev !== undefined &&
          current.has(prev.consumer) &&
          consumerTopics.get(prev.consumer)!.has(topicOf(k)) &&
          load > current.get(prev.consumer)!.length + 1
        ) {
          reassign(k, prev.consumer);
          performed = modified = true;
          continue;
        }
        for (const other of topicConsumers.get(topicOf(k))!) {
          const otherParts = current.get(other);
          if (otherParts !== undefined && load > otherParts.length + 1) {
            reassignToLeastLoaded(k);
            performed = modified = true;
            break;
          }
        }
      }
    } while (modified);
    return performed;
  };

  // balance()
  const heaviest = sortedMembers();
  const initializing = current.get(heaviest[heaviest.length - 1]!)!.length === 0;

  for (const k of unassigned) {
    const topic = topicOf(k);
    if (topicConsumers.get(topic)!.length === 0) continue;
    const target = sortedMembers().find((c) => consumerTopics.get(c)!.has(topic));
    if (target === undefined) continue;
    current.get(target)!.push(k);
    partitionConsumer.set(k, target);
  }

  // Only partitions of topics with two or more potential consumers can move.
  const fixedTopics = new Set([...topicConsumers].filter(([, cs]) => cs.length < 2).map(([t]) => t));
  sortedAll = sortedAll.filter((k) => !fixedTopics.has(topicOf(k)));
  unassigned = unassigned.filter((k) => !fixedTopics.has(topicOf(k)));

  const fixedAssignments = new Map<string, string[]>();
  for (const c of consumerTopics.keys()) {
    const mine = current.get(c)!;
    const canMove = mine.length < maxSize(c) || mine.some((k) => topicConsumers.get(topicOf(k))!.length >= 2);
    if (!canMove) {
      members.delete(c);
      fixedAssignments.set(c, mine);
      current.delete(c);
    }
  }

  const before = new Map([...current].map(([c, parts]) => [c, [...parts]]));

  if (!revocationRequired) performReassignments(unassigned);
  const performed = performReassignments(sortedAll);
  if (!initializing && performed && balanceScore(current) >= balanceScore(before)) {
    current = before;
  }
  for (const [c, parts] of fixedAssignments) current.set(c, parts);
  return current;
}

/** Sum over member pairs of the difference in assigned counts (0 = perfectly balanced). */
function balanceScore(assignment: ReadonlyMap<string, readonly string[]>): number {
  const sizes = [...assignment.values()].map((a) => a.length);
  let score = 0;
  for (let i = 0; i < sizes.length; i++) for (let j = i + 1; j < sizes.length; j++) score += Math.abs(sizes[i]! - sizes[j]!);
  return score;
}
