// Lint rules run by `npm test`. Besides the recommended sets, one architectural rule: browser
// code (components/, lib/) must never import the Node-only server (server/).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      "public/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
      "cluster-kit/runc-wrapper/**",
      // Stryker's sandbox copies of the repository (left behind by an interrupted run) and reports.
      ".stryker-tmp/**",
      "reports/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/server/*", "**/server/*", "../server/*", "../../server/*"], message: "Browser code must not import server/ (Node only). Pass data as props or over the socket protocol." },
          ],
        },
      ],
    },
  },
);
