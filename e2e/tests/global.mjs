// One synthetic town per test file: built with `stegvis synth`, then served with `stegvis serve`. The clock is
// frozen (STEGVIS_FIXED_NOW) so that "this month" and the data are the same whenever the tests run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, startServer } from './helpers.mjs';

export const TODAY = '2026-11-23';

/** Builds a small town (fast in a debug build) and serves it; resolves with { url, stop }. */
export async function serveSmallTown(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'stegvis-town-'));
  const db = join(dir, 'town.sqlite');
  const fixed = { STEGVIS_FIXED_NOW: `${TODAY}T10:00:00Z`, ...env };
  execFileSync(binary(), ['synth', '--inhabitants', '5000', '--seed', '7', '--db', db], {
    stdio: 'ignore',
    env: { ...process.env, ...fixed },
  });
  return startServer(['serve'], { STEGVIS_DATABASE_URL: `sqlite://${db}?mode=rw`, ...fixed });
}
