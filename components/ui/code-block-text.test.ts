// Why: which blocks offer "Run in terminal" (issue 16, item 9) is decided here.
import { describe, expect, it } from "vitest";
import { codeBlockOf, type HastLike } from "./code-block-text";

const pre = (code: string, className?: string[]): HastLike => ({
  type: "element",
  tagName: "pre",
  children: [{ type: "element", tagName: "code", properties: className ? { className } : {}, children: [{ type: "text", value: code }] }],
});

describe("codeBlockOf", () => {
  it("runs a fence without a language or a shell fence, without the final newline", () => {
    expect(codeBlockOf(pre("kubectl logs redis-1 -c wait-for-primary\n"))).toEqual({ language: null, text: "kubectl logs redis-1 -c wait-for-primary", runnable: true });
    expect(codeBlockOf(pre("nslookup a\nnslookup b\n", ["language-bash"]))).toEqual({ language: "bash", text: "nslookup a\nnslookup b", runnable: true });
  });

  it("only copies YAML and other languages", () => {
    expect(codeBlockOf(pre("kind: Service\n", ["language-yaml"]))?.runnable).toBe(false);
    expect(codeBlockOf(pre("{}", ["language-json"]))?.runnable).toBe(false);
  });

  it("reads nested text (highlighted spans) and refuses what is not a code block", () => {
    const nested: HastLike = {
      type: "element",
      tagName: "pre",
      children: [{ type: "element", tagName: "code", children: [{ type: "element", tagName: "span", children: [{ type: "text", value: "kubectl" }] }, { type: "text", value: " get pods" }] }],
    };
    expect(codeBlockOf(nested)?.text).toBe("kubectl get pods");
    expect(codeBlockOf({ type: "element", tagName: "pre", children: [{ type: "text", value: "x" }] })).toBeNull();
    expect(codeBlockOf(undefined)).toBeNull();
    expect(codeBlockOf(pre("   \n"))?.runnable).toBe(false);
  });
});
