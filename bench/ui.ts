/**
 * The UI's speed, measured in headless Chromium (run by `npm run bench`
 * after the engine cases, or alone: `npx tsx bench/ui.ts`).
 *
 * For each case the scenario is loaded into the engine first, then a fresh
 * browser context (cold cache) opens the app and the page itself records:
 *  - time to first interactive frame: navigation start → the first
 *    animation frame in which the canvas shows the brokers and the play
 *    button is enabled;
 *  - frame times: requestAnimationFrame deltas while playing at 1× for
 *    ~10 s (p50 / p95 / max, and the share of frames longer than 1.5
 *    vsync intervals, i.e. dropped).
 * Targets (issue 3, item 10): iot-baseline p95 ≤ 16.7 ms and TTI ≤ 2 s;
 * large cluster (30 brokers, 600 partitions) p95 ≤ 33 ms. Figures depend on
 * the machine and its load; this prints them and asserts nothing.
 *
 * Environment: BENCH_UI_SECONDS (default 10) sets the measured play time.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { CHROMIUM_PATH, launchChromium, ROOT, startE2EServer, VIEWPORT, type E2EServer } from "../test/e2e/browser";

const SECONDS = Number(process.env.BENCH_UI_SECONDS ?? 10);
const VSYNC_JITTER_MS = 0.5;

interface UiCase {
  name: string;
  /** How the scenario is loaded: a chooser entry, or a file through the open input. */
  scenario: { option: string } | { file: string };
  /** Brokers the canvas must show before the frame counts as interactive. */
  brokers: number;
  targets: { p95Ms: number; ttiMs?: number };
}

const CASES: UiCase[] = [
  { name: "iot-baseline", scenario: { option: "iot-baseline" }, brokers: 3, targets: { p95Ms: 16.7, ttiMs: 2000 } },
  { name: "large-cluster", scenario: { file: "sims/large-cluster.yaml" }, brokers: 30, targets: { p95Ms: 33 } },
];

interface UiResult {
  name: string;
  ttiMs: number;
  domContentLoadedMs: number;
  frames: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
  droppedShare: number;
  simSeconds: number;
  longTasks: number;
  heapMB: number | null;
}

/**
 * Runs in the page before any of the app's scripts: one requestAnimationFrame
 * loop records each frame's start, and notes the first frame in which the
 * canvas is drawn with its brokers and play is enabled.
 */
const PAGE_PROBE = `(() => {
  const probe = { tti: null, deltas: [], recording: false, last: 0, longTasks: 0, need: 1 };
  window.__uiBench = probe;
  try {
    new PerformanceObserver((list) => { if (probe.recording) probe.longTasks += list.getEntries().length; }).observe({ type: "longtask", buffered: false });
  } catch {}
  const ready = () => {
    const canvas = document.querySelector('[data-testid="canvas"]');
    const play = document.querySelector('[data-testid="play-toggle"]');
    if (!canvas || !play || play.disabled || play.getAttribute("aria-disabled") === "true") return false;
    return canvas.querySelectorAll('[data-testid^="broker-node-"]').length >= probe.need;
  };
  const tick = (now) => {
    if (probe.tti === null && ready()) probe.tti = now;
    if (probe.recording && probe.last > 0) probe.deltas.push(now - probe.last);
    probe.last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

async function waitFor<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined as T);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Load the case's scenario into the engine through the UI, as a user would. */
async function loadScenario(page: Page, c: UiCase): Promise<void> {
  if ("option" in c.scenario) {
    const option = page.getByTestId(`scenario-option-${c.scenario.option}`);
    if (!(await option.isVisible())) await page.getByTestId("scenario-chooser").click();
    await option.click();
  } else {
    const file = path.join(ROOT, c.scenario.file);
    await page.getByTestId("open-input").setInputFiles({ name: path.basename(file), mimeType: "application/yaml", buffer: readFileSync(file) });
  }
  await waitFor(`${c.name}'s ${c.brokers} brokers on the canvas`, () => page.locator('[data-testid^="broker-node-"]').count(), (n) => n >= c.brokers);
}

async function selectSpeedOne(page: Page): Promise<void> {
  const select = page.getByTestId("speed-select");
  const options = await select.evaluate((el) => Array.from((el as unknown as { options: ArrayLike<{ value: string; text: string }> }).options, (o) => ({ value: o.value, text: o.text })));
  const one = options.find((o) => /^1(\.0+)?\s*×?$/.test(o.text.trim()) || o.value === "1") ?? options.find((o) => Number.parseFloat(o.value) === 1);
  if (!one) throw new Error(`no 1× in speed-select: ${options.map((o) => o.text).join(", ")}`);
  await select.selectOption(one.value);
}

async function simSeconds(page: Page): Promise<number> {
  const text = (await page.getByTestId("sim-time").textContent()) ?? "";
  return Number(/(\d+(?:\.\d+)?)/.exec(text)?.[1] ?? NaN);
}

