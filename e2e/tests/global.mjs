// One synthetic town for all browser tests: built once per run with `stegvis synth`, then served with `stegvis serve`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, startServer } from './helpers.mjs';

/** Builds a small town (fast in a debug build) and serves it; resolves with { url, stop }. */
export async function serveSmallTown() {
  const dir = mkdtempSync(join(tmpdir(), 'stegvis-town-'));
  const db = join(dir, 'town.sqlite');
  execFileSync(binary(), ['synth', '--inhabitants', '5000', '--seed', '7', '--db', db], { stdio: 'ignore' });
  return startServer(['serve'], { STEGVIS_DATABASE_URL: `sqlite://${db}?mode=rw` });
}
