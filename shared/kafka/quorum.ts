/**
 * The KRaft controller quorum: which of the controller nodes is the active
 * one, chosen the way Kafka's Raft (KafkaRaftClient) chooses it.
 *
 * - Followers fetch the metadata log from the leader, a long poll answered at
 *   least every 500 ms. A voter with no successful fetch for
 *   controller.quorum.fetch.timeout.ms stands for election: it bumps the
 *   epoch, votes for itself and asks the others.
 * - A voter grants one vote per epoch, and none while it still hears from a
 *   live leader (the pre-vote of KIP-996: a voter that lost only its own link
 *   to the leader cannot depose it). A majority of the voters elects.
 * - A candidate without a majority after controller.quorum.election.timeout.ms
 *   (plus up to as much again, at random) backs off at random (binary
 *   exponential, at most controller.quorum.election.backoff.max.ms) and
 *   stands again in a new epoch.
 * - The new leader announces itself (BeginQuorumEpoch); a leader that no
 *   majority has fetched from for 1.5 × controller.quorum.fetch.timeout.ms
 *   resigns (check-quorum), and a leader that learns of a later epoch steps
 *   down.
 *
 * The metadata log itself is not modelled record by record: what the active
 * controller writes commits only while it reaches a majority (Controller asks
 * writable()), and every voter holds all committed records, so any elected
 * voter carries on from the same metadata. With one voter there are no
 * elections: it is the active controller whenever it is up.
 */
import type { Cluster } from "../engine/context";
import { entityRng, num } from "../engine/context";
import type { Rng } from "../kernel/rng";
import type { Timer } from "../kernel/simulator";
import { formatDuration } from "../scenario/duration";

/** Raft's longest fetch wait (KafkaRaftClient, not a config): a follower hears from a live leader at least this often. */
const FETCH_WAIT_MS = 500;
/** Vote, BeginQuorumEpoch and their answers: small requests. */
const VOTE_BYTES = 90;
/** KafkaRaftClient's RETRY_BACKOFF_BASE_MS for election back-off. */
const BACKOFF_BASE_MS = 100;

export type VoterRole = "leader" | "follower" | "candidate";

export interface Voter {
  readonly id: number;
  readonly name: string;
  up: boolean;
  paused: boolean;
  role: VoterRole;
  /** Persisted (quorum-state): survives a restart. */
  epoch: number;
  /** Persisted: the voter this one voted for in `epoch`, or -1. */
  votedFor: number;
  /** Last successful fetch from a leader (a follower), or last time a majority fetched (a leader). */
  lastContact: number;
  votes: Set<number>;
  /** A candidate still in its pre-vote (no epoch bumped yet). */
  prospective: boolean;
  /** Why it stands has been told (the event log says it once per loss of the leader). */
  announced: boolean;
  /** Failed election rounds in a row (for the back-off). */
  rounds: number;
  timer: Timer | null;
  /** A timer that came due while the process was frozen: run on resume. */
  missedTick: boolean;
  readonly rng: Rng;
}

export interface QuorumView {
  /** The active controller's name, or null while none is elected. */
  active: string | null;
  /** The latest epoch any voter knows. */
  epoch: number;
  failovers: number;
  voters: { name: string; state: "up" | "down" | "paused"; role: VoterRole | "prospective" | "none"; epoch: number }[];
}

export interface QuorumHooks {
  /** `voter` is now the active controller. */
  elected(voter: Voter): void;
  /** `voter` is no longer the active controller (crashed, resigned, stepped down, or another was elected). */
  deposed(voter: Voter): void;
}

export class Quorum {
  readonly voters: Voter[];
  /** The active controller, or null during an election. */
  active: Voter | null = null;
  /** The last active controller: where brokers send while none is active. */
  last: Voter;
  /** Elections won after the first (a new active controller). */
  failovers = 0;

  constructor(
    private readonly cluster: Cluster,
    count: number,
    private readonly hooks: QuorumHooks,
  ) {
    this.voters = [];
    for (let id = 1; id <= count; id++) {
      const name = count === 1 ? "controller" : `controller-${id}`;
      this.voters.push({ id, name, up: true, paused: false, role: "follower", epoch: 0, votedFor: -1, lastContact: 0, votes: new Set(), prospective: false, announced: false, rounds: 0, timer: null, missedTick: false, rng: entityRng(cluster, name) });
    }
    this.last = this.voters[0]!;
  }

  get single(): boolean {
    return this.voters.length === 1;
  }

