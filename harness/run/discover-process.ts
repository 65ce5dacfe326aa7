// Runs the run-start catalog discovery (one real cold scan per OS build) in a short-lived child
// process. Parsing ~5 MB of metadata per build leaves the process ~80 MB bigger than before (V8 and
// malloc keep what they grew), and the coordinator must stay small for 100,000-client runs; the child
// gives it all back when it exits. What comes back is the CatalogKnowledge as JSON (under 1 MB).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HttpLimits } from '../engine/http-limits.ts';
import type { CatalogKnowledge } from '../engine/fleet-adapter/index.ts';

export interface DiscoveryRequest {
  supUrl: string;
  mpUrl: string;
  siteCode: string;
  builds: number[];
  tls: { caFile?: string; insecure?: boolean };
  /** The run's request deadline and memory limits (defaults: engine/http-limits.ts), shared with the swarm. */
  limits?: HttpLimits;
}

const ENTRY = fileURLToPath(new URL('./discover-child.ts', import.meta.url));
const TSX = import.meta.resolve('tsx/esm');

/**
 * The target did not answer discovery as a site should: the run could not happen (exit 3), nothing of
 * the load was sent. The message names the servers and what failed.
 */
export class DiscoveryFailed extends Error {
  override readonly name = 'DiscoveryFailed';
}

export function discoverInChildProcess(request: DiscoveryRequest): Promise<CatalogKnowledge> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, ENTRY, JSON.stringify(request)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) {
        const why =
          err.trim() || (signal ? `the discovery process was stopped by ${signal}` : 'no reason given');
        reject(
          new DiscoveryFailed(
            `catalog discovery (a cold scan against the SUP ${request.supUrl}, policy from the MP ${request.mpUrl}) failed: ${why}`,
          ),
        );
        return;
      }
      try {
        resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as CatalogKnowledge);
      } catch (e) {
        reject(new DiscoveryFailed(`catalog discovery printed no knowledge: ${(e as Error).message}`));
      }
    });
  });
}