async function measure(browser: Browser, server: E2EServer, c: UiCase): Promise<UiResult> {
  // 1. put the scenario into the engine (a first window), then close that window
  {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(server.server.url);
    await page.getByTestId("app-root").waitFor();
    await loadScenario(page, c);
    await context.close();
  }
  // 2. a fresh window (cold cache) opens the app: time to the first interactive frame
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript({ content: PAGE_PROBE.replace("need: 1", `need: ${Math.min(c.brokers, 3)}`) });
  await page.goto(server.server.url, { waitUntil: "domcontentloaded" });
  const ttiMs = (await waitFor("the first interactive frame", () => page.evaluate(() => (globalThis as unknown as { __uiBench: { tti: number | null } }).__uiBench.tti), (t) => t !== null, 60_000)) as number;
  const domContentLoadedMs = await page.evaluate(() => {
    const nav = (globalThis as unknown as { performance: { getEntriesByType(t: string): { domContentLoadedEventEnd: number }[] } }).performance.getEntriesByType("navigation")[0];
    return nav ? nav.domContentLoadedEventEnd : NaN;
  });

  // 3. play at 1× and record frame times
  await selectSpeedOne(page);
  const playButton = page.getByTestId("play-toggle");
  if ((await playButton.getAttribute("aria-pressed")) !== "true") await playButton.click();
  await waitFor("playing", () => playButton.getAttribute("aria-pressed"), (v) => v === "true");
  await page.waitForTimeout(500); // let the first burst of frames settle
  const simStart = await simSeconds(page);
  await page.evaluate(() => {
    const p = (globalThis as unknown as { __uiBench: { recording: boolean; deltas: number[]; last: number; longTasks: number } }).__uiBench;
    p.deltas = [];
    p.last = 0;
    p.longTasks = 0;
    p.recording = true;
  });
  await page.waitForTimeout(SECONDS * 1000);
  const probe = await page.evaluate(() => {
    const g = globalThis as unknown as { __uiBench: { recording: boolean; deltas: number[]; longTasks: number }; performance: { memory?: { usedJSHeapSize: number } } };
    g.__uiBench.recording = false;
    return { deltas: g.__uiBench.deltas.slice(), longTasks: g.__uiBench.longTasks, heap: g.performance.memory?.usedJSHeapSize ?? null };
  });
  const simEnd = await simSeconds(page);
  await playButton.click();
  await page.screenshot({ path: path.join(ROOT, "test-results", "e2e", `bench-ui-${c.name}.png`) }).catch(() => {});
  await context.close();

  const sorted = probe.deltas.slice().sort((a, b) => a - b);
  const vsync = percentile(sorted, 0.5);
  return {
    name: c.name,
    ttiMs,
    domContentLoadedMs,
    frames: sorted.length,
    p50: vsync,
    p95: percentile(sorted, 0.95),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    droppedShare: sorted.filter((d) => d > 1.5 * 16.67).length / Math.max(1, sorted.length),
    simSeconds: simEnd - simStart,
    longTasks: probe.longTasks,
    heapMB: probe.heap === null ? null : probe.heap / 1e6,
  };
}

export async function runUiBench(): Promise<UiResult[]> {
  const server = await startE2EServer();
  let browser: Browser | undefined;
  const results: UiResult[] = [];
  try {
    browser = await launchChromium();
    console.log(`\nUI benchmark: headless Chromium ${browser.version()} (${CHROMIUM_PATH}), ${VIEWPORT.width}×${VIEWPORT.height}, software rendering (--disable-gpu), ${SECONDS} s at 1× per case\n`);
    for (const c of CASES) {
      process.stderr.write(`  running ui ${c.name}…\n`);
      results.push(await measure(browser, server, c));
    }
  } finally {
    await browser?.close().catch(() => {});
    await server.close();
  }
  const ms = (n: number) => `${n.toFixed(1)} ms`.padStart(9);
  console.log("case            first interactive frame   frames   p50        p95        max        dropped  long tasks  sim s/wall s");
  for (const r of results) {
    console.log(
      `${r.name.padEnd(15)} ${`${(r.ttiMs / 1000).toFixed(2)} s (DOM ready ${(r.domContentLoadedMs / 1000).toFixed(2)} s)`.padEnd(25)} ${String(r.frames).padStart(6)}  ${ms(r.p50)}  ${ms(r.p95)}  ${ms(r.max)}  ${`${(r.droppedShare * 100).toFixed(1)} %`.padStart(7)}  ${String(r.longTasks).padStart(10)}  ${(r.simSeconds / SECONDS).toFixed(2).padStart(6)}`,
    );
  }
  console.log("");
  for (const r of results) {
    const c = CASES.find((x) => x.name === r.name)!;
    // rAF timestamps follow the display's vsync with timer jitter of a few tenths of a millisecond:
    // a 16.8 ms delta is a frame on time, so the frame-time target allows that jitter (and says so)
    const met = r.p95 <= c.targets.p95Ms + VSYNC_JITTER_MS;
    const checks = [`frame p95 ${r.p95.toFixed(1)} ms vs ${c.targets.p95Ms} ms: ${met ? (r.p95 <= c.targets.p95Ms ? "met" : `met within vsync jitter (≤ ${VSYNC_JITTER_MS} ms)`) : "MISSED"} (${((1 - r.droppedShare) * 100).toFixed(1)} % of frames on time)`];
    if (c.targets.ttiMs !== undefined) checks.push(`first interactive frame ${(r.ttiMs / 1000).toFixed(2)} s vs ${c.targets.ttiMs / 1000} s: ${r.ttiMs <= c.targets.ttiMs ? "met" : "MISSED"}`);
    console.log(`target ${r.name}: ${checks.join("; ")}`);
  }
  console.log(`(the engine runs in a worker of this process while Chromium rasterises in software on the same ${availableParallelism()} CPU${availableParallelism() === 1 ? "" : "s"}; a clock below 1.00 sim s/wall s means the engine could not keep up at 1×)`);
  return results;
}

// run when executed directly (tsx bench/ui.ts), not when imported
if (process.argv[1] && path.resolve(process.argv[1]).replace(/\.[cm]?[jt]s$/, "") === path.resolve(ROOT, "bench", "ui")) {
  runUiBench().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`UI benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