  get majority(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  byName(name: string): Voter | undefined {
    return this.voters.find((v) => v.name === name);
  }

  /** The cluster forms with the first voter leading epoch 1 (the bootstrap election is not shown). */
  start(): void {
    const first = this.voters[0]!;
    for (const v of this.voters) {
      v.epoch = 1;
      v.votedFor = first.id;
      v.lastContact = this.cluster.sim.now;
    }
    this.lead(first);
    for (const v of this.voters) if (v !== first) this.scheduleFollowerTick(v);
  }

  /** The active controller can commit: it is up, running, and (with more than one voter) reaches a majority. */
  writable(): boolean {
    const a = this.active;
    if (!a || !a.up || a.paused) return false;
    return this.single || this.followersInContact(a) + 1 >= this.majority;
  }

  /** Each voter as a display and the report show it. */
  view(): QuorumView {
    const a = this.active;
    return {
      active: a ? a.name : null,
      epoch: Math.max(...this.voters.map((v) => v.epoch)),
      failovers: this.failovers,
      voters: this.voters.map((v) => ({ name: v.name, state: !v.up ? "down" : v.paused ? "paused" : "up", role: !v.up ? "none" : v.role === "candidate" && v.prospective ? "prospective" : v.role, epoch: v.epoch })),
    };
  }

  // ---- faults ----

  crash(v: Voter): void {
    if (!v.up) return;
    v.up = false;
    v.paused = false;
    this.cancel(v);
    if (v === this.active) this.depose(v);
    v.role = "follower";
  }

  /**
   * A clean shutdown. A leader of a quorum resigns first (EndQuorumEpoch): the voters that hear it
   * stand after a short random back-off instead of waiting out controller.quorum.fetch.timeout.ms.
   */
  shutdown(v: Voter): void {
    if (!v.up) return;
    if (v.role === "leader" && !v.paused && !this.single) {
      const { sim, events, net } = this.cluster;
      const epoch = v.epoch;
      events.emit(sim.now, "election", `${v.name} shuts down cleanly: it resigns as active controller (EndQuorumEpoch), so the other voters elect a new one at once`);
      for (const u of this.voters) {
        if (u === v) continue;
        net.send(v.name, u.name, VOTE_BYTES, () => {
          if (!u.up || u.paused || u.epoch !== epoch || u.role !== "follower") return;
          u.lastContact = -Infinity;
          u.announced = true; // the resignation said why
          this.setTimer(u, sim.now + u.rng.int(BACKOFF_BASE_MS));
        });
      }
    }
    this.crash(v);
  }

  restart(v: Voter): void {
    if (v.up) return;
    v.up = true;
    v.paused = false;
    v.role = "follower";
    v.votes = new Set();
    v.rounds = 0;
    v.lastContact = this.cluster.sim.now;
    if (this.single) this.lead(v);
    else {
      this.cluster.events.emit(this.cluster.sim.now, "broker", `${v.name} started: a voter of the controller quorum again, it fetches from the leader (epoch ${v.epoch} as it last knew)`);
      this.scheduleFollowerTick(v);
    }
  }

  pause(v: Voter): void {
    if (v.up) v.paused = true;
  }

  resume(v: Voter): void {
    if (!v.up || !v.paused) return;
    v.paused = false;
    if (v.missedTick) {
      v.missedTick = false;
      this.tick(v);
    }
  }

  // ---- Raft ----

  private cancel(v: Voter): void {
    this.cluster.sim.cancel(v.timer);
    v.timer = null;
    v.missedTick = false;
  }

  private setTimer(v: Voter, atMs: number): void {
    this.cancel(v);
    v.timer = this.cluster.sim.at(atMs, () => {
      v.timer = null;
      if (!v.up) return;
      if (v.paused) v.missedTick = true;
      else this.tick(v);
    });
  }

  private get fetchTimeout(): number {
    return num(this.cluster.brokerConfig["controller.quorum.fetch.timeout.ms"]);
  }

  private tick(v: Voter): void {
    if (v.role === "leader") this.leaderTick(v);
    else if (v.role === "follower") this.followerTick(v);
    else this.electionLost(v);
  }

  /** The live leader of the latest epoch `v` can fetch from (both ways open), if any. */
  private reachableLeader(v: Voter): Voter | null {
    let best: Voter | null = null;
    for (const u of this.voters) {
      if (u === v || u.role !== "leader" || !u.up || u.paused || u.epoch < v.epoch) continue;
      if (!this.cluster.net.connected(v.name, u.name)) continue;
      if (!best || u.epoch > best.epoch) best = u;
    }
    return best;
  }

  private followersInContact(leader: Voter): number {
    let n = 0;
    for (const u of this.voters) {
      if (u !== leader && u.up && !u.paused && u.role === "follower" && u.epoch === leader.epoch && this.cluster.net.connected(u.name, leader.name)) n++;
    }
    return n;
  }

  private scheduleFollowerTick(v: Voter): void {
    const now = this.cluster.sim.now;
    // the next fetch answer, with each voter's own phase; or the fetch timeout, whichever comes first
    this.setTimer(v, Math.min(now + FETCH_WAIT_MS * (0.5 + v.rng.float() / 2), v.lastContact + this.fetchTimeout));
  }

  private followerTick(v: Voter): void {
    const now = this.cluster.sim.now;
    const leader = this.reachableLeader(v);
    if (leader) {
      this.follow(v, leader.epoch, leader.id);
      return this.scheduleFollowerTick(v);
    }
    // the same sum the timer was set with (a difference can round below it and spin)
    if (now >= v.lastContact + this.fetchTimeout) return this.stand(v, `no fetch answer from the leader for controller.quorum.fetch.timeout.ms = ${formatDuration(this.fetchTimeout)}`);
    this.scheduleFollowerTick(v);
  }

  /** `v` follows the leader of `epoch`. */
  private follow(v: Voter, epoch: number, leaderId: number): void {
    if (epoch > v.epoch) {
      v.epoch = epoch;
      v.votedFor = -1;
    }
    if (v.role === "leader") this.stepDown(v, `it learned of epoch ${epoch}, led by ${this.voters[leaderId - 1]!.name}`);
    v.role = "follower";
    v.prospective = false;
    v.announced = false;
    v.rounds = 0;
    v.lastContact = this.cluster.sim.now;
  }

  /**
   * `v` lost its leader: a pre-vote first (KIP-996), which changes nobody's epoch, so a voter cut
   * off alone cannot inflate the epoch and depose a healthy leader once its links heal.
   */
  private stand(v: Voter, why: string): void {
    const { sim, events, net } = this.cluster;
    v.role = "candidate";
    v.prospective = true;
    v.votes = new Set([v.id]);
    const epoch = v.epoch + 1;
    if (!v.announced) events.emit(sim.now, "election", `${v.name} lost the active controller (${why}): it asks the other voters whether to stand for election`);
    v.announced = true;
    this.electionTimer(v);
    for (const u of this.voters) {
      if (u === v) continue;
      net.send(v.name, u.name, VOTE_BYTES, () => {
        const granted = this.preVoteRequested(u, epoch);
        if (granted === null) return;
        net.send(u.name, v.name, VOTE_BYTES, () => {
          if (!granted || !v.up || v.paused || v.role !== "candidate" || !v.prospective || v.epoch + 1 !== epoch) return;
          v.votes.add(u.id);
          if (v.votes.size >= this.majority) this.campaign(v);
        });
      });
    }
    if (v.votes.size >= this.majority) this.campaign(v);
  }

  private electionTimer(v: Voter): void {
    const electionTimeout = num(this.cluster.brokerConfig["controller.quorum.election.timeout.ms"]);
    this.setTimer(v, this.cluster.sim.now + electionTimeout + v.rng.int(electionTimeout));
  }

  /** A pre-vote reaches `u`: yes unless it still hears from a live leader, or is one a majority follows. */
  private preVoteRequested(u: Voter, epoch: number): boolean | null {
    if (!u.up || u.paused) return null;
    if (epoch <= u.epoch) return false;
    if (u.role === "follower" && this.cluster.sim.now - u.lastContact < this.fetchTimeout && this.reachableLeader(u)) return false;
    if (u.role === "leader" && this.followersInContact(u) + 1 >= this.majority) return false;
    return true;
  }

  /** A majority would vote: the real election, in a new epoch. */
  private campaign(v: Voter): void {
    const { sim, events, net } = this.cluster;
    v.prospective = false;
    v.epoch++;
    v.votedFor = v.id;
    v.votes = new Set([v.id]);
    const epoch = v.epoch;
    events.emit(sim.now, "election", `${v.name} stands for election as controller in epoch ${epoch}: it needs ${this.majority} of ${this.voters.length} votes`);
    this.electionTimer(v);
    for (const u of this.voters) {
      if (u === v) continue;
      net.send(v.name, u.name, VOTE_BYTES, () => {
        const granted = this.voteRequested(u, v, epoch);
        if (granted === null) return;
        net.send(u.name, v.name, VOTE_BYTES, () => this.voteAnswered(v, epoch, u, granted));
      });
    }
    if (v.votes.size >= this.majority) this.lead(v);
  }

  /** A Vote request reaches `u`: Raft's rule, one vote per epoch; null when it cannot answer (down or frozen). */
  private voteRequested(u: Voter, candidate: Voter, epoch: number): boolean | null {
    if (!u.up || u.paused) return null;
    if (epoch < u.epoch) return false;
    if (epoch > u.epoch) {
      if (u.role === "leader") this.stepDown(u, `${candidate.name} stands in epoch ${epoch}`);
      if (u.role === "candidate") this.cancel(u);
      u.epoch = epoch;
      u.votedFor = -1;
      u.role = "follower";
      u.prospective = false;
    }
    if (u.role !== "follower" || (u.votedFor !== -1 && u.votedFor !== candidate.id)) return false;
    u.votedFor = candidate.id;
    u.lastContact = this.cluster.sim.now;
    this.scheduleFollowerTick(u);
    return true;
  }

  private voteAnswered(c: Voter, epoch: number, from: Voter, granted: boolean): void {
    if (!c.up || c.paused || c.role !== "candidate" || c.prospective || c.epoch !== epoch || !granted) return;
    c.votes.add(from.id);
    if (c.votes.size >= this.majority) this.lead(c);
  }

  /** The election timed out: back off at random, then stand again. */
  private electionLost(v: Voter): void {
    const { sim, brokerConfig } = this.cluster;
    const leader = this.reachableLeader(v);
    if (leader) {
      this.follow(v, leader.epoch, leader.id);
      return this.scheduleFollowerTick(v);
    }
    v.rounds++;
    if (v.rounds === 1) {
      const { events } = this.cluster;
      const got = `${v.name} got ${v.votes.size} of the ${this.majority} votes it needs within controller.quorum.election.timeout.ms`;
      events.emit(
        sim.now,
        "election",
        this.active
          ? `${got} (${this.active.name} is active, and the voters that hear it say no); it keeps trying`
          : `${got}: no active controller until a majority of the ${this.voters.length} voters are up and reach each other (brokers keep serving data, but nothing can be fenced or elected); it keeps trying`,
      );
    }
    const backoff = Math.min(BACKOFF_BASE_MS * v.rng.int(2 ** Math.min(v.rounds, 20)), num(brokerConfig["controller.quorum.election.backoff.max.ms"]));
    // a follower that has lost its leader, for the back-off: it follows a leader that shows up meanwhile, else stands again
    v.role = "follower";
    v.prospective = false;
    v.lastContact = -Infinity;
    this.setTimer(v, sim.now + backoff);
  }

  private lead(v: Voter): void {
    const { sim, events, net } = this.cluster;
    const previous = this.active;
    v.role = "leader";
    v.prospective = false;
    v.announced = false;
    v.rounds = 0;
    v.lastContact = sim.now;
    this.cancel(v);
    if (previous && previous !== v) this.depose(previous);
    const first = this.active === null && this.last === v && v.epoch === 1;
    this.active = v;
    this.last = v;
    if (!this.single && !first) {
      this.failovers++;
      const votes = [...v.votes].sort((a, b) => a - b).map((id) => this.voters[id - 1]!.name);
      events.emit(sim.now, "election", `${v.name} is the active controller in epoch ${v.epoch} (votes from ${votes.join(", ")}); brokers now heartbeat to it and get a fresh broker.session.timeout.ms`);
    }
    this.hooks.elected(v);
    if (!this.single) {
      // BeginQuorumEpoch: the others follow at once
      const epoch = v.epoch;
      for (const u of this.voters) {
        if (u === v) continue;
        net.send(v.name, u.name, VOTE_BYTES, () => {
          if (!u.up || u.paused || u.epoch > epoch || v.role !== "leader" || v.epoch !== epoch) return;
          if (u.role === "candidate") this.cancel(u);
          this.follow(u, epoch, v.id);
          this.scheduleFollowerTick(u);
        });
      }
      this.setTimer(v, sim.now + FETCH_WAIT_MS);
    }
  }

  private leaderTick(v: Voter): void {
    const now = this.cluster.sim.now;
    // a later leader it can reach: it steps down
    const later = this.reachableLeader(v);
    if (later && later.epoch > v.epoch) {
      this.follow(v, later.epoch, later.id);
      return this.scheduleFollowerTick(v);
    }
    if (this.followersInContact(v) + 1 >= this.majority) v.lastContact = now;
    else if (now - v.lastContact >= 1.5 * this.fetchTimeout) {
      this.stepDown(v, `no fetch from a majority of the quorum for 1.5 × controller.quorum.fetch.timeout.ms = ${formatDuration(1.5 * this.fetchTimeout)}; it stands for election again, and wins only once a majority reaches it`);
      v.role = "follower";
      v.lastContact = -Infinity;
      v.announced = true; // said why
      return this.scheduleFollowerTick(v);
    }
    this.setTimer(v, now + FETCH_WAIT_MS);
  }

  private stepDown(v: Voter, why: string): void {
    if (v.role !== "leader") return;
    v.role = "follower";
    this.cluster.events.emit(this.cluster.sim.now, "broker", `${v.name} is no longer the active controller: ${why}`);
    if (v === this.active) this.depose(v);
  }

  private depose(v: Voter): void {
    if (this.active !== v) return;
    this.active = null;
    this.hooks.deposed(v);
  }
}
