// One conformance run: build the HTTP client (trusting the CA), find what the target offers, pick the
// checks and run them. Shared by the CLI and the vitest suite, so both exercise the same path.
import { HttpClient } from '../harness/driver/http.ts';
import type { CheckResult, ConformanceCheck } from './check.ts';
import { detectCapabilities } from './capabilities.ts';
import { ObserverClient } from './observer-client.ts';
import { type ConformanceReport, runChecks } from './runner.ts';
import { type ConformanceTarget, describeTarget } from './target.ts';

export interface SuiteOptions {
  target: ConformanceTarget;
  checks: readonly ConformanceCheck[];
  checkTimeoutMs?: number;
  onResult?: (result: CheckResult) => void;
}

export async function runConformance(options: SuiteOptions): Promise<ConformanceReport> {
  const { target } = options;
  // A handful of connections: checks are sequential, but a scan pipelines several origins.
  const http = new HttpClient({ ca: target.ca, connections: 8, timeoutMs: 15_000 });
  try {
    const observer = target.observer
      ? new ObserverClient(target.observer, http, target.observerToken)
      : undefined;
    const capabilities = await detectCapabilities(target, observer);
    const ctx = {
      target,
      capabilities: capabilities.offered,
      http,
      observer: capabilities.offered.has('observer') ? observer : undefined,
    };
    return await runChecks(options.checks, ctx, capabilities, describeTarget(target), {
      checkTimeoutMs: options.checkTimeoutMs,
      onResult: options.onResult,
    });
  } finally {
    await http.close();
  }
}
