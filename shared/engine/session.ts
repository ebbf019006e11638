/**
 * A live session: the engine behind the app. It owns the working scenario,
 * the engine built from it, a pacer against the wall clock, and the action
 * log. Scrubbing backwards restores the nearest checkpoint at or before the
 * target and replays from there with the recorded actions (the engine is
 * deterministic, so the replay is the same run); without one it replays from
 * t=0. A command given after scrubbing back drops the recorded future: a new
 * branch. Pure: the clock is passed in; the worker that hosts it does the
 * timing.
 *
 * Checkpoints: an engine's state is pending events and closures, so it cannot
 * be copied. A checkpoint is a second engine replaying this branch, advanced
 * in the host's spare moments (`trail()`) and kept a little behind the live
 * one: at CHECKPOINT_TRAIL_MS before it and at half the furthest time reached.
 * Restoring one consumes it; the next spare moments build it again.
 */
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { Engine } from "./engine";
import { Pacer } from "./pacer";
import { parseScenario, formatProblems } from "../scenario/load";
import { scenarioSchema, type Scenario } from "../scenario/schema";
import type { RecordedAction } from "./commands";
import type { OpenResult, Result, SessionFile, Snapshot } from "../protocol/contract";
import type { Frame, MetricsPoint } from "./frame";
import { buildFrame, FrameBuilder } from "./frame-builder";
import type { Report } from "./report";

/** How far behind the live engine the nearer checkpoint trails (a "go back a few seconds" scrub). */
export const CHECKPOINT_TRAIL_MS = 10_000;
/** Checkpoints closer together than this are one. */
const CHECKPOINT_MIN_GAP_MS = 2_000;
/** A checkpoint advances in steps of this much simulated time, so trail() keeps to its budget. */
const CHECKPOINT_STEP_MS = 100;

export class LiveSession {
  private scenarioInput: unknown = null;
  private scenario: Scenario | null = null;
  private fileName = "untitled.yaml";
  engine: Engine | null = null;
  private pacer: Pacer | null = null;
  /** Every accepted command of this branch, in time order. */
  private actions: RecordedAction[] = [];
  private speed = 1;
  private maxSpeed = false;
  private forked = false;
  /** The furthest simulated time this branch has reached: a command before it starts a new branch. */
  private furthestMs = 0;
  private builder = new FrameBuilder();
  private stopAtDuration = true;
  /** Engines replaying this branch behind the live one, earliest first (see trail()). */
  private checkpoints: Engine[] = [];
  /** Scrubs back that restored a checkpoint instead of replaying from t=0. */
  restoredCheckpoints = 0;

  constructor(private readonly clock: () => number) {}

  get loaded(): boolean {
    return this.engine !== null;
  }

  open(yaml: string, fileName: string): Result<OpenResult> {
    const parsed = parseScenario(yaml, fileName);
    if (!parsed.ok) return { ok: false, error: formatProblems(parsed.errors) };
    this.fileName = fileName;
    this.scenarioInput = parseYaml(yaml);
    return { ok: true, value: this.start(parsed.scenario, []) };
  }

  editScenario(edited: unknown): Result<OpenResult> {
    const input = this.startsNotPast(edited);
    const parsed = scenarioSchema.safeParse(input);
    if (!parsed.success) return { ok: false, error: `scenario: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}` };
    // the same cross-checks a file gets (topics exist, targets name nodes, ...)
    const asYaml = stringifyYaml(input);
    const checked = parseScenario(asYaml, this.fileName);
    if (!checked.ok) return { ok: false, error: formatProblems(checked.errors) };
    const scenario = { ...checked.scenario, seed: this.engine?.seed ?? checked.scenario.seed };
    if (this.engine && this.engine.now > 0 && this.extendLive(scenario)) {
      this.scenarioInput = input;
      return { ok: true, value: { scenarioName: scenario.name, description: scenario.description, durationMs: scenario.duration, scenario: input, live: true } };
    }
    this.scenarioInput = input;
    return { ok: true, value: this.start(checked.scenario, []) };
  }

  /**
   * The app sets `start` on a topic, producer, group or sink added while running from the
   * time its last frame showed; the engine has moved on since (at 100× by
   * seconds). Such a start already past becomes the next millisecond.
   */
  private startsNotPast(input: unknown): unknown {
    const engine = this.engine;
    if (!engine || engine.now === 0 || typeof input !== "object" || input === null) return input;
    const doc = input as { topics?: unknown; producers?: unknown; consumerGroups?: unknown; sinks?: unknown };
    const next = Math.floor(engine.now) + 1;
    const fix = (list: unknown, known: number): unknown =>
      Array.isArray(list)
        ? list.map((client: unknown, i) => {
            const start = (client as { start?: unknown } | null)?.start;
            return i >= known && typeof start === "number" && start > 0 && start < next ? { ...(client as object), start: next } : client;
          })
        : list;
    const out: Record<string, unknown> = { ...doc };
    if (doc.topics !== undefined) out.topics = fix(doc.topics, this.scenario!.topics.length);
    if (doc.producers !== undefined) out.producers = fix(doc.producers, this.scenario!.producers.length);
    if (doc.consumerGroups !== undefined) out.consumerGroups = fix(doc.consumerGroups, this.scenario!.consumerGroups.length);
    if (doc.sinks !== undefined) out.sinks = fix(doc.sinks, this.scenario!.sinks.length);
    return out;
  }

