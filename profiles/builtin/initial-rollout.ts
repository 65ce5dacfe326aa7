// Initial client rollout (behaviour.md §7, M-BACKLOG): fresh clients come up over 8 h, each one
// registers, cold-scans (the ~5 MB metadata download) and sends hundreds of 500 state messages.
// The classic state-message backlog event; the rollout pace should match processing capacity.
import { defineProfile } from '../define.ts';

export default defineProfile({
  name: 'initial-rollout',
  description: 'Fresh clients registered over 8 h: cold scans and a flood of first state messages.',
  fleet: { clients: 25_000, start: 'fresh' },
  events: [{ kind: 'rollout', at: 0, over: '8h' }],
  speed: 60,
  duration: '12h',
  thresholds: {
    p95Ms: { 'wsus.SyncUpdates': 5000, '*': 3000 },
    errorRate: 0.01,
    maxBacklogAge: '2h',
    latenessP99Ms: 50,
  },
});
