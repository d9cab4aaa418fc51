#!/usr/bin/env node
// Fails the image build, not the first start in production, when compiled code requires a
// package that only a devDependency brought in: a static scan of every require() in the given
// folder (default dist/), each resolved from the requiring file with the production
// dependencies installed. Run by deploy/Dockerfile's verify stage.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');

const root = process.argv[2] ?? 'dist';
const missing = new Set();
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (p.endsWith('.js'))
      for (const [, spec] of fs.readFileSync(p, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
        if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
        try {
          require.resolve(spec, { paths: [path.dirname(p)] });
        } catch {
          missing.add(`${spec}  (required by ${p})`);
        }
      }
  }
})(root);
if (missing.size > 0) {
  console.error('Runtime code requires packages missing from the production dependencies');
  console.error('(add them to "dependencies" in package.json):');
  for (const m of missing) console.error(`  ${m}`);
  process.exit(1);
}
console.log(`verify: every require() in ${root}/ resolves with production dependencies only`);
