import { describe, expect, it } from "vitest";
import { DEFAULT_YAML_LIMITS, documentLineRanges, findFieldLine, parseFieldPath, parseYamlSafely } from "./safe-yaml";

const service = `apiVersion: v1
kind: Service
metadata:
  name: redis
  labels:
    app.kubernetes.io/name: redis
spec:
  clusterIP: None
  selector:
    app: redis
  ports:
  - name: redis
    port: 6379
  - name: sentinel
    port: 26379
`;

const statefulSet = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
spec:
  serviceName: redis
  replicas: 3
  template:
    spec:
      containers:
        - name: redis
          image: kubequest/redis:7.0.15-2
          ports:
            - containerPort: 6379
        - name: exporter
          image: x
`;

describe("parseYamlSafely", () => {
  it("parses several documents and remembers where each starts", () => {
    const text = `# comment\n---\n${service}---\n${statefulSet}`;
    const { documents, issues } = parseYamlSafely(text);
    expect(issues).toEqual([]);
    expect(documents.map((d) => (d.value as { kind: string }).kind)).toEqual(["Service", "StatefulSet"]);
    expect(documents[0]!.lines?.from).toBe(1);
    expect(documents[1]!.lines?.from).toBe(service.split("\n").length + 1);
  });

  it("skips empty documents but keeps their numbers", () => {
    const { documents } = parseYamlSafely(`a: 1\n---\n---\nb: 2\n---\n`);
    expect(documents.map((d) => d.number)).toEqual([1, 3]);
  });

  it("reports syntax errors with a 1-based line", () => {
    const { issues } = parseYamlSafely("apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.severity).toBe("error");
    expect(issues[0]!.line).toBeGreaterThanOrEqual(4);
    expect(issues[0]!.message).toMatch(/^YAML syntax: /);
  });

  it("reports a duplicated key on its line", () => {
    const { issues } = parseYamlSafely("kind: Service\nkind: Pod\n");
    expect(issues[0]).toMatchObject({ line: 2, severity: "error" });
    expect(issues[0]!.message).toMatch(/duplicated mapping key/);
  });

  it("keeps unquoted dates as text, as Kubernetes expects", () => {
    const { documents } = parseYamlSafely("metadata:\n  annotations:\n    since: 2024-01-01\n");
    expect((documents[0]!.value as { metadata: { annotations: { since: unknown } } }).metadata.annotations.since).toBe("2024-01-01");
  });

  it("refuses more than 64 KiB counted in UTF-8 bytes, not characters", () => {
    // 30 000 "é" are 30 000 characters (under the limit) but 60 000 bytes; 40 000 are 80 000 bytes.
    expect(parseYamlSafely(`a: "${"é".repeat(30_000)}"`).issues).toEqual([]);
    const { issues, documents } = parseYamlSafely(`a: "${"é".repeat(40_000)}"`);
    expect(documents).toEqual([]);
    expect(issues[0]!.message).toMatch(/at most 64 KiB/);
  });

  it("refuses a 1 MiB payload quickly without parsing it", () => {
    const big = `data: "${"x".repeat(1024 * 1024)}"`;
    const t0 = performance.now();
    const { issues } = parseYamlSafely(big);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(issues[0]!.message).toMatch(/1025 KiB; at most 64 KiB/);
  });

  it("stops a billion-laughs alias bomb at the value budget", () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = "abcdefghi";
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1]!;
      lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const text = lines.join("\n");
    expect(Buffer.byteLength(text)).toBeLessThan(1024);
    const t0 = performance.now();
    const { issues, documents } = parseYamlSafely(text);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(documents).toEqual([]);
    expect(issues[0]!.message).toMatch(new RegExp(`more than ${DEFAULT_YAML_LIMITS.values} values`));
  });

  it("refuses nesting deeper than the limit, in block and flow style", () => {
    let block = "";
    for (let i = 0; i < 45; i++) block += `${"  ".repeat(i)}k${i}:\n`;
    block += `${"  ".repeat(45)}leaf: 1\n`;
    expect(parseYamlSafely(block).issues[0]!.message).toMatch(/nested deeper than 40/);
    expect(parseYamlSafely(`${"[".repeat(30_000)}`).issues[0]!.severity).toBe("error");
  });

  it("survives a self-referencing alias", () => {
    const { issues } = parseYamlSafely("a: &x\n  b: *x\n");
    // Either js-yaml refuses it or the walk stops at the depth limit; it must not hang or throw.
    expect(issues.length === 0 || issues[0]!.severity === "error").toBe(true);
  });

  it("refuses more objects than allowed", () => {
    const text = Array.from({ length: 51 }, (_, i) => `kind: ConfigMap\nmetadata: {name: c${i}}`).join("\n---\n");
    expect(parseYamlSafely(text).issues[0]!.message).toMatch(/holds 51 objects; at most 50/);
  });
});

