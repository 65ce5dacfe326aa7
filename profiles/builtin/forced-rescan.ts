// A site-wide forced rescan (S-FORCED: "Software Updates Scan Cycle" on every client): each scan goes
// online regardless of the 24 h TTL and resets it; the SUP takes the whole fleet's delta scans at once.
import { defineProfile } from '../define.ts';

export default defineProfile({
  name: 'forced-rescan',
  description: 'Every client runs a forced online scan at 30 min, spread over 15 min.',
  fleet: { clients: 25_000, start: 'warm' },
  events: [{ kind: 'forced-rescan', at: '30m', spread: '15m' }],
  speed: 30,
  duration: '3h',
  thresholds: { p95Ms: { 'wsus.SyncUpdates': 5000, '*': 3000 }, errorRate: 0.02, latenessP99Ms: 50 },
});
