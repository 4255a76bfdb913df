// The YAML editor knows Kubernetes (issue 15): typing in a Service's spec offers clusterIP,
// its documentation (with KubeQuest's note that it is immutable) shows on hover from the
// keyboard, and a misspelt field is underlined before anything is applied. All of it comes from
// the cluster's own OpenAPI through /api/editor-schema, and nothing loads from another origin.
// No level environment is started: the editor works before one is ready.
import { expect, test, type Page } from "@playwright/test";

const LEVEL_ID = "headless-statefulset-dns";

/** The bits of Monaco's API this spec drives (window.monaco, the AMD build's global). */
interface MonacoForSpec {
  editor: {
    getEditors(): { getModel(): { setValue(v: string): void } | null; setPosition(p: { lineNumber: number; column: number }): void; focus(): void }[];
    getModelMarkers(filter: object): { message: string; startLineNumber: number; severity: number }[];
  };
}

async function setTextAndCursor(page: Page, text: string, lineNumber: number, column: number): Promise<void> {
  await page.waitForFunction(() => ((window as unknown as { monaco?: MonacoForSpec }).monaco?.editor.getEditors().length ?? 0) > 0);
  await page.evaluate(
    ({ text, lineNumber, column }) => {
      const editor = (window as unknown as { monaco: MonacoForSpec }).monaco.editor.getEditors()[0]!;
      editor.getModel()!.setValue(text);
      editor.setPosition({ lineNumber, column });
      editor.focus();
    },
    { text, lineNumber, column },
  );
}

test("the editor completes, documents and checks a Service from the cluster's schema before applying", async ({ page, baseURL }) => {
  const foreign: string[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(baseURL!) && !url.startsWith("data:") && !url.startsWith("blob:")) foreign.push(url);
  });
  const schemaLoaded = page.waitForResponse((r) => r.url().endsWith(`/api/editor-schema/${LEVEL_ID}`) && r.status() === 200);
  await page.goto(`/levels/${LEVEL_ID}`);
  await page.getByTestId("editor-tab-service.yaml").click();
  const schema = (await (await schemaLoaded).json()) as { oneOf: { $ref: string }[] };
  // Only the level's editorKinds.
  expect(schema.oneOf.map((k) => k.$ref).sort()).toEqual([
    "#/definitions/io.k8s.api.apps.v1.Deployment",
    "#/definitions/io.k8s.api.apps.v1.StatefulSet",
    "#/definitions/io.k8s.api.core.v1.Service",
  ]);

  // Completion under spec, from the keyboard.
  await setTextAndCursor(page, "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\nspec:\n  \n", 6, 3);
  await page.keyboard.type("clus");
  await page.keyboard.press("Control+Space");
  // The level's editor's list (a hidden editor warming completion up has one for a moment).
  const suggestions = page.getByTestId("yaml-editor").locator(".editor-widget.suggest-widget");
  await expect(suggestions).toBeVisible();
  await expect(suggestions.getByText("clusterIP", { exact: true }).first()).toBeVisible();
  await page.keyboard.press("Escape");

  // Hover documentation, from the keyboard (Ctrl+K Ctrl+I), on a written clusterIP.
  await setTextAndCursor(page, "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\nspec:\n  clusterIP: None\n", 6, 5);
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  const hover = page.locator(".monaco-hover").filter({ hasText: "clusterIP is the IP address of the service" });
  await expect(hover).toBeVisible();
  await expect(hover).toContainText(/immutable/i);
  await expect(hover).toContainText("Recreate");
  await page.keyboard.press("Escape");

  // A misspelt field is underlined (a marker on its line) with nothing applied; the marker is the
  // YAML language service's (owner "yaml"), not the server's dry run. Like VS Code's YAML
  // extension, it marks a field the schema does not allow as a warning (a yellow underline):
  // "Property clusterIp is not allowed." (Once the environment is ready, the server's strict dry
  // run marks the same field as an error too.)
  await setTextAndCursor(page, "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\nspec:\n  clusterIp: None\n", 6, 3);
  await expect
    .poll(() =>
      page.evaluate(() =>
        (window as unknown as { monaco: MonacoForSpec }).monaco.editor
          .getModelMarkers({ owner: "yaml" })
          .filter((m) => /clusterIp/.test(m.message))
          .map((m) => m.startLineNumber),
      ),
    )
    .toContain(6);
  await expect(page.locator(".monaco-editor .squiggly-warning, .monaco-editor .squiggly-error").first()).toBeVisible();
  await expect(page.getByTestId("apply-result")).toHaveCount(0);

  expect(foreign, "requests to other origins").toEqual([]);
});