  /**
   * Topics, producers, groups or sinks added while running, starting after now, join the
   * running engine (and the checkpoints, which are behind it) instead of a
   * restart. After scrubbing back, that is a new branch, as a command is.
   */
  private extendLive(scenario: Scenario): boolean {
    const engine = this.engine!;
    if (engine.extend(scenario) !== null) return false;
    this.scenario = scenario;
    this.checkpoints = this.checkpoints.filter((c) => c.extend(scenario) === null);
    this.branchIfBehind();
    return true;
  }

  /** A change made after scrubbing back drops the recorded future: a new branch starts here. */
  private branchIfBehind(): void {
    const now = this.engine!.now;
    this.reached();
    if (now >= this.furthestMs) return;
    this.actions = this.actions.filter((a) => a.atMs <= now);
    this.engine!.dropActionsAfter(now);
    for (const checkpoint of this.checkpoints) checkpoint.dropActionsAfter(now);
    this.forked = true;
    this.furthestMs = now;
  }

  private start(scenario: Scenario, actions: RecordedAction[]): OpenResult {
    this.scenario = scenario;
    this.actions = actions;
    this.forked = false;
    this.furthestMs = 0;
    this.stopAtDuration = true;
    this.checkpoints = [];
    this.rebuild(0);
    // a new run starts paused (an open, or an edit that restarts at t=0), whatever the last one was doing
    this.pacer!.pause();
    return { scenarioName: scenario.name, description: scenario.description, durationMs: scenario.duration, scenario: this.scenarioInput };
  }

  /** The live engine at `atMs`: the latest checkpoint not past it run forward, else a replay from t=0. */
  private rebuild(atMs: number): void {
    const playing = this.pacer?.playing ?? false;
    let engine: Engine | undefined;
    for (let i = this.checkpoints.length - 1; i >= 0; i--) {
      if (this.checkpoints[i]!.now <= atMs) {
        engine = this.checkpoints.splice(i, 1)[0]!;
        this.restoredCheckpoints++;
        break;
      }
    }
    engine ??= new Engine(this.scenario!, { actions: this.actions });
    engine.runUntil(atMs);
    // a checkpoint past the new present is of no use any more
    this.checkpoints = this.checkpoints.filter((c) => c.now <= atMs);
    this.attach(engine);
    if (playing) this.pacer!.play();
  }

  /** Where the checkpoints should be now, earliest first. */
  private checkpointTargets(): number[] {
    const live = this.engine!.now;
    const targets: number[] = [];
    for (const t of [this.furthestMs / 2, live - CHECKPOINT_TRAIL_MS]) {
      const at = Math.min(t, live);
      if (at >= CHECKPOINT_MIN_GAP_MS && targets.every((x) => Math.abs(x - at) >= CHECKPOINT_MIN_GAP_MS)) targets.push(at);
    }
    return targets.sort((a, b) => a - b);
  }

  /**
   * Spend up to `budgetMs` of wall time bringing the checkpoints towards
   * their places. The host calls it when it has time to spare and says what
   * memory allows: `keep` false drops the checkpoints, `shed` true keeps only
   * the one trailing the live engine (the "back a few seconds" scrub), `grow`
   * false builds no new one (each becomes as large as the live engine).
   */
  trail(budgetMs: number, memory: { keep: boolean; grow: boolean; shed?: boolean } = { keep: true, grow: true }): void {
    if (!memory.keep) {
      this.checkpoints = [];
      return;
    }
    const live = this.engine;
    if (!live || budgetMs <= 0) return;
    this.reached();
    const until = this.clock() + budgetMs;
    let targets = this.checkpointTargets();
    let checkpoints = this.checkpoints.filter((c) => c.now <= live.now);
    if (memory.shed) {
      targets = targets.slice(-1);
      checkpoints = checkpoints.slice(-1);
    }
    // too many (the targets came closer together): keep the latest ones
    if (checkpoints.length > targets.length) checkpoints = checkpoints.slice(checkpoints.length - targets.length);
    this.checkpoints = checkpoints;
    for (let i = 0; i < targets.length && this.clock() < until; i++) {
      if (i >= checkpoints.length) {
        if (!memory.grow) break;
        // a new one starts from t=0, so it is the earliest
        checkpoints.unshift(new Engine(this.scenario!, { actions: this.actions }));
        continue; // building it took time; advance it next time
      }
      const checkpoint = checkpoints[i]!;
      const target = targets[i]!;
      while (checkpoint.now < target && this.clock() < until) checkpoint.runUntil(Math.min(target, checkpoint.now + CHECKPOINT_STEP_MS));
    }
  }

