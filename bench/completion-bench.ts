/**
 * The `completion` section of `npm run bench` (issue 15): how long after a keystroke in the YAML
 * editor its schema completion shows, in Debian's Chromium against the production server.
 * Measured in the page: from the keydown's own timestamp (the Ctrl+Space chord's first key) to
 * the first frame painted with `clusterIP` in the suggestion list on screen, on an empty line
 * under a Service's `spec`. On screen means its row is laid out with a size and neither it nor
 * an ancestor is hidden (display, visibility or opacity), as Monaco leaves it once the list has
 * rendered; the time is taken after the next frame's paint (requestAnimationFrame, then a
 * message), so it includes drawing the list, at worst one frame late. A MutationObserver sees
 * the row arrive, so no polling interval is added. (Until 2026-12-01 this waited for Monaco's
 * `.suggest-widget.visible` class instead: Monaco adds it 100 ms after it has shown the list
 * (SuggestWidget._show, only to fire its onDidShow event; no style uses it), so every figure
 * held that timer; screencast frames showed the list drawn 100–300 ms before the class came.)
 * The keystroke is Ctrl+Space: Monaco
 * opens the list by itself only outside YAML's plain scalars, so a typed letter there shows
 * nothing until asked (the first version of this section typed "c" and waited in vain).
 *
 *   first   the first keystroke on a freshly loaded page (new browser context: nothing cached),
 *           once the editor is ready: the schema applied, the YAML worker has validated once, and
 *           the page's completion warm-up is done (components/yaml-editor/completion-warm-up.ts;
 *           how long after the schema's arrival it ended is reported as `warmUp`, so a learner
 *           asking sooner than that meets the cold first completion)
 *   warm    the keystrokes after it on the same page
 *
 * Also reports the schema's download size (GET /api/editor-schema/<level>, raw and gzipped).
 * Nothing here asserts a time; the target (p95 ≤ 100 ms) is reported by run-bench.ts.
 */
import { gzipSync } from "node:zlib";
import { chromium, type Page } from "@playwright/test";
import { WARM_UP_MEASURE } from "../components/yaml-editor/completion-warm-up";

export interface CompletionResult {
  first: number[];
  warm: number[];
  /** Per page: ms from the schema's response to the end of the page's completion warm-up. */
  warmUp: number[];
  schemaBytes: number;
  schemaGzipBytes: number;
}

interface MonacoForBench {
  editor: {
    getEditors(): { getModel(): { setValue(v: string): void; uri: unknown } | null; setPosition(p: { lineNumber: number; column: number }): void; focus(): void }[];
    getModelMarkers(filter: { owner?: string; resource?: unknown }): unknown[];
  };
}

const SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\nspec:\n  \n";
/** The same with a misspelt field: the YAML worker marks it once it has the schema. */
const WITH_TYPO = "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\nspec:\n  clusterIp: x\n";

async function setText(page: Page, text: string): Promise<void> {
  await page.evaluate((value) => {
    const editor = (window as unknown as { monaco: MonacoForBench }).monaco.editor.getEditors()[0]!;
    editor.getModel()!.setValue(value);
    editor.setPosition({ lineNumber: 6, column: 3 });
    editor.focus();
  }, text);
}

/** The warm-up's end, ms after the schema's response ended (resource timing); null until it is done. */
const warmUpDoneAfterSchema = (page: Page, levelId: string) =>
  page.evaluate(
    ({ levelId, measure }) => {
      const done = performance.getEntriesByName(measure, "measure")[0];
      const schema = performance.getEntriesByType("resource").find((e) => e.name.endsWith(`/api/editor-schema/${levelId}`)) as PerformanceResourceTiming | undefined;
      return done && schema ? done.startTime + done.duration - schema.responseEnd : null;
    },
    { levelId, measure: WARM_UP_MEASURE },
  );

const yamlMarkers = (page: Page) =>
  page.evaluate(() => {
    const monaco = (window as unknown as { monaco: MonacoForBench }).monaco;
    const model = monaco.editor.getEditors()[0]!.getModel()!;
    return monaco.editor.getModelMarkers({ owner: "yaml", resource: model.uri }).length;
  });

