/**
 * The end-to-end harness: Tributary's web mode in a real Chromium, driven
 * with the mouse the way a teacher would.
 *
 *  - the renderer built, the web server in-process on port 0 and Debian's
 *    Chromium headless at 1280×720 (see browser.ts);
 *  - every test leaves a screenshot in test-results/e2e/ (and another one
 *    named `…-FAILED.png` when it fails), and collects the page's uncaught
 *    errors so a test can insist there were none.
 *
 * Test files call `useE2E()` at the top level; it registers the hooks and
 * returns a handle whose `app` is a fresh AppDriver per test.
 *
 * No DOM types in this project (tsconfig has none): code that runs in the
 * page uses `globalThis` and narrow casts.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import type { Browser, BrowserContext, Download, Locator, Page } from "playwright-core";
import { assertChromium, launchChromium, SHOTS_DIR, sleep, startE2EServer, VIEWPORT, WAIT_MS, type E2EServer } from "./browser";

export { ROOT, VIEWPORT, SHOTS_DIR, WAIT_MS } from "./browser";

// ---------------------------------------------------------------------------
// Small parsers

/** `t+12.3 s` → 12.3 (also accepts `t+1:02.5`, `t+850 ms`, `t+2 min 3 s`). */
export function parseSimTime(text: string): number {
  const t = text.replace(/\s+/g, " ").trim();
  let m = /(\d+):(\d{1,2}(?:\.\d+)?)/.exec(t);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  let seconds = 0;
  let found = false;
  for (m of t.matchAll(/(-?\d[\d,]*(?:\.\d+)?)\s*(ms|min|m|s|h)\b/g)) {
    const value = Number(m[1]!.replace(/,/g, ""));
    const unit = m[2]!;
    seconds += unit === "ms" ? value / 1000 : unit === "min" || unit === "m" ? value * 60 : unit === "h" ? value * 3600 : value;
    found = true;
  }
  if (found) return seconds;
  m = /(-?\d+(?:\.\d+)?)/.exec(t);
  if (m) return Number(m[1]);
  throw new Error(`cannot read a simulated time from "${text}"`);
}

/** "1,234" / "0" / "12 k" → a number. */
export function parseCount(text: string): number {
  const m = /(-?\d[\d,]*(?:\.\d+)?)\s*([kMG])?/.exec(text.trim());
  if (!m) throw new Error(`cannot read a number from "${text}"`);
  const scale = m[2] === "k" ? 1e3 : m[2] === "M" ? 1e6 : m[2] === "G" ? 1e9 : 1;
  return Number(m[1]!.replace(/,/g, "")) * scale;
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 80);
}

/** Poll `read` until `accept` says yes; the error names what was awaited and what was last seen. */
export async function pollUntil<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = WAIT_MS, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `error: ${lastError instanceof Error ? lastError.message.split("\n")[0] : String(lastError)}` : `last seen: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${seen})`);
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------
// The app, as a user sees it

export interface ReplicaChip {
  testId: string;
  topic: string;
  partition: number;
  broker: number;
  leader: boolean;
  inIsr: boolean;
}

export class AppDriver {
  readonly pageErrors: string[] = [];
  readonly consoleErrors: string[] = [];
  private shotCount = 0;

  constructor(
    readonly page: Page,
    readonly shotPrefix: string,
  ) {
    page.on("pageerror", (error) => this.pageErrors.push(error.stack ?? error.message));
    page.on("console", (message) => {
      if (message.type() === "error") this.consoleErrors.push(message.text());
    });
  }