  /** Simulated times of the checkpoints held now (for displays and tests). */
  checkpointTimes(): number[] {
    return this.checkpoints.map((c) => c.now);
  }

  private attach(engine: Engine): void {
    this.engine = engine;
    this.furthestMs = Math.max(this.furthestMs, engine.now);
    this.pacer = new Pacer(engine, this.clock, this.speed);
    this.builder = new FrameBuilder();
    this.builder.watch(engine);
  }

  private need(): Engine {
    if (!this.engine) throw new SessionError("no scenario is open");
    return this.engine;
  }

  play(): void {
    this.need();
    if (this.engine!.now >= this.engine!.durationMs) this.stopAtDuration = false;
    this.pacer!.play();
  }

  pause(): void {
    this.need();
    this.pacer!.pause();
  }

  step(ms: number): void {
    const engine = this.need();
    this.pacer!.pause();
    engine.runUntil(engine.now + ms);
  }

  setSpeed(speed: number, max: boolean): void {
    this.speed = speed;
    this.maxSpeed = max;
    this.pacer?.setSpeed(speed);
  }

  seek(atMs: number): void {
    const engine = this.need();
    this.reached();
    if (atMs >= engine.now) {
      engine.runUntil(atMs);
      return;
    }
    this.rebuild(atMs);
  }

  command(input: unknown): Result<string> {
    const engine = this.need();
    this.branchIfBehind();
    const before = engine.actionLog.length;
    const result = engine.command(input);
    if (result.ok) {
      const action = engine.actionLog[before]!;
      this.actions.push(action);
      // the checkpoints are behind: they apply it when they get there, as a replay would
      for (const checkpoint of this.checkpoints) checkpoint.scheduleAction(action);
    }
    return result;
  }

  exportScenario(): { yaml: string; fileName: string } {
    this.need();
    return { yaml: stringifyYaml(this.scenarioInput), fileName: this.fileName };
  }

  exportSession(): SessionFile {
    const engine = this.need();
    return { format: "tributary-session", version: 1, scenarioYaml: stringifyYaml(this.scenarioInput), seed: engine.seed, actions: this.actions.map((a) => ({ atMs: a.atMs, command: a.command })) };
  }

  importSession(session: SessionFile): Result<OpenResult> {
    const parsed = parseScenario(session.scenarioYaml, "session");
    if (!parsed.ok) return { ok: false, error: formatProblems(parsed.errors) };
    this.scenarioInput = parseYaml(session.scenarioYaml);
    const scenario = { ...parsed.scenario, seed: session.seed };
    return { ok: true, value: this.start(scenario, session.actions.map((a) => ({ atMs: a.atMs, command: a.command as RecordedAction["command"] }))) };
  }

  /** Advance with the clock (or flat out at max speed, within `budgetMs` of wall time). */
  tick(budgetMs = 25): void {
    const engine = this.engine;
    const pacer = this.pacer;
    if (!engine || !pacer || !pacer.playing) return;
    const limit = this.stopAtDuration ? engine.durationMs : Infinity;
    if (this.maxSpeed) {
      const until = this.clock() + budgetMs;
      while (this.clock() < until && engine.now < limit) engine.runUntil(Math.min(limit, engine.now + 50));
    } else {
      pacer.tick();
      if (engine.now > limit) engine.runUntil(limit);
    }
    if (engine.now >= limit && this.stopAtDuration) {
      pacer.pause();
      this.stopAtDuration = false;
    }
  }

  private reached(): void {
    if (this.engine && this.engine.now > this.furthestMs) this.furthestMs = this.engine.now;
  }

  frame(): Frame {
    const engine = this.need();
    this.reached();
    return buildFrame(this.builder, engine, { playing: this.pacer!.playing, speed: this.speed, maxSpeed: this.maxSpeed, forked: this.forked, clock: this.clock });
  }

  /** The run so far as the CLI's JSON report says it (the checker scans the logs as they are now). */
  report(): Report {
    return this.need().report();
  }

  history(): MetricsPoint[] {
    return this.engine ? this.builder.history(this.engine) : [];
  }

  /** For a viewer joining (or a reload): the state now and everything retained so far, without consuming the next frame's news. */
  snapshot(): Snapshot {
    const engine = this.need();
    this.reached();
    const frame = buildFrame(this.builder, engine, { playing: this.pacer!.playing, speed: this.speed, maxSpeed: this.maxSpeed, forked: this.forked, clock: this.clock, peek: true });
    return { frame, history: this.history(), events: [...engine.cluster.events.all()], scenario: this.scenarioInput, description: this.scenario?.description ?? "", fileName: this.fileName };
  }
}

export class SessionError extends Error {}
