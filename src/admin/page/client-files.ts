import { readdirSync, readFileSync } from 'node:fs';

/**
 * The page's client modules (src/admin/page/client/*.js: `// @ts-check` JavaScript, type-checked by
 * its own tsconfig and linted like the rest), read once at start and served at /page/<name>.js.
 */
const CLIENT_DIR = new URL('./client/', import.meta.url);

function readClientFiles(): ReadonlyMap<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(CLIENT_DIR).sort()) {
    if (name.endsWith('.js')) files.set(name, readFileSync(new URL(name, CLIENT_DIR), 'utf8'));
  }
  return files;
}

export const CLIENT_FILES: ReadonlyMap<string, string> = readClientFiles();

/** The module the page loads; it imports the others. */
export const CLIENT_ENTRY = 'main.js';
