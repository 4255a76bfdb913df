// A vitest project whose global set-up throws before any test runs (like a cluster that never came up).
import { defineConfig } from "vitest/config";

export default defineConfig({ test: { include: ["*.case.ts"], globalSetup: ["global-setup.ts"] } });
