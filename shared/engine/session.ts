/**
 * A live session: the engine behind the app. It owns the working scenario,
 * the engine built from it, a pacer against the wall clock, and the action
 * log. Scrubbing backwards replays from t=0 with the recorded actions (the
 * engine is deterministic, so the replay is the same run); a command given
 * after scrubbing back drops the recorded future: a new branch. Pure: the
 * clock is passed in; the worker that hosts it does the timing.
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

  editScenario(input: unknown): Result<OpenResult> {
    const parsed = scenarioSchema.safeParse(input);
    if (!parsed.success) return { ok: false, error: `scenario: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}` };
    // the same cross-checks a file gets (topics exist, targets name nodes, ...)
    const asYaml = stringifyYaml(input);
    const checked = parseScenario(asYaml, this.fileName);
    if (!checked.ok) return { ok: false, error: formatProblems(checked.errors) };
    this.scenarioInput = input;
    return { ok: true, value: this.start(checked.scenario, []) };
  }

  private start(scenario: Scenario, actions: RecordedAction[]): OpenResult {
    this.scenario = scenario;
    this.actions = actions;
    this.forked = false;
    this.furthestMs = 0;
    this.stopAtDuration = true;
    this.rebuild(0);
    return { scenarioName: scenario.name, description: scenario.description, durationMs: scenario.duration, scenario: this.scenarioInput };
  }

  /** A fresh engine replayed to `atMs` with this branch's actions. */
  private rebuild(atMs: number): void {
    const playing = this.pacer?.playing ?? false;
    const engine = new Engine(this.scenario!, { actions: this.actions });
    engine.runUntil(atMs);
    this.attach(engine);
    if (playing) this.pacer!.play();
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
    const now = engine.now;
    this.reached();
    if (now < this.furthestMs) {
      // editing after scrubbing back: the recorded future is dropped, a new branch starts here
      this.actions = this.actions.filter((a) => a.atMs <= now);
      engine.dropActionsAfter(now);
      this.forked = true;
      this.furthestMs = now;
    }
    const before = engine.actionLog.length;
    const result = engine.command(input);
    if (result.ok) this.actions.push(engine.actionLog[before]!);
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