  byTestId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  /** Load the app and wait until it is connected and drawn. */
  async goto(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: "domcontentloaded" });
    await this.byTestId("app-root").waitFor({ state: "visible", timeout: WAIT_MS });
  }

  /** Wait until the page is connected to the engine (the top bar's connection pill says so). */
  async waitConnected(): Promise<void> {
    await this.page.locator('[data-testid="connection-state"].conn-open').waitFor({ state: "visible", timeout: WAIT_MS });
  }

  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: "domcontentloaded" });
    await this.byTestId("app-root").waitFor({ state: "visible", timeout: WAIT_MS });
    await this.waitConnected();
  }

  /** Screenshot to test-results/e2e/<prefix>-<nn>-<name>.png; returns the path. */
  async shot(name: string): Promise<string> {
    mkdirSync(SHOTS_DIR, { recursive: true });
    const file = path.join(SHOTS_DIR, `${this.shotPrefix}-${String(++this.shotCount).padStart(2, "0")}-${slug(name)}.png`);
    await this.page.screenshot({ path: file, timeout: 10_000 });
    return file;
  }

  // --- scenarios -----------------------------------------------------------

  /** Pick a scenario from the chooser: the top bar's Lessons button, then the lesson's card in its dialog. */
  async openScenario(name: string): Promise<void> {
    const dialog = this.byTestId("scenario-chooser-dialog");
    if (!(await dialog.isVisible())) await this.byTestId("scenario-chooser").click();
    await dialog.waitFor({ state: "visible", timeout: WAIT_MS });
    await dialog.getByTestId(`scenario-option-${name}`).click();
    await this.waitLoaded(`scenario ${name}`);
  }

  /** Wait for a freshly opened scenario: dialog gone, clock at t+0.0 s, play enabled, brokers drawn. */
  async waitLoaded(what: string, brokers?: number): Promise<void> {
    await pollUntil(
      `${what} to load (t+0.0 s, play enabled, brokers on the canvas)`,
      async () => ({
        time: await this.simTime(),
        enabled: await this.byTestId("play-toggle").isEnabled(),
        dialog: await this.byTestId("scenario-chooser-dialog").isVisible(),
        brokers: (await this.brokerIds()).length,
      }),
      (s) => s.time === 0 && s.enabled && !s.dialog && (brokers === undefined ? s.brokers > 0 : s.brokers === brokers),
    );
  }

  // --- time ----------------------------------------------------------------

  async simTimeText(): Promise<string> {
    return (await this.byTestId("sim-time").textContent({ timeout: 2000 })) ?? "";
  }

  /** The simulated clock in seconds. */
  async simTime(): Promise<number> {
    return parseSimTime(await this.simTimeText());
  }

  async waitSimTime(atLeastSeconds: number, timeoutMs = WAIT_MS * 3): Promise<number> {
    return pollUntil(`sim-time ≥ ${atLeastSeconds} s`, () => this.simTime(), (t) => t >= atLeastSeconds, timeoutMs);
  }

  /**
   * The checker's acknowledged count once its scan is as of at least
   * `atLeastSeconds` simulated seconds: the panel is rescanned about once a
   * wall second (less often when a scan is slow), so its figures can trail
   * the clock by several simulated seconds at speed.
   */
  async checkerAckedAsOf(atLeastSeconds: number, timeoutMs = WAIT_MS * 3): Promise<number> {
    const read = async () => ({
      asOf: parseSimTime((await this.byTestId("checker-as-of").textContent({ timeout: 2000 })) ?? ""),
      acked: await this.checkerCount("acked"),
    });
    const s = await pollUntil(`checker as of ≥ ${atLeastSeconds} s`, read, (r) => r.asOf >= atLeastSeconds, timeoutMs);
    return s.acked;
  }

  /** Wait until the clock has moved on (frames are arriving). */
  async waitForFrames(timeoutMs = WAIT_MS): Promise<void> {
    const before = await this.simTimeText();
    await pollUntil("the simulated clock to move", () => this.simTimeText(), (t) => t !== before, timeoutMs);
  }

  async isPlaying(): Promise<boolean> {
    return (await this.byTestId("play-toggle").getAttribute("aria-pressed")) === "true";
  }

  async play(): Promise<void> {
    if (!(await this.isPlaying())) await this.byTestId("play-toggle").click();
    await pollUntil("play-toggle aria-pressed=true", () => this.isPlaying(), (p) => p);
  }

  async pause(): Promise<void> {
    if (await this.isPlaying()) await this.byTestId("play-toggle").click();
    await pollUntil("play-toggle aria-pressed=false", () => this.isPlaying(), (p) => !p);
  }

  /** The speed select's options as (value, label). */
  async speedOptions(): Promise<{ value: string; label: string }[]> {
    return this.byTestId("speed-select").evaluate((el) =>
      Array.from((el as unknown as { options: ArrayLike<{ value: string; text: string }> }).options, (o) => ({ value: o.value, label: o.text })),
    );
  }

  /** Choose the speed nearest `factor` (× real time); "max" picks as-fast-as-possible. */
  async setSpeed(factor: number | "max"): Promise<string> {
    const options = await this.speedOptions();
    const score = (o: { value: string; label: string }) => {
      const text = `${o.value} ${o.label}`.toLowerCase();
      if (factor === "max") return /max|fast/.test(text) ? 0 : 1;
      if (/max|fast/.test(text)) return Infinity;
      const frac = /1\/(\d+)/.exec(o.label);
      const n = frac ? 1 / Number(frac[1]) : Number.parseFloat(o.value) || Number.parseFloat(o.label);
      return Number.isFinite(n) && n > 0 ? Math.abs(Math.log(n / factor)) : Infinity;
    };
    const best = options.slice().sort((a, b) => score(a) - score(b))[0];
    if (!best) throw new Error("speed-select has no options");
    await this.byTestId("speed-select").selectOption(best.value);
    return best.label;
  }

  // --- the cluster on the canvas --------------------------------------------

  async brokerIds(): Promise<number[]> {
    const ids = await this.page.locator('[data-testid^="broker-node-"]').evaluateAll((els) =>
      els.map((el) => (el as unknown as { dataset: { testid?: string } }).dataset.testid ?? ""),
    );
    return ids.map((id) => Number(/broker-node-(\d+)$/.exec(id)?.[1])).filter((n) => Number.isFinite(n)).sort((a, b) => a - b);
  }

  async brokerState(id: number): Promise<string> {
    return ((await this.byTestId(`broker-state-${id}`).first().textContent({ timeout: 2000 })) ?? "").trim();
  }

  /** Every replica chip of a partition (or of all partitions when `partition` is omitted). */
  async replicaChips(topic: string, partition?: number): Promise<ReplicaChip[]> {
    const prefix = partition === undefined ? `replica-${topic}-` : `replica-${topic}-${partition}-b`;
    const raw = await this.page.locator(`[data-testid^="${prefix}"]`).evaluateAll((els) =>
      els.map((el) => {
        const e = el as unknown as { dataset: Record<string, string | undefined> };
        return { testId: e.dataset.testid ?? "", leader: e.dataset.leader, inIsr: e.dataset.inIsr };
      }),
    );
    const chips: ReplicaChip[] = [];
    for (const r of raw) {
      const m = /^replica-(.+)-(\d+)-b(\d+)$/.exec(r.testId);
      if (!m || m[1] !== topic) continue;
      chips.push({ testId: r.testId, topic: m[1]!, partition: Number(m[2]), broker: Number(m[3]), leader: r.leader === "true", inIsr: r.inIsr === "true" });
    }
    return chips;
  }

  /** The broker whose chip of topic-partition is marked leader, or null when none is. */
  async leaderOf(topic: string, partition: number): Promise<number | null> {
    const leaders = (await this.replicaChips(topic, partition)).filter((c) => c.leader);
    return leaders.length === 1 ? leaders[0]!.broker : null;
  }

  /**
   * Fail at once, naming the culprit, when something (a toast, a dialog) lies over the middle of
   * `locator`: a user's click there would land on that instead. (Playwright would silently wait
   * for it to go away, and the simulated clock would run on meanwhile.)
   */
  async expectUncovered(locator: Locator, what: string): Promise<void> {
    const { x, y } = await this.center(locator);
    const cover = await locator.evaluate(
      (el, point) => {
        const doc = (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { outerHTML: string } | null } }).document;
        const hit = doc.elementFromPoint(point.x, point.y);
        const inside = hit !== null && (el as unknown as { contains(n: unknown): boolean }).contains(hit);
        return inside ? null : (hit?.outerHTML.slice(0, 160) ?? "nothing");
      },
      { x, y },
    );
    expect(cover, `${what}: its centre is covered by ${cover}`).toBeNull();
  }

  /** How much of `locator` a user can see (0..1): clipped by scrolling containers and the window, as IntersectionObserver reports. */
  async visibleRatio(locator: Locator): Promise<number> {
    return locator.evaluate(
      (el) =>
        new Promise<number>((resolve) => {
          const G = globalThis as unknown as { IntersectionObserver: new (cb: (entries: { intersectionRatio: number }[]) => void) => { observe(e: unknown): void; disconnect(): void } };
          const observer = new G.IntersectionObserver((entries) => {
            observer.disconnect();
            resolve(entries[0]?.intersectionRatio ?? 0);
          });
          observer.observe(el);
        }),
    );
  }

  /** Right-click a broker and pick an action from its context menu. */
  async brokerAction(id: number, action: "crash" | "shutdown" | "pause" | "restart" | "power-loss" | "disk-full" | "slow-disk" | "heal"): Promise<void> {
    const node = this.byTestId(`broker-node-${id}`);
    await this.expectUncovered(node, `right-clicking broker-node-${id}`);
    await node.click({ button: "right" });
    await this.byTestId("context-menu").waitFor({ state: "visible", timeout: 5000 });
    await this.byTestId(`menu-${action}`).click();
  }

  // --- panels ---------------------------------------------------------------

  async ackedLost(): Promise<number> {
    return this.checkerCount("acked-lost");
  }

  /** A checker panel figure (`checker-<id>`) as a number: the panel shows "1.23 M" past a million. */
  async checkerCount(id: string): Promise<number> {
    return parseCount((await this.byTestId(`checker-${id}`).textContent({ timeout: 2000 })) ?? "");
  }

  async eventLogText(): Promise<string> {
    return (await this.byTestId("event-log-list").innerText({ timeout: 5000 })).trim();
  }

  async toastTexts(): Promise<string[]> {
    return this.byTestId("toast").allInnerTexts();
  }

  // --- mouse ----------------------------------------------------------------

  async center(locator: Locator): Promise<{ x: number; y: number }> {
    const box = await locator.boundingBox({ timeout: 5000 });
    if (!box) throw new Error(`no bounding box for ${locator}`);
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  /** Press on `from`, move there in steps, release over `to` (pointer events, as a hand would). */
  async dragWithMouse(from: Locator, to: Locator | { x: number; y: number }): Promise<void> {
    await this.expectUncovered(from, `dragging ${from}`);
    if (!("x" in to)) await this.expectUncovered(to as Locator, `dropping onto ${to}`);
    const a = await this.center(from);
    const b = "x" in to ? to : await this.center(to as Locator);
    const mouse = this.page.mouse;
    await mouse.move(a.x, a.y);
    await mouse.down();
    await mouse.move(a.x + 6, a.y + 6, { steps: 3 });
    await mouse.move(b.x, b.y, { steps: 15 });
    await mouse.move(b.x + 1, b.y + 1, { steps: 2 });
    await mouse.up();
  }

  /** A point on the canvas's empty pane (no node, minimap, control or palette under it), searched on a grid from the lower right. */
  async emptyCanvasPoint(): Promise<{ x: number; y: number }> {
    const box = await this.byTestId("canvas").boundingBox();
    if (!box) throw new Error("the canvas has no box");
    const points: { x: number; y: number }[] = [];
    for (const fy of [0.8, 0.7, 0.6, 0.5, 0.3, 0.2]) for (const fx of [0.6, 0.45, 0.75, 0.3, 0.2]) points.push({ x: box.x + box.width * fx, y: box.y + box.height * fy });
    const free = await this.page.evaluate((candidates) => {
      const doc = (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { closest(s: string): unknown } | null } }).document;
      return candidates.find((p) => {
        const el = doc.elementFromPoint(p.x, p.y);
        return el !== null && el.closest(".react-flow__node, .react-flow__minimap, .react-flow__controls, .react-flow__panel, [data-testid^='palette-']") === null && el.closest("[data-testid='canvas']") !== null;
      });
    }, points);
    if (!free) throw new Error("no empty spot on the canvas to drop onto");
    return free;
  }

  /** Drag a palette item onto the canvas at `drop` (page coordinates), as a hand would. */
  async dragFromPalette(kind: string, drop: { x: number; y: number }): Promise<void> {
    const canvas = this.byTestId("canvas");
    const box = await canvas.boundingBox();
    if (!box) throw new Error("the canvas has no box");
    await this.byTestId(`palette-${kind}`).dragTo(canvas, { targetPosition: { x: drop.x - box.x, y: drop.y - box.y } });
  }

  /** Save the next download started by `trigger`. */
  async download(trigger: () => Promise<void>, saveTo: string): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent("download", { timeout: WAIT_MS }), trigger()]);
    await download.saveAs(saveTo);
    return download;
  }

  /** Uncaught errors in the page (a product shows errors as toasts, never throws). */
  expectNoPageErrors(): void {
    expect(this.pageErrors, `uncaught errors in the page:\n${this.pageErrors.join("\n")}`).toEqual([]);
  }
}

