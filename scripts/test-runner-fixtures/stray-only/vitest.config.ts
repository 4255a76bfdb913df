// A vitest project with a stray `it.only` beside a failing test.
import { defineConfig } from "vitest/config";

export default defineConfig({ test: { include: ["*.case.ts"] } });
