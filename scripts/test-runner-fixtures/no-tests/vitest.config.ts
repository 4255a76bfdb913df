// A vitest project whose only file declares no test at all.
import { defineConfig } from "vitest/config";

export default defineConfig({ test: { include: ["*.case.ts"], passWithNoTests: true } });
