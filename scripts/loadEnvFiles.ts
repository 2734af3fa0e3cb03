import { existsSync, readFileSync } from 'node:fs';

/** KEY=VALUE lines; `#` comments; the real environment always wins over the files. */
export function loadEnvFiles(files: string[], env: NodeJS.ProcessEnv = process.env): void {
  const fromFiles: Record<string, string> = {};
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
      const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (!m) continue;
      fromFiles[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
    }
  }
  for (const [k, v] of Object.entries(fromFiles)) if (env[k] === undefined) env[k] = v;
}
