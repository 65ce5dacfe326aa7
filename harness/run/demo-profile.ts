// The `npm start` demo: the built-in patch-tuesday workload made to fit under two minutes of wall time
// on a 2-core machine, embedded site included. What changes and why:
// - 10,000 warm clients instead of 25,000; 2 h 30 min of virtual time at x90 (100 s) instead of 30 h
//   at x120. Faster is possible for the generator but not for the one-process reference site: at x240
//   the scan wave after the new catalog (10,000 rescans within the hour after the next policy poll)
//   queues SUP requests past the 60-minute cookie (15 wall seconds at x240) and the run turns into a
//   CookieExpired/re-registration cascade that says more about the compression than about the site;
// - the deployment comes at 10 min with a 1 h deadline, deadline randomisation 30 min and restart
//   countdown 20 min (instead of 1 h / 24 h / 2 h / 90 min), so the whole cycle (policy, rescan,
//   content download, deadline install, restart, state messages) happens inside the run;
// - a 400-update catalog instead of 1,050 (cheaper warm scans: the cache a client sends is smaller);
// - update files of 20-120 KB instead of 0.2-2.5 MB: ~9,000 file downloads stay near 0.5 GB over
//   loopback instead of 10+ GB;
// - only the generator-health threshold: the demo shows what the site did under the storm (the
//   summary table has every latency and error) instead of failing on limits meant for real sites.
import { BUILTIN_PROFILES, defineProfile } from '../../profiles/index.ts';

const builtin = BUILTIN_PROFILES.get('patch-tuesday')!;

export default defineProfile({
  name: 'patch-tuesday-demo',
  description: `${builtin.description} Compressed for the npm start demo: 10,000 clients, 2.5 h in 100 s.`,
  fleet: { clients: 10_000, start: 'warm' },
  site: { catalog: { leafUpdates: 400, fileSizes: { min: 20_000, max: 120_000 } } },
  timers: { deadlineRandomMs: '30m', restartCountdownMs: '20m' },
  events: [{ kind: 'patch-tuesday', at: '10m', updates: 10, required: true, deadlineAfter: '1h' }],
  speed: 90,
  duration: '2h30m',
  thresholds: { latenessP99Ms: builtin.thresholds.latenessP99Ms },
});