// ---------------------------------------------------------------------------
// Wiring a test file

export interface E2EHandle {
  /** The server started for this file. */
  readonly server: E2EServer;
  readonly browser: Browser;
  /** This test's page, already on the teacher URL. */
  readonly app: AppDriver;
  /** A second page in a fresh browser context (e.g. a classroom viewer). */
  newApp(url: string, name: string): Promise<AppDriver>;
  /** A scratch directory for downloads, removed after the file. */
  readonly tmp: string;
}

/**
 * Register the hooks of an e2e test file: a server and a Chromium for the
 * file; a fresh browser context, page and screenshots for each test.
 */
export function useE2E(fileName: string, options: { share?: boolean } = {}): E2EHandle {
  let server: E2EServer | undefined;
  let browser: Browser | undefined;
  let tmp = "";
  let contexts: BrowserContext[] = [];
  let apps: AppDriver[] = [];
  let current: AppDriver | undefined;
  let testName = "";

  async function newApp(url: string, name: string): Promise<AppDriver> {
    const context = await browser!.newContext({ viewport: VIEWPORT, acceptDownloads: true, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    const app = new AppDriver(page, `${slug(fileName)}-${slug(testName)}${name ? `-${slug(name)}` : ""}`);
    apps.push(app);
    await app.goto(url);
    return app;
  }

  // a setup failure (no Chromium, the renderer does not build) fails every test with its message,
  // rather than leaving them reported as skipped
  let setupError: unknown = null;
  beforeAll(async () => {
    try {
      assertChromium();
      mkdirSync(SHOTS_DIR, { recursive: true });
      tmp = mkdtempSync(path.join(tmpdir(), "tributary-e2e-files-"));
      [server, browser] = await Promise.all([startE2EServer(options), launchChromium()]);
    } catch (error) {
      setupError = error;
    }
  }, 600_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  beforeEach(async (context) => {
    if (setupError) throw setupError;
    testName = context.task.name;
    // screenshots of this test from earlier runs would mislead: start clean
    const prefix = `${slug(fileName)}-${slug(testName)}`;
    for (const file of readdirSync(SHOTS_DIR)) if (file.startsWith(prefix)) rmSync(path.join(SHOTS_DIR, file), { force: true });
    contexts = [];
    apps = [];
    current = await newApp(server!.server.url, "");
  }, 60_000);

  afterEach(async (context) => {
    const failed = context.task.result?.state === "fail";
    for (const app of apps) {
      try {
        await app.shot(failed ? "FAILED" : "end");
      } catch {
        /* the page may be gone */
      }
      if (failed && (app.pageErrors.length || app.consoleErrors.length)) {
        process.stderr.write(`[e2e] ${testName}: page errors:\n${[...app.pageErrors, ...app.consoleErrors].join("\n")}\n`);
      }
    }
    if (failed && server?.logs.length) process.stderr.write(`[e2e] ${testName}: server log (last 20):\n${server.logs.slice(-20).join("\n")}\n`);
    for (const context of contexts) await context.close().catch(() => {});
    current = undefined;
  }, 60_000);

  return {
    get server() {
      return server!;
    },
    get browser() {
      return browser!;
    },
    get app() {
      if (!current) throw new Error("no page: useE2E's app is only there inside a test");
      return current;
    },
    newApp,
    get tmp() {
      return tmp;
    },
  };
}
