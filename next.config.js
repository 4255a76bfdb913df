// @ts-check
/* global process, module -- a Node module loaded by Next, not browser code */
/**
 * Next.js configuration. KubeQuest runs offline: nothing here may make Next fetch from the
 * internet (no telemetry, no remote fonts or images).
 */

// Telemetry is read from the environment; set it before Next builds its telemetry client
// (the build and dev server read the config first). CI and the custom server set it too.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // No "X-Powered-By: Next.js": it only tells scanners what to probe.
  poweredByHeader: false,
  // next dev would otherwise write AGENTS.md files into the repository.
  agentRules: false,
  // The floating dev badge sits on top of the level page's bottom-left controls (and in the
  // way of end-to-end clicks against the dev server); build and runtime errors still show.
  devIndicators: false,
  images: {
    // No remote image optimisation: every image is ours and served from /public.
    unoptimized: true,
  },
};

module.exports = nextConfig;
