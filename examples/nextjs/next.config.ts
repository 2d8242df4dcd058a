import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Node runtime routes load stripe-edge with Node's own resolver instead of
  // bundling it. Its `node` entry reads the .wasm beside it with
  // `new URL("../stripe_edge_bg.wasm", import.meta.url)`; webpack
  // (`next build --webpack`) rewrites that URL into a public `/_next/...` path
  // that `readFileSync` cannot open. Left external, the file is read from
  // node_modules, and output tracing still lists it for deployment.
  //
  // Edge routes need nothing here: the package's `edge-light` entry imports
  // the wasm with `?module`, which Turbopack and webpack both compile ahead of
  // time into a WebAssembly.Module.
  serverExternalPackages: ["stripe-edge"],

  // This example lives inside the stripe-edge repository, whose root has a
  // lockfile of its own. Without this, Next takes that root as the workspace
  // and could resolve packages from the repository's node_modules that a copy
  // of the example would not have.
  outputFileTracingRoot: __dirname,

  // `next dev` otherwise writes an AGENTS.md into the example on every start.
  agentRules: false,
  experimental: { agentUpgrade: false },
};

export default nextConfig;
