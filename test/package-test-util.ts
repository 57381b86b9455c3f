/** The package as `npm pack` makes it, for the package tests: its file list, or the tarball itself. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { packageRoot } from '../src/cli/package-root.js';

const run = promisify(execFile);

export const REPO_ROOT = packageRoot(import.meta.url);

export interface PackedFile {
  path: string;
  size: number;
}

export interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: PackedFile[];
  /** What npm printed on stderr (warnings such as "Unknown project config"). */
  stderr: string;
}

/**
 * Runs `npm pack --json` in the repository: it packs what dist/ holds (the test run builds first;
 * no script runs here). With a destination it writes the tarball there, otherwise it only lists
 * (`--dry-run`).
 */
export async function npmPack(destination?: string): Promise<PackResult> {
  const where = destination === undefined ? ['--dry-run'] : ['--pack-destination', destination];
  const { stdout, stderr } = await run('npm', ['pack', '--json', '--ignore-scripts', ...where], { cwd: REPO_ROOT, timeout: 120_000, maxBuffer: 64 << 20 });
  const [result] = JSON.parse(stdout) as Omit<PackResult, 'stderr'>[];
  if (result === undefined) throw new Error(`npm pack printed no result: ${stdout.slice(0, 200)}`);
  return { ...result, stderr };
}

/** Runs a command, resolving to its exit code and output instead of throwing on a non-zero exit. */
export async function runCommand(file: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, timeout: 180_000, maxBuffer: 64 << 20 });
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const failed = e as { code?: unknown; stdout?: string; stderr?: string; message: string };
    const code = typeof failed.code === 'number' ? failed.code : -1;
    return { code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` || failed.message };
  }
}
