#!/usr/bin/env node
// Part of `npm run build`: the analysts' page's static files (HTML, CSS) next to its compiled
// modules in dist/, from where the hub serves them at /analyst/ (tsc copies no such files).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const rel = path.join('apps', 'intel-hub', 'src', 'analyst', 'page', 'web');
const root = path.join(__dirname, '..');
const from = path.join(root, rel);
const to = path.join(root, 'dist', rel);

fs.mkdirSync(to, { recursive: true });
for (const name of fs.readdirSync(from)) {
  if (/\.(html|css)$/.test(name)) fs.copyFileSync(path.join(from, name), path.join(to, name));
}
