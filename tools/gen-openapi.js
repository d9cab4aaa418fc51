#!/usr/bin/env node
// Generates docs/openapi.json, the analysts' API contract, from the route registry
// (apps/intel-hub/src/analyst/http/routes.ts, ALL_ROUTES) as built into dist/ (run
// `npm run build` first: the npm scripts do). `--check` fails when the committed document
// differs from what the registry describes, so the two cannot drift (like check:proto).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const target = path.join(root, 'docs/openapi.json');
const dist = path.join(root, 'dist/apps/intel-hub/src/analyst');
const check = process.argv.includes('--check');

const { ALL_ROUTES } = require(path.join(dist, 'http/routes.js'));
const { openApiDocument } = require(path.join(dist, 'openapi/openapi-document.js'));

const text = `${JSON.stringify(openApiDocument(ALL_ROUTES, '1.0.0'), null, 2)}\n`;
if (check) {
  const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (committed !== text) {
    console.error(
      'docs/openapi.json is out of date with the analyst route registry: run `npm run gen:openapi` and commit the result',
    );
    process.exit(1);
  }
  console.log('docs/openapi.json is up to date');
} else {
  fs.writeFileSync(target, text);
  console.log(`wrote ${path.relative(root, target)} (${ALL_ROUTES.length} operations)`);
}
