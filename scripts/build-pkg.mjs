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
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { edgeImportSize, kib } from "./package-size.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const templates = join(root, "pkg-templates");
const wasmPackOut = join(root, "target", "wasm-pack");
const pkg = join(root, "pkg");
const bin = join(root, "node_modules", ".bin");

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: "inherit" });
}

// Two builds of one package. The root entry has everything; `stripe-edge/webhook` has
// only verification (and the models' plain JS), from a module compiled without the
// keys rules, so an edge deployment that only receives webhooks ships little.
const variants = [
  {
    name: "stripe-edge",
    dir: pkg,
    features: "wasm,wasm-keys,wasm-api",
    modules: ["api.mjs", "keys.mjs", "models.mjs", "client.mjs"],
    types: ["keys.d.ts", "thin.d.ts", "webhook.d.ts", "client.d.ts"],
  },
  {
    name: "stripe-edge/webhook",
    dir: join(pkg, "webhook"),
    features: "wasm",
    modules: ["api.mjs", "models.mjs"],
    types: ["thin.d.ts", "webhook.d.ts"],
  },
];

rmSync(pkg, { recursive: true, force: true });

// The generated models are most of the declarations, so both variants share one copy.
// It is a .d.cts because under `moduleResolution: node16` a CommonJS declaration file
// may not import an ES module's declarations (TS1479, TS1541), while an ES module may
// import a CommonJS one; so index.d.ts and index.d.cts can both refer to it.
// The client's params types travel with them.
const models = ["models.d.ts", "params.d.ts"]
  .map((file) => readFileSync(join(templates, "types", file), "utf8"))
  .join("\n");
const modelNames = [
  ...models.matchAll(
    /^export (?:declare )?(?:interface|type|const|function|class|enum) (\w+)/gm,
  ),
].map((match) => match[1]);
mkdirSync(join(pkg, "dist"), { recursive: true });
writeFileSync(join(pkg, "dist", "models.d.cts"), models);

const sizes = [];
for (const variant of variants) sizes.push(await buildVariant(variant));

async function buildVariant({ name, dir, features, modules, types }) {
  const out = join(wasmPackOut, features.replace(/,/g, "-"));
  run("wasm-pack", [
    "build",
    "--release",
    "--target",
    "bundler",
    "--no-pack",
    "--out-dir",
    out,
    "--out-name",
    "stripe_edge",
    "--",
    "--features",
    features,
  ]);

  const dist = join(dir, "dist");
  mkdirSync(dist, { recursive: true });
  run(join(bin, "wasm-opt"), [
    "-Oz",
    "--strip-debug",
    "--strip-producers",
    join(out, "stripe_edge_bg.wasm"),
    "-o",
    join(dir, "stripe_edge_bg.wasm"),
  ]);
  copyFileSync(join(out, "stripe_edge_bg.js"), join(dir, "stripe_edge_bg.js"));

  // The entries and what they share; node-cjs.mjs is only the input of the CommonJS
  // bundle, and keys.mjs belongs to the variants that export it.
  const shared = [
    "brand.mjs",
    "loader.mjs",
    "host-crypto.mjs",
    "models.mjs",
    "api.mjs",
    "options.mjs",
  ];
  const entries = ["edge.mjs", "node.mjs", "bundler.mjs"];
  for (const file of new Set([...shared, ...entries, ...modules])) {
    copyFileSync(join(templates, file), join(dist, file));
  }
  const surface = modules
    .map((file) => `export * from "./${file}";`)
    .join("\n");
  writeFileSync(
    join(dist, "surface.mjs"),
    `// The exports of ${name}, written by scripts/build-pkg.mjs.\n${surface}\n`,
  );

  // One declaration file per format with the same text, so ESM and CommonJS
  // consumers see the same types; the hand-written declarations name models
  // unqualified, so the ones they use are imported.
  const handWritten = types
    .map((file) => readFileSync(join(templates, "types", file), "utf8"))
    .join("\n");
  const used = modelNames.filter((name) =>
    new RegExp(`\\b${name}\\b`).test(handWritten),
  );
  const toModels =
    relative(dist, join(pkg, "dist")).split(sep).join("/") || ".";
  const specifier = `${toModels}/models.cjs`;
  const declarations =
    `import type { ${used.join(", ")} } from "${specifier}";\n` +
    `export * from "${specifier}";\n\n${handWritten}`;
  writeFileSync(join(dist, "index.d.ts"), declarations);
  writeFileSync(join(dist, "index.d.cts"), declarations);

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

  return { name, ...(await edgeImportSize(dir)) };
}

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

for (const size of sizes) {
  console.log(
    `${size.name}@${version}: wasm ${kib(size.wasm)} (${kib(size.wasmGz)} gzipped);` +
      ` an edge import ships ${kib(size.shipped)} gzipped (wasm + bundled JS)`,
  );
}
