// Make the CLI entry executable after tsc (npx bundlescope needs the mode bit).
import { chmodSync, existsSync } from 'node:fs';
if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
