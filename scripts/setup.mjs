#!/usr/bin/env node
// One-step set-up for a fresh clone: installs the pinned npm packages when node_modules is missing
// or older than the lockfile, so `npm start` and `npm test` work with nothing done by hand.
// Debian packages that a feature needs are listed in APT_PACKAGES and installed through apt-get
// (as root, or with sudo) only when their command is missing.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * command that proves the package is there -> Debian package name. The tests start their own InfluxDB
 * 1.x (`influxd`) and VictoriaMetrics (the InfluxDB v2 write path) on loopback, and drive Debian's
 * Chromium headless for the HTML report.
 */
const APT_PACKAGES = { influxd: 'influxdb', 'victoria-metrics': 'victoria-metrics', chromium: 'chromium' };

function npmInstallIfStale() {
  const lock = join(root, 'package-lock.json');
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  // `npm install` with the committed lockfile installs exactly the pinned versions. Not `npm ci`: npm 11
  // writes lockfiles without other platforms' optional packages (e.g. @biomejs/cli-darwin-*) and then
  // its own `npm ci` rejects them as out of sync.
  console.log('[setup] installing the pinned npm packages from package-lock.json');
  execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

function hasCommand(cmd) {
  try {
    execSync(`command -v ${cmd}`, { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
}

function aptInstallMissing() {
  const missing = Object.entries(APT_PACKAGES)
    .filter(([cmd]) => !hasCommand(cmd))
    .map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  const ci = process.env.CI === 'true';
  const manual = `sudo apt-get install -y ${missing.join(' ')}`;
  const root = process.getuid?.() === 0;
  if (!root && !hasSudo()) {
    // Nothing we can install: say exactly what is missing. In CI that is a failure; elsewhere the
    // tests that need these components fail with the same message.
    const text = `[setup] missing Debian packages: ${missing.join(' ')} (not root and no passwordless sudo); install them with: ${manual}`;
    if (ci) fail(text);
    console.warn(text);
    return;
  }
  const sudo = root ? '' : 'sudo -n ';
  console.log(`[setup] installing Debian packages: ${missing.join(' ')}`);
  try {
    execSync(
      `${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`,
      { stdio: 'inherit', shell: '/bin/sh' },
    );
  } catch (e) {
    const text = `[setup] apt-get could not install ${missing.join(' ')} (${e.message.split('\n')[0]}); install them with: ${manual}`;
    if (ci) fail(text);
    console.warn(text);
  }
}

function hasSudo() {
  try {
    execSync('sudo -n true', { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
}

function fail(text) {
  console.error(`${text}\n[setup] CI=true: a missing component is a failure`);
  process.exit(1);
}

npmInstallIfStale();
aptInstallMissing();
