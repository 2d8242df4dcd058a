// Builds pkg/, the one npm package: wasm-pack compiles the core with its `wasm`
// feature, npm's binaryen shrinks the module (wasm-pack's own wasm-opt step would
// download binaryen), and pkg-templates/ adds the per-runtime entry points, types and
// package.json.
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const templates = join(root, "pkg-templates");
const wasmPackOut = join(root, "target", "wasm-pack");
const pkg = join(root, "pkg");
const dist = join(pkg, "dist");
const bin = join(root, "node_modules", ".bin");

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: "inherit" });
}

run("wasm-pack", [
  "build",
  "--release",
  "--target",
  "bundler",
  "--no-pack",
  "--out-dir",
  wasmPackOut,
  "--out-name",
  "stripe_edge",
  "--",
  "--features",
  "wasm",
]);

rmSync(pkg, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

run(join(bin, "wasm-opt"), [
  "-Oz",
  "--strip-debug",
  "--strip-producers",
  join(wasmPackOut, "stripe_edge_bg.wasm"),
  "-o",
  join(pkg, "stripe_edge_bg.wasm"),
]);
copyFileSync(
  join(wasmPackOut, "stripe_edge_bg.js"),
  join(pkg, "stripe_edge_bg.js"),
);

// Every module of the API; node-cjs.mjs is only the input of the CommonJS bundle.
for (const file of readdirSync(templates)) {
  if (file.endsWith(".mjs") && file !== "node-cjs.mjs") {
    copyFileSync(join(templates, file), join(dist, file));
  }
}

// One declaration file, so ESM and CommonJS consumers see the same types without
// cross-format re-exports.
const types = readdirSync(join(templates, "types"))
  .filter((file) => file.endsWith(".d.ts"))
  .sort()
  .map((file) => readFileSync(join(templates, "types", file), "utf8"))
  .join("\n");
writeFileSync(join(dist, "index.d.ts"), types);
writeFileSync(join(dist, "index.d.cts"), types);

// One CommonJS file for require(): the API, the glue and the loader together, so a
// CommonJS caller never loads the ESM files.
copyFileSync(join(templates, "node-cjs.mjs"), join(dist, "node-cjs.mjs"));
await build({
  entryPoints: [join(dist, "node-cjs.mjs")],
  outfile: join(dist, "node.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node18",
  logLevel: "warning",
});
rmSync(join(dist, "node-cjs.mjs"));

const cargoToml = readFileSync(join(root, "Cargo.toml"), "utf8");
const version = /\[package\][^[]*?\nversion = "([^"]+)"/.exec(cargoToml)[1];
const manifest = JSON.parse(
  readFileSync(join(templates, "package.json"), "utf8"),
);
manifest.version = version;
writeFileSync(
  join(pkg, "package.json"),
  `${JSON.stringify(manifest, null, 2)}\n`,
);
copyFileSync(join(templates, "README.md"), join(pkg, "README.md"));

const wasmBytes = readFileSync(join(pkg, "stripe_edge_bg.wasm"));
const edgeShipped = Buffer.concat([
  wasmBytes,
  ...[
    "stripe_edge_bg.js",
    "dist/edge.mjs",
    "dist/api.mjs",
    "dist/loader.mjs",
  ].map((file) => readFileSync(join(pkg, file))),
]);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `pkg/ stripe-edge@${version}: wasm ${kib(statSync(join(pkg, "stripe_edge_bg.wasm")).size)}` +
    ` (${kib(gzipSync(wasmBytes).length)} gzipped);` +
    ` edge import, wasm + glue: ${kib(gzipSync(edgeShipped).length)} gzipped`,
);