/** Asks for completion (Ctrl+Space) and resolves with the ms from its keydown to the first frame painted with `clusterIP` in the suggestion list. */
async function keystrokeToCompletion(page: Page): Promise<number> {
  // The listeners are in place before the key is pressed (an awaited evaluate): a key event
  // travels through the browser process while an evaluate goes straight to the page, so
  // starting both at once let the keydown sometimes arrive first and never be timed (the bench
  // then waited out its 10 s on one keystroke in about forty).
  await page.evaluate(() => {
    const w = window as unknown as { kqCompletion?: Promise<number> };
    w.kqCompletion = new Promise<number>((resolve, reject) => {
      let keyAt = 0;
      const onKey = (event: KeyboardEvent) => {
        keyAt = event.timeStamp;
        document.removeEventListener("keydown", onKey, true);
      };
      document.addEventListener("keydown", onKey, true);
      // The row in the list (cheap: no style or layout read until it exists), then on screen.
      const row = () =>
        [...document.querySelectorAll<HTMLElement>(".suggest-widget .monaco-list-row")].find((r) => /\bclusterIP\b/.test(r.textContent ?? ""));
      const onScreen = (r: HTMLElement) => {
        const box = r.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && r.checkVisibility({ opacityProperty: true, visibilityProperty: true });
      };
      let seen = false;
      const check = () => {
        if (seen || keyAt === 0) return;
        const r = row();
        if (!r || !onScreen(r)) return;
        seen = true;
        observer.disconnect();
        // Painted: the message runs after the frame that requestAnimationFrame precedes.
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            clearTimeout(timer);
            resolve(performance.now() - keyAt);
          };
          channel.port2.postMessage(null);
        });
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      // A row can also come on screen by layout alone (no mutation): look again every frame.
      const everyFrame = () => {
        check();
        if (!seen) requestAnimationFrame(everyFrame);
      };
      requestAnimationFrame(everyFrame);
      const timer = setTimeout(() => {
        seen = true;
        observer.disconnect();
        reject(new Error(keyAt > 0 ? "no completion with clusterIP on screen within 10 s of Ctrl+Space" : "the Ctrl+Space keydown never reached the page"));
      }, 10_000);
    });
    // Awaited by the second evaluate; an early rejection must not be unhandled in the page.
    w.kqCompletion.catch(() => undefined);
  });
  // Ctrl+Space, as a learner asks for the fields that fit (the editor, like Monaco, opens the
  // list by itself only outside YAML's plain scalars).
  await page.keyboard.press("Control+Space");
  return page.evaluate(() => (window as unknown as { kqCompletion: Promise<number> }).kqCompletion);
}

export async function benchCompletion(base: string, levelId: string, pages: number, keysPerPage: number): Promise<CompletionResult> {
  const res = await fetch(`${base}/api/editor-schema/${levelId}`);
  if (!res.ok) throw new Error(`GET /api/editor-schema/${levelId}: ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const first: number[] = [];
  const warm: number[] = [];
  const warmUp: number[] = [];
  try {
    for (let i = 0; i < pages; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      // The bench runs under tsx, whose esbuild keeps function names by wrapping them in
      // __name(...); the functions handed to page.evaluate carry that call into the page, which
      // has no __name ("ReferenceError: __name is not defined" on the first measurement).
      await context.addInitScript({ content: "window.__name = (fn) => fn;" });
      const page = await context.newPage();
      const schema = page.waitForResponse((r) => r.url().endsWith(`/api/editor-schema/${levelId}`) && r.status() === 200);
      await page.goto(`${base}/levels/${levelId}`);
      await schema;
      await page.waitForFunction(() => ((window as unknown as { monaco?: MonacoForBench }).monaco?.editor.getEditors().length ?? 0) > 0);
      await page.getByTestId("editor-tab-service.yaml").click();
      // Ready: the YAML worker has the schema (it marks the typo), then the clean text.
      await setText(page, WITH_TYPO);
      for (let waited = 0; (await yamlMarkers(page)) === 0; waited += 50) {
        if (waited > 30_000) throw new Error("the YAML worker never validated against the schema");
        await page.waitForTimeout(50);
      }
      for (let waited = 0; ; waited += 50) {
        const after = await warmUpDoneAfterSchema(page, levelId);
        if (after !== null) {
          warmUp.push(after);
          break;
        }
        if (waited > 30_000) throw new Error("the page's completion warm-up never finished");
        await page.waitForTimeout(50);
      }
      await setText(page, SERVICE);
      first.push(await keystrokeToCompletion(page));
      for (let k = 0; k < keysPerPage; k++) {
        await page.keyboard.press("Escape");
        await page.waitForTimeout(50);
        warm.push(await keystrokeToCompletion(page));
      }
      process.stdout.write(`  completion page ${i + 1}/${pages}: first ${first.at(-1)!.toFixed(1)} ms (warm-up done ${warmUp.at(-1)!.toFixed(0)} ms after the schema)\n`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { first, warm, warmUp, schemaBytes: body.length, schemaGzipBytes: gzipSync(body).length };
}
