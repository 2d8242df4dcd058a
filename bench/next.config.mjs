import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/** @type {import("next").NextConfig} */
const nextConfig = {
  // The repository root has a lockfile of its own; this folder is the app.
  outputFileTracingRoot: here,
  turbopack: { root: here },
  // `next dev` would otherwise write an AGENTS.md here.
  agentRules: false,
};

export default nextConfig;
