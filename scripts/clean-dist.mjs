// Removes dist/ before tsc writes it again (npm run build): tsc never deletes the output of a
// source file that was removed or renamed, and such leftovers would be imported by nothing yet
// packed and published. tsc here is not incremental, so nothing is lost by starting clean.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

rmSync(fileURLToPath(new URL('../dist', import.meta.url)), { recursive: true, force: true });
