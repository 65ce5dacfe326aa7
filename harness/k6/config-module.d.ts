// The config `patchstorm k6` embeds: esbuild resolves this module name to the JSON it wrote
// (harness/cli/k6-build.ts), so the script carries it.
declare module 'patchstorm:k6-config' {
  const config: import('./config.ts').K6ScriptConfig;
  export default config;
}
