/**
 * The group coordinator (classic rebalance protocol). A group lives on the
 * broker leading the __consumer_offsets partition its id hashes to
 * (abs(String.hashCode(group.id)) % offsets.topic.num.partitions); group state
 * and committed offsets are replicated with that partition, so they survive
 * a coordinator move. States as in Kafka: Empty → PreparingRebalance →
 * CompletingRebalance → Stable. A member that stops heartbeating for
 * session.timeout.ms is removed and the group rebalances.
 */
import type { Cluster } from "../engine/context";
import { num } from "../engine/context";
import type { Timer } from "../kernel/simulator";
import { KafkaError } from "./errors";
import { javaStringHashCode, type AssignorName, type TopicPartition } from "./assignors";

export interface JoinResponse {
  readonly error: number;
  readonly memberId: string;
  readonly generation: number;
  readonly leaderId: string;
  readonly protocol: AssignorName;
  /** For the leader only: every member's subscription and owned partitions. */
  readonly members: { id: string; topics: string[]; owned: TopicPartition[]; generation?: number }[];
}

export interface SyncResponse {
  readonly error: number;
  readonly assignment: TopicPartition[];
}

interface Member {
  readonly id: string;
  readonly client: string;
  topics: string[];
  protocols: AssignorName[];
  owned: TopicPartition[];
  /** The generation `owned` was assigned in (the sticky assignors' user data); undefined: none. */
  ownedGeneration: number | undefined;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  expiry: Timer | null;
  join: ((r: JoinResponse) => void) | null;
  sync: ((r: SyncResponse) => void) | null;
  assignment: TopicPartition[];
}

type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable";

export class Group {
  state: GroupState = "Empty";
  generation = 0;
  leaderId = "";
  protocol: AssignorName = "range";
  readonly members = new Map<string, Member>();
  /** Committed offsets by partition id. */
  readonly committed = new Map<number, number>();
  /** The leader epoch of the record before each committed offset (OffsetCommit's committedLeaderEpoch; KIP-320). */
  readonly committedEpoch = new Map<number, number>();
  private joinTimer: Timer | null = null;
  private nextMember = 0;
  rebalances = 0;

  constructor(
    private readonly cluster: Cluster,
    readonly id: string,
  ) {}

  join(memberId: string | null, client: string, topics: string[], protocols: AssignorName[], owned: TopicPartition[], ownedGeneration: number | undefined, sessionTimeoutMs: number, rebalanceTimeoutMs: number, reply: (r: JoinResponse) => void): void {
    let member = memberId ? this.members.get(memberId) : undefined;
    if (memberId && !member) {
      reply({ error: KafkaError.UNKNOWN_MEMBER_ID, memberId: "", generation: -1, leaderId: "", protocol: "range", members: [] });
      return;
    }
    if (!member) {
      member = { id: `${client}-${++this.nextMember}`, client, topics, protocols, owned, ownedGeneration, sessionTimeoutMs, rebalanceTimeoutMs, expiry: null, join: null, sync: null, assignment: [] };
      this.members.set(member.id, member);
      this.log(`${client} joined group ${this.id}`);
    }
    member.topics = topics;
    member.protocols = protocols;
    member.owned = owned;
    member.ownedGeneration = ownedGeneration;
    member.join = reply;
    this.touch(member);
    if (this.state !== "PreparingRebalance") this.prepareRebalance(`${client} is joining`);
    else this.maybeCompleteJoin();
  }

  sync(memberId: string, generation: number, assignment: Record<string, TopicPartition[]> | null, reply: (r: SyncResponse) => void): void {
    const member = this.members.get(memberId);
    if (!member) return reply({ error: KafkaError.UNKNOWN_MEMBER_ID, assignment: [] });
    if (generation !== this.generation) return reply({ error: KafkaError.ILLEGAL_GENERATION, assignment: [] });
    if (this.state === "PreparingRebalance") return reply({ error: KafkaError.REBALANCE_IN_PROGRESS, assignment: [] });
    this.touch(member);
    if (this.state === "Stable") return reply({ error: KafkaError.NONE, assignment: member.assignment });
    member.sync = reply;
    if (memberId === this.leaderId && assignment) {
      for (const m of this.members.values()) m.assignment = assignment[m.id] ?? [];
      this.state = "Stable";
      for (const m of this.members.values()) {
        const respond = m.sync;
        m.sync = null;
        respond?.({ error: KafkaError.NONE, assignment: m.assignment });
      }
      this.log(`group ${this.id} is stable in generation ${this.generation} (${this.protocol}): ${[...this.members.values()].map((m) => `${m.client} ${m.assignment.length}`).join(", ")} partitions`);
    }
  }

  heartbeat(memberId: string, generation: number): number {
    const member = this.members.get(memberId);
    if (!member) return KafkaError.UNKNOWN_MEMBER_ID;
    this.touch(member);
    if (this.state === "PreparingRebalance") return KafkaError.REBALANCE_IN_PROGRESS;
    if (generation !== this.generation) return KafkaError.ILLEGAL_GENERATION;
    return KafkaError.NONE;
  }

  commit(memberId: string, generation: number, offsets: [pid: number, offset: number, leaderEpoch: number][]): number {
    const member = this.members.get(memberId);
    if (!member) return KafkaError.UNKNOWN_MEMBER_ID;
    if (generation !== this.generation) return KafkaError.ILLEGAL_GENERATION;
    this.touch(member);
    for (const [pid, offset, epoch] of offsets) {
      this.committed.set(pid, offset);
      this.committedEpoch.set(pid, epoch);
    }
    return KafkaError.NONE;
  }

