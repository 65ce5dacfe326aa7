// Worker thread entry: the sources are TypeScript, so register tsx's loader first. Works under vitest
// and from the CLI alike.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