describe("documentLineRanges", () => {
  it("matches js-yaml's document count in the usual layouts", () => {
    expect(documentLineRanges("a: 1\n---\n")).toHaveLength(2);
    expect(documentLineRanges("---\na: 1")).toHaveLength(1);
    expect(documentLineRanges("# c\n---\na: 1\n---\n# only comment\n---\nb: 2\n")).toHaveLength(3);
    expect(documentLineRanges("a: 1\n...\n---\nb: 2")).toHaveLength(2);
    expect(documentLineRanges("")).toHaveLength(0);
  });
});

describe("findFieldLine", () => {
  const doc = (text: string) => parseYamlSafely(text).documents[0]!;

  it("finds nested keys, list items and keys inside items", () => {
    const d = doc(service);
    expect(findFieldLine(service, d, "spec.clusterIP")).toBe(8);
    expect(findFieldLine(service, d, "spec.ports[0].port")).toBe(13);
    expect(findFieldLine(service, d, "spec.ports[1].port")).toBe(15);
    expect(findFieldLine(service, d, "spec.ports[1]")).toBe(14);
    expect(findFieldLine(service, d, "metadata.labels[app.kubernetes.io/name]")).toBe(6);
    expect(findFieldLine(service, d, "metadata.name")).toBe(4);
  });

  it("handles lists indented under their key and server-side apply's list keys", () => {
    const d = doc(statefulSet);
    expect(findFieldLine(statefulSet, d, "spec.template.spec.containers[0].image")).toBe(12);
    expect(findFieldLine(statefulSet, d, "spec.template.spec.containers[1].image")).toBe(16);
    expect(findFieldLine(statefulSet, d, "spec.template.spec.containers[0].ports[0].containerPort")).toBe(14);
    expect(findFieldLine(statefulSet, d, '.spec.template.spec.containers[name="exporter"].image')).toBe(16);
  });

  it("falls back to the deepest parent found, and to nothing when the field is absent", () => {
    const d = doc(service);
    expect(findFieldLine(service, d, "spec.clusterIPs[0]")).toBe(7);
    expect(findFieldLine(service, d, "status.loadBalancer")).toBeUndefined();
    expect(findFieldLine(service, d, "spec.ports[5].port")).toBe(11);
    expect(findFieldLine(service, d, "spec.selector.tier")).toBe(9);
  });

  it("finds fields of the second document at their own lines", () => {
    const text = `${service}---\n${statefulSet}`;
    const second = parseYamlSafely(text).documents[1]!;
    const offset = service.split("\n").length;
    expect(findFieldLine(text, second, "spec.serviceName")).toBe(offset + 6);
  });

  it("parses field paths", () => {
    expect(parseFieldPath("spec.ports[0].port")).toEqual([{ key: "spec" }, { key: "ports" }, { index: 0 }, { key: "port" }]);
    expect(parseFieldPath('containers[name="redis"]')).toEqual([{ key: "containers" }, { match: { key: "name", value: "redis" } }]);
  });
});

describe("a document whose first line was indented by mistake (issue 16, item 5)", () => {
  it("points at the indented line and says what to do, not at the innocent next line", () => {
    const text = "      apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\n";
    expect(parseYamlSafely(text).issues).toEqual([
      {
        severity: "error",
        line: 1,
        message:
          "YAML syntax: line 1 is indented by 6 spaces but line 2 is not. Top-level fields (apiVersion, kind, metadata, spec) start at the beginning of the line: remove the indentation of line 1.",
      },
    ]);
  });

  it("leaves other syntax errors as the parser reports them", () => {
    const issues = parseYamlSafely("apiVersion: v1\nkind: [Service\n").issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/^YAML syntax: /);
    expect(issues[0]?.message).not.toContain("indented by");
  });
});