  /**
   * A broker became this group's coordinator (it leads the group's __consumer_offsets partition now)
   * and loaded the group: every member's session starts afresh, as GroupMetadataManager schedules a
   * heartbeat expiration for each member it loads. A member that does not heartbeat the new
   * coordinator within session.timeout.ms is removed.
   */
  loaded(): void {
    for (const member of this.members.values()) this.touch(member);
  }

  leave(memberId: string, reason: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    this.remove(member, reason);
  }

  private touch(member: Member): void {
    const { sim } = this.cluster;
    sim.cancel(member.expiry);
    member.expiry = sim.schedule(member.sessionTimeoutMs, () => {
      member.expiry = null;
      // a member whose JoinGroup or SyncGroup the coordinator holds needs no heartbeat
      // (ClassicGroupMember.hasSatisfiedHeartbeat): the rebalance timeout bounds its wait instead
      if (member.join || member.sync) return this.touch(member);
      this.remove(member, `no heartbeat from ${member.client} for session.timeout.ms = ${member.sessionTimeoutMs / 1000} s`);
    });
  }

  private remove(member: Member, reason: string): void {
    if (this.members.get(member.id) !== member) return;
    this.cluster.sim.cancel(member.expiry);
    this.members.delete(member.id);
    this.log(`${member.client} left group ${this.id}: ${reason}`);
    if (this.members.size === 0) {
      this.state = "Empty";
      this.cluster.sim.cancel(this.joinTimer);
      return;
    }
    if (this.state === "PreparingRebalance") this.maybeCompleteJoin();
    else this.prepareRebalance(reason);
  }

  private prepareRebalance(reason: string): void {
    const { sim, brokerConfig } = this.cluster;
    const wasEmpty = this.state === "Empty";
    this.state = "PreparingRebalance";
    // forming a new group is not a rebalance of a working one
    if (this.generation > 0) this.rebalances++;
    const how = this.generation === 0 ? "members join" : this.protocol === "cooperative-sticky" ? "members rejoin keeping their partitions (cooperative)" : "every member gives up its partitions and rejoins (eager)";
    this.log(`group ${this.id} rebalancing (${reason}); ${how}`);
    for (const m of this.members.values()) {
      const respond = m.sync;
      m.sync = null;
      respond?.({ error: KafkaError.REBALANCE_IN_PROGRESS, assignment: [] });
    }
    sim.cancel(this.joinTimer);
    let timeout = 0;
    for (const m of this.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    // an empty group waits group.initial.rebalance.delay.ms for more members to arrive
    const delay = wasEmpty ? Math.min(timeout, num(brokerConfig["group.initial.rebalance.delay.ms"])) : timeout;
    this.joinTimer = sim.schedule(delay, () => {
      this.joinTimer = null;
      this.completeJoin();
    });
    if (!wasEmpty) this.maybeCompleteJoin();
  }

  private maybeCompleteJoin(): void {
    if (this.state !== "PreparingRebalance" || !this.joinTimer) return;
    for (const m of this.members.values()) if (!m.join) return;
    // the initial delay still runs for a new group; otherwise everyone is here
    if (this.generation === 0) return;
    this.cluster.sim.cancel(this.joinTimer);
    this.joinTimer = null;
    this.completeJoin();
  }

  private completeJoin(): void {
    for (const m of [...this.members.values()]) if (!m.join) this.remove(m, "did not rejoin within the rebalance timeout");
    if (this.members.size === 0) {
      this.state = "Empty";
      return;
    }
    this.generation++;
    const members = [...this.members.values()];
    this.protocol = members[0]!.protocols.find((p) => members.every((m) => m.protocols.includes(p))) ?? "range";
    if (!this.members.has(this.leaderId)) this.leaderId = members[0]!.id;
    this.state = "CompletingRebalance";
    const subscriptions = members.map((m) => ({ id: m.id, topics: m.topics, owned: m.owned, ...(m.ownedGeneration === undefined ? {} : { generation: m.ownedGeneration }) }));
    for (const m of members) {
      const respond = m.join!;
      m.join = null;
      respond({ error: KafkaError.NONE, memberId: m.id, generation: this.generation, leaderId: this.leaderId, protocol: this.protocol, members: m.id === this.leaderId ? subscriptions : [] });
    }
  }

  private log(text: string): void {
    this.cluster.events.emit(this.cluster.sim.now, "group", text);
  }
}

/** All groups of the cluster, and where each one's coordinator is. */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly cluster: Cluster,
    private offsetsPids: readonly number[],
  ) {}

  /** __consumer_offsets created after the cluster (with its first group). */
  useOffsetsTopic(pids: readonly number[]): void {
    this.offsetsPids = pids;
  }

  /** The __consumer_offsets partition holding a group. */
  offsetsPartitionOf(groupId: string): number {
    const hash = javaStringHashCode(groupId);
    // Kafka's Utils.abs maps Integer.MIN_VALUE to 0
    const abs = hash === -2147483648 ? 0 : Math.abs(hash);
    return this.offsetsPids[abs % this.offsetsPids.length]!;
  }

  group(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Group(this.cluster, groupId);
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** A broker now leads `pid` of __consumer_offsets: it loads the groups that partition holds. */
  loadGroupsOf(pid: number): void {
    for (const group of this.groups.values()) if (this.offsetsPartitionOf(group.id) === pid) group.loaded();
  }

  all(): IterableIterator<Group> {
    return this.groups.values();
  }
}
