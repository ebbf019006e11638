/**
 * The KRaft controller quorum: which of the controller nodes is the active
 * one, chosen the way Kafka's Raft (KafkaRaftClient) chooses it.
 *
 * - Followers fetch the metadata log from the leader, one fetch at a time,
 *   about every 500 ms (Raft's longest fetch wait), over the network: a slow
 *   or lossy link delays or loses them. A fetch with no answer for
 *   controller.quorum.request.timeout.ms has failed, and the next one goes.
 *   A voter with no answered fetch for controller.quorum.fetch.timeout.ms
 *   stands for election: it bumps the epoch, votes for itself and asks the
 *   others. A fetch that reaches a voter which is not the leader is answered
 *   with the leader that voter knows, and the fetcher turns to it.
 * - A voter grants one vote per epoch, and none while it still hears from a
 *   leader (an answered fetch within controller.quorum.fetch.timeout.ms: the
 *   pre-vote of KIP-996, so a voter that lost only its own link to the leader
 *   cannot depose it). A majority of the voters elects. Vote answers name the
 *   leader the voter follows, so a candidate that missed an election learns
 *   of it.
 * - A candidate without a majority after controller.quorum.election.timeout.ms
 *   (plus up to as much again, at random) backs off at random (binary
 *   exponential, at most controller.quorum.election.backoff.max.ms) and
 *   stands again in a new epoch.
 * - The new leader announces itself (BeginQuorumEpoch); a leader that no
 *   majority has fetched from for 1.5 × controller.quorum.fetch.timeout.ms
 *   resigns (check-quorum), and a leader that learns of a later epoch steps
 *   down.
 * - Raft's requests here are dropped when the link is cut or loses them (the
 *   request timeout stands for TCP giving up); what reaches a paused voter
 *   waits in its socket, and it handles it when it resumes.
 *
 * The metadata log itself is not modelled record by record: what the active
 * controller writes commits only while its links to a majority are open
 * (Controller asks writable(); a slow or lossy link does not slow a commit),
 * and every voter holds all committed records, so any elected voter carries
 * on from the same metadata. With one voter there are no
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
/** An idle Fetch of the metadata log and its answer. */
const FETCH_BYTES = 120;
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
  /** Last answered fetch from a leader (a follower), or last time a majority fetched (a leader). */
  lastContact: number;
  /** The leader of `epoch` as this voter knows it (its id), or -1. */
  leaderId: number;
  /** A fetch of its was answered by that leader since it began following it (KIP-996: only then does it turn pre-votes down). */
  fetched: boolean;
  /** Being turned down (a voter still hears its leader) has been told, since it last had a fetch answered. */
  toldTurnedDown: boolean;
  /** When its fetch now outstanding was sent, or -Infinity when none is. */
  fetchSentAt: number;
  /** Fetches sent: an answer counts only for the fetch still outstanding. */
  fetchSeq: number;
  /** As a leader: when each voter's last fetch reached it (by voter id), for check-quorum. */
  readonly fetchedAt: number[];
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
  /** Requests and answers that reached it while frozen: its socket holds them, and it handles them on resume. */
  inbox: (() => void)[];
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
      this.voters.push({
        id,
        name,
        up: true,
        paused: false,
        role: "follower",
        epoch: 0,
        votedFor: -1,
        lastContact: 0,
        leaderId: -1,
        fetched: false,
        toldTurnedDown: false,
        fetchSentAt: -Infinity,
        fetchSeq: 0,
        fetchedAt: new Array<number>(count + 1).fill(-Infinity),
        votes: new Set(),
        prospective: false,
        announced: false,
        rounds: 0,
        timer: null,
        missedTick: false,
        inbox: [],
        rng: entityRng(cluster, name),
      });
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
      v.leaderId = first.id;
      v.fetched = true;
      v.lastContact = this.cluster.sim.now;
      v.fetchedAt.fill(this.cluster.sim.now);
    }
    this.lead(first);
    for (const v of this.voters) if (v !== first) this.scheduleFollowerTick(v);
  }

  /** The active controller can commit: it is up, running, and (with more than one voter) reaches a majority. */
  writable(): boolean {
    const a = this.active;
    if (!a || !a.up || a.paused) return false;
    return this.single || this.followersConnected(a) + 1 >= this.majority;
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
    v.inbox = [];
    this.cancel(v);
    if (v === this.active) this.depose(v);
    v.role = "follower";
    // it comes back knowing the epoch (quorum-state), but not who leads it now
    if (v.leaderId === v.id) v.leaderId = -1;
  }

  /**
   * A clean shutdown. A leader of a quorum resigns first (EndQuorumEpoch): the voters that hear it
   * stand after a short random back-off instead of waiting out controller.quorum.fetch.timeout.ms.
   */
  shutdown(v: Voter): void {
    if (!v.up) return;
    if (v.role === "leader" && !v.paused && !this.single) {
      const { sim, events } = this.cluster;
      const epoch = v.epoch;
      events.emit(sim.now, "election", `${v.name} shuts down cleanly: it resigns as active controller (EndQuorumEpoch), so the other voters elect a new one at once`);
      for (const u of this.voters) {
        if (u === v) continue;
        this.send(v, u, VOTE_BYTES, () => {
          if (u.epoch !== epoch || u.role !== "follower") return;
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
    v.fetchSentAt = -Infinity;
    v.fetched = false;
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
    const inbox = v.inbox;
    v.inbox = [];
    for (const handle of inbox) if (v.up && !v.paused) handle();
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

  /** A Raft message from `from` to `to`: dropped if the link is cut or loses it, held while `to` is frozen, lost if it is down. */
  private send(from: Voter, to: Voter, bytes: number, handle: () => void): void {
    this.cluster.net.send(from.name, to.name, bytes, () => {
      if (!to.up) return;
      if (to.paused) to.inbox.push(handle);
      else handle();
    });
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

  private get requestTimeout(): number {
    return num(this.cluster.brokerConfig["controller.quorum.request.timeout.ms"]);
  }

  /** Followers of `leader`'s epoch whose links to it are both open (what a commit needs here). */
  private followersConnected(leader: Voter): number {
    let n = 0;
    for (const u of this.voters) {
      if (u !== leader && u.up && !u.paused && u.role === "follower" && u.epoch === leader.epoch && this.cluster.net.connected(u.name, leader.name)) n++;
    }
    return n;
  }

  /** Voters whose fetch reached `leader` within controller.quorum.fetch.timeout.ms (check-quorum). */
  private followersInContact(leader: Voter): number {
    const now = this.cluster.sim.now;
    let n = 0;
    for (const u of this.voters) if (u !== leader && now - leader.fetchedAt[u.id]! < this.fetchTimeout) n++;
    return n;
  }

  /** `v` is told of `epoch` and its leader (-1: none known) by a fetch or vote answer: it follows a leader of a later or its own epoch. */
  private learn(v: Voter, epoch: number, leaderId: number): void {
    if (leaderId < 0 && epoch > v.epoch && v.role !== "leader") {
      // a later epoch with no leader yet: remembered, so its next pre-vote asks beyond it
      v.epoch = epoch;
      v.votedFor = -1;
      return;
    }
    if (leaderId < 0 || leaderId === v.id || epoch < v.epoch) return;
    if (epoch === v.epoch && (v.role === "leader" || (v.role === "candidate" && !v.prospective))) return;
    if (epoch === v.epoch && v.role === "follower" && v.leaderId === leaderId) return;
    // turned down while standing by a voter that follows the leader it lost: it tries that leader again
    const again = v.role === "candidate" && v.prospective && epoch === v.epoch && leaderId === v.leaderId;
    if (again && !v.toldTurnedDown) {
      this.cluster.events.emit(this.cluster.sim.now, "election", `${v.name} is turned down: a voter still hears ${this.voters[leaderId - 1]!.name}, active in epoch ${epoch}; it fetches from it again, and asks again if its fetches still go unanswered`);
      v.toldTurnedDown = true;
    }
    this.cancel(v);
    this.follow(v, epoch, leaderId);
    // the loss of this leader was told already
    if (again) v.announced = true;
    this.scheduleFollowerTick(v);
  }

  /**
   * A fetch from `v` reached `leader`: once a majority (the leader included) has fetched since
   * the last time, check-quorum starts over (LeaderState's timer, 1.5 × the fetch timeout).
   */
  private fetchedBy(leader: Voter, v: Voter): void {
    const now = this.cluster.sim.now;
    leader.fetchedAt[v.id] = now;
    let n = 1;
    for (const u of this.voters) if (u !== leader && leader.fetchedAt[u.id]! > leader.lastContact) n++;
    if (n >= this.majority) leader.lastContact = now;
  }

  /** What a voter answers about the leader: itself if it leads, the leader it follows, or -1. */
  private leaderKnownBy(u: Voter): number {
    if (u.role === "leader") return u.id;
    return u.role === "follower" ? u.leaderId : -1;
  }

  private scheduleFollowerTick(v: Voter): void {
    const now = this.cluster.sim.now;
    // the next fetch, with each voter's own phase; or the fetch timeout, whichever comes first
    this.setTimer(v, Math.min(now + FETCH_WAIT_MS * (0.5 + v.rng.float() / 2), v.lastContact + this.fetchTimeout));
  }

  private followerTick(v: Voter): void {
    const now = this.cluster.sim.now;
    // the same sum the timer was set with (a difference can round below it and spin)
    if (now >= v.lastContact + this.fetchTimeout) return this.stand(v, `no fetch answer from the leader for controller.quorum.fetch.timeout.ms = ${formatDuration(this.fetchTimeout)}`);
    if (v.leaderId >= 0 && now - v.fetchSentAt >= this.requestTimeout) this.fetch(v);
    this.scheduleFollowerTick(v);
  }

  /**
   * A Fetch from follower `v` to the leader it knows. The leader records it (check-quorum) and
   * answers; a voter that no longer leads answers with the leader it knows. Only the answer to the
   * fetch still outstanding, within controller.quorum.request.timeout.ms, counts.
   */
  private fetch(v: Voter): void {
    const { sim } = this.cluster;
    const to = this.voters[v.leaderId - 1]!;
    const seq = ++v.fetchSeq;
    const epoch = v.epoch;
    v.fetchSentAt = sim.now;
    this.send(v, to, FETCH_BYTES, () => {
      if (to.role === "leader" && to.epoch === epoch) this.fetchedBy(to, v);
      const answerEpoch = to.epoch;
      const leaderId = this.leaderKnownBy(to);
      this.send(to, v, FETCH_BYTES, () => {
        if (seq !== v.fetchSeq || sim.now - v.fetchSentAt > this.requestTimeout) return;
        v.fetchSentAt = -Infinity;
        if (answerEpoch > v.epoch || (answerEpoch === v.epoch && leaderId !== v.leaderId)) return this.learn(v, answerEpoch, leaderId);
        // answered by the leader of its epoch: in contact
        if (leaderId === to.id && answerEpoch === v.epoch && v.role === "follower") {
          v.lastContact = sim.now;
          v.fetched = true;
          // in contact again: losing this leader later is news
          v.toldTurnedDown = false;
          v.announced = false;
        }
      });
    });
  }

  /** `v` follows the leader of `epoch`: its fetch timeout starts now, and it fetches from that leader. */
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
    v.leaderId = leaderId;
    v.fetched = false;
    v.fetchSentAt = -Infinity;
    v.lastContact = this.cluster.sim.now;
  }

  /**
   * `v` lost its leader: a pre-vote first (KIP-996), which changes nobody's epoch, so a voter cut
   * off alone cannot inflate the epoch and depose a healthy leader once its links heal.
   */
  private stand(v: Voter, why: string): void {
    const { sim, events } = this.cluster;
    v.role = "candidate";
    v.prospective = true;
    v.votes = new Set([v.id]);
    const epoch = v.epoch + 1;
    if (!v.announced) events.emit(sim.now, "election", `${v.name} lost the active controller (${why}): it asks the other voters whether to stand for election`);
    v.announced = true;
    this.electionTimer(v);
    for (const u of this.voters) {
      if (u === v) continue;
      this.send(v, u, VOTE_BYTES, () => {
        const granted = this.preVoteRequested(u, epoch);
        const answerEpoch = u.epoch;
        const leaderId = this.leaderKnownBy(u);
        this.send(u, v, VOTE_BYTES, () => {
          if (v.role !== "candidate" || !v.prospective || v.epoch + 1 !== epoch) return;
          // turned down by a voter that follows a leader: follow it too (KIP-996)
          if (!granted) return this.learn(v, answerEpoch, leaderId);
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
  private preVoteRequested(u: Voter, epoch: number): boolean {
    if (epoch <= u.epoch) return false;
    if (u.role === "follower" && u.fetched && this.cluster.sim.now - u.lastContact < this.fetchTimeout) return false;
    if (u.role === "leader" && this.followersInContact(u) + 1 >= this.majority) return false;
    return true;
  }

  /** A majority would vote: the real election, in a new epoch. */
  private campaign(v: Voter): void {
    const { sim, events } = this.cluster;
    v.prospective = false;
    v.epoch++;
    v.votedFor = v.id;
    v.votes = new Set([v.id]);
    const epoch = v.epoch;
    events.emit(sim.now, "election", `${v.name} stands for election as controller in epoch ${epoch}: it needs ${this.majority} of ${this.voters.length} votes`);
    this.electionTimer(v);
    for (const u of this.voters) {
      if (u === v) continue;
      this.send(v, u, VOTE_BYTES, () => {
        const granted = this.voteRequested(u, v, epoch);
        const answerEpoch = u.epoch;
        const leaderId = this.leaderKnownBy(u);
        this.send(u, v, VOTE_BYTES, () => {
          if (!granted) this.learn(v, answerEpoch, leaderId);
          else this.voteAnswered(v, epoch, u, granted);
        });
      });
    }
    if (v.votes.size >= this.majority) this.lead(v);
  }

  /** A Vote request reaches `u`: Raft's rule, one vote per epoch. */
  private voteRequested(u: Voter, candidate: Voter, epoch: number): boolean {
    if (epoch < u.epoch) return false;
    if (epoch > u.epoch) {
      if (u.role === "leader") this.stepDown(u, `${candidate.name} stands in epoch ${epoch}`);
      if (u.role === "candidate") this.cancel(u);
      u.epoch = epoch;
      u.votedFor = -1;
      u.role = "follower";
      u.prospective = false;
      // a new epoch whose leader it does not know yet
      u.leaderId = -1;
      u.fetched = false;
    }
    if (u.role !== "follower" || (u.votedFor !== -1 && u.votedFor !== candidate.id)) return false;
    u.votedFor = candidate.id;
    u.lastContact = this.cluster.sim.now;
    this.scheduleFollowerTick(u);
    return true;
  }

  private voteAnswered(c: Voter, epoch: number, from: Voter, granted: boolean): void {
    if (c.role !== "candidate" || c.prospective || c.epoch !== epoch || !granted) return;
    c.votes.add(from.id);
    if (c.votes.size >= this.majority) this.lead(c);
  }

  /** The election timed out: back off at random, then stand again. */
  private electionLost(v: Voter): void {
    const { sim, brokerConfig } = this.cluster;
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
    v.leaderId = -1;
    v.fetched = false;
    v.lastContact = -Infinity;
    this.setTimer(v, sim.now + backoff);
  }

  private lead(v: Voter): void {
    const { sim, events } = this.cluster;
    const previous = this.active;
    v.role = "leader";
    v.prospective = false;
    v.announced = false;
    v.rounds = 0;
    v.leaderId = v.id;
    v.lastContact = sim.now;
    // check-quorum counts fetches of this leadership only
    v.fetchedAt.fill(-Infinity);
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
        this.send(v, u, VOTE_BYTES, () => {
          if (u.epoch > epoch || v.role !== "leader" || v.epoch !== epoch) return;
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
    if (now - v.lastContact >= 1.5 * this.fetchTimeout) {
      this.stepDown(v, `no fetch from a majority of the quorum for 1.5 × controller.quorum.fetch.timeout.ms = ${formatDuration(1.5 * this.fetchTimeout)}; it stands for election again, and wins only once a majority reaches it`);
      v.role = "follower";
      v.leaderId = -1;
      v.fetched = false;
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
