// A quiet day: a warm fleet polls policy, flushes state messages and runs the odd scheduled scan.
// The baseline every other profile is compared with.
import { defineProfile } from '../define.ts';

export default defineProfile({
  name: 'steady-state',
  description: 'Warm fleet on an ordinary day: policy polls, state-message cycles, scheduled scans only.',
  fleet: { clients: 10_000, start: 'warm' },
  speed: 60,
  duration: '6h',
  thresholds: { p95Ms: { '*': 2000 }, errorRate: 0.01, latenessP99Ms: 50 },
});
