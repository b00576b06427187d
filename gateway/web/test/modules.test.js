// Every `import { a, b } from "./x.js"` of the front end names a module that exists and exports
// a and b (the browser would otherwise fail the whole page at load, with no test noticing).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const JS = resolve(dirname(fileURLToPath(import.meta.url)), "../static/js");

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : []));
}

function exportsOf(path) {
  const src = readFileSync(path, "utf8");
  const names = new Set();
  for (const m of src.matchAll(/export\s+(?:async\s+)?(?:function\*?|class|const|let)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  for (const m of src.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) names.add(part.trim().split(/\s+as\s+/).pop());
  }
  return names;
}

test("every named import exists in the module it comes from", () => {
  const problems = [];
  for (const file of files(JS)) {
    const src = readFileSync(file, "utf8");
    for (const m of src.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
      const target = resolve(dirname(file), m[2]);
      if (!existsSync(target)) {
        problems.push(`${file}: no module ${m[2]}`);
        continue;
      }
      const have = exportsOf(target);
      for (const name of m[1].split(",").map((n) => n.trim().split(/\s+as\s+/)[0]).filter(Boolean)) {
        if (!have.has(name)) problems.push(`${file}: ${m[2]} does not export ${name}`);
      }
    }
    for (const m of src.matchAll(/import\s+"([^"]+)"/g)) {
      if (!existsSync(resolve(dirname(file), m[1]))) problems.push(`${file}: no module ${m[1]}`);
    }
  }
  assert.deepEqual(problems, []);
});

test("every page's scripts and styles exist", () => {
  const STATIC = resolve(JS, "..");
  const html = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    (e.isDirectory() ? (e.name === "js" ? [] : html(join(dir, e.name))) : e.name.endsWith(".html") ? [join(dir, e.name)] : []));
  const missing = [];
  for (const page of html(STATIC)) {
    for (const m of readFileSync(page, "utf8").matchAll(/(?:src|href)="(\/(?:js|css)\/[^"]+)"/g)) {
      if (!existsSync(join(STATIC, m[1]))) missing.push(`${page}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});
