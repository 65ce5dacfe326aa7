// A SUP node failure in a 4-node NLB cluster (behaviour.md §7, T-SCANRETRY): a new catalog makes
// everyone scan, one node stops answering, its clients fail, retry every 30 min (4 times), then move
// to a surviving node. 100,000 clients: the NLB capacity figure.
import { defineProfile } from '../define.ts';

export default defineProfile({
  name: 'sup-failover',
  description: '4 SUP nodes, new catalog at 30 min, node 1 fails at 45 min for 3 h: retries then failover.',
  fleet: { clients: 100_000, start: 'warm' },
  site: { supNodes: 4 },
  events: [
    { kind: 'new-catalog', at: '30m', updates: 20 },
    { kind: 'sup-failure', at: '45m', node: 1, for: '3h' },
  ],
  speed: 60,
  duration: '5h',
  thresholds: { p95Ms: { 'wsus.SyncUpdates': 5000, '*': 3000 }, latenessP99Ms: 50 },
});
