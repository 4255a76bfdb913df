// A tiny vitest project whose every test passes: the control case of the orchestrator's tests.
import { defineConfig } from "vitest/config";

export default defineConfig({ test: { include: ["*.case.ts"] } });
