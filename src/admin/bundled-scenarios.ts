/**
 * The bundled scenarios, listed for GET /__admin/scenarios (and the dashboard's scenario picker) by the
 * name PUT /__admin/scenario takes. Only each file's head (name, description, extends) is read: the files
 * are validated when one is actually loaded, and a broken one must not hide the others from the list.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseYaml } from '../engine/yaml.js';

export interface BundledScenario {
  /** The file's base name: what `{"name": …}` in PUT /__admin/scenario resolves. */
  name: string;
  /** The name the file gives itself, when it differs from `name`. */
  title?: string;
  description?: string;
  extends?: string;
  file: string;
}

export async function listBundledScenarios(dir: string): Promise<BundledScenario[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const files = entries.filter((f) => /\.ya?ml$/i.test(f)).sort();
  return Promise.all(
    files.map(async (f) => {
      const file = path.join(dir, f);
      const name = f.replace(/\.ya?ml$/i, '');
      let head: Record<string, unknown> = {};
      try {
        const doc = parseYaml(await readFile(file, 'utf8'));
        if (doc && typeof doc === 'object' && !Array.isArray(doc)) head = doc as Record<string, unknown>;
      } catch {
        // Listed anyway: switching to it reports what is wrong, with the line.
      }
      const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
      const title = text(head.name);
      return {
        name,
        ...(title && title !== name ? { title } : {}),
        ...(text(head.description) ? { description: text(head.description) } : {}),
        ...(text(head.extends) ? { extends: text(head.extends) } : {}),
        file,
      };
    }),
  );
}
