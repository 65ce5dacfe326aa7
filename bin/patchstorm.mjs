#!/usr/bin/env node
// The `patchstorm` command. The sources are TypeScript run through tsx's loader, so a fresh clone
// needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
