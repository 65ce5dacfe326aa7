// A short Patch Tuesday for the dashboard proof: a warm fleet rescans for a new catalog, downloads
// from the DP, installs a required deployment by its deadline and posts state messages; the SUP is
// down for a few minutes so errors have kinds. 40 virtual minutes (about 12 s of wall time at ×200).
import { defineProfile } from '../../profiles/define.ts';

export default defineProfile({
  name: 'review-proof',
  description: 'Short Patch Tuesday with a SUP outage, for the dashboard query proof.',
  fleet: { clients: 300, start: 'warm' },
  events: [
    { kind: 'patch-tuesday', at: '2m', updates: 5, required: true, deadlineAfter: '15m' },
    { kind: 'sup-failure', at: '25m', node: 0, for: '3m' },
  ],
  speed: 200,
  duration: '40m',
});
