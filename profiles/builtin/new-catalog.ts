// A new catalog version (T-FIRSTSCAN): every client learns of it at its next policy poll and rescans
// online within the following 2 h, so the SUP sees a wave of delta scans.
import { defineProfile } from '../define.ts';

export default defineProfile({
  name: 'new-catalog',
  description: 'New UpdateSource version after 1 h: every client rescans within 2 h of its next poll.',
  fleet: { clients: 25_000, start: 'warm' },
  events: [{ kind: 'new-catalog', at: '1h', updates: 40 }],
  speed: 60,
  duration: '5h',
  thresholds: { p95Ms: { 'wsus.SyncUpdates': 3000, '*': 2000 }, errorRate: 0.01, latenessP99Ms: 50 },
});
