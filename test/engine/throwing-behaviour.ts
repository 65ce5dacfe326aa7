// A behaviour with a bug: client 2 throws on its third reply. The run must abort and say so.
import type { CreateBehaviour } from '../../harness/engine/behaviour.ts';

export const createBehaviour: CreateBehaviour = (_ctx, options) => {
  const { origin } = options as { origin: string };
  const replies = new Uint8Array(_ctx.clients);
  return {
    step(client, event, now) {
      if (event.kind === 'reply' && client === 2 && ++replies[client]! === 3) throw new Error('third reply');
      if (event.kind === 'start' || event.kind === 'wake') {
        return { actions: [{ operation: 'test.get', origin, method: 'GET', path: '/' }], wakeAt: now + 1000 };
      }
      return {};
    },
  };
};
