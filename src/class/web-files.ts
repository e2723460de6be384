/**
 * The dashboard page's files (plain HTML, JS and CSS: no build step), served from the
 * checkout, read once. Only these names are served; the page loads nothing from elsewhere.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { repoRoot } from '../engine/repo.js';

export const WEB_DIR = join(repoRoot, 'src', 'class', 'web');

const FILES: Record<string, string> = {
  '/index.html': 'text/html; charset=utf-8',
  '/dashboard.js': 'text/javascript; charset=utf-8',
  '/dashboard.css': 'text/css; charset=utf-8',
};

const cache = new Map<string, Buffer>();

/** Serves `path` when it is one of the page's files; false otherwise. */
export function serveStatic(path: string, res: ServerResponse): boolean {
  const type = FILES[path];
  if (type === undefined) return false;
  let body = cache.get(path);
  if (body === undefined) {
    body = readFileSync(join(WEB_DIR, path.slice(1)));
    cache.set(path, body);
  }
  res
    .writeHead(200, {
      'Content-Type': type,
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': "default-src 'self'; img-src 'self' data:",
      'X-Content-Type-Options': 'nosniff',
    })
    .end(body);
  return true;
}
