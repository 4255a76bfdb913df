// A vitest project where one file's beforeAll fails and another file passes.
import { defineConfig } from "vitest/config";

export default defineConfig({ test: { include: ["*.case.ts"] } });
