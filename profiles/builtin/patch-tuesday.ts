// Patch Tuesday (behaviour.md §6): new updates published and deployed as required with a 24 h
// deadline. Clients rescan, fetch content locations, download from the DP, install at the
// (randomised) deadline, rescan offline and report enforcement state: the biggest backlog event.
import { defineProfile } from '../define.ts';

export default defineProfile({
  name: 'patch-tuesday',
  description:
    'Required deployment of 10 new updates after 1 h, deadline 24 h later: downloads, installs, state.',
  fleet: { clients: 25_000, start: 'warm' },
  events: [{ kind: 'patch-tuesday', at: '1h', updates: 10, required: true, deadlineAfter: '24h' }],
  speed: 120,
  duration: '30h',
  thresholds: {
    p95Ms: { 'wsus.SyncUpdates': 3000, 'dp.get': 10_000, '*': 2000 },
    errorRate: 0.01,
    maxBacklogAge: '4h',
    latenessP99Ms: 50,
  },
});
