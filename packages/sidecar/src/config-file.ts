import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { FlagDefinition } from './options.js';
import { UsageError } from './usage-error.js';

/** Settings read from `--config FILE`: flag name → its values as text, and where they came from. */
export interface ConfigFileValues {
  path: string;
  values: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads a YAML mapping whose keys are flag names (without dashes) and whose
 * values are scalars, or lists for repeatable flags. Values are kept as text
 * and parsed later by the same readers as flags, so an error names the key.
 * @throws {UsageError} for an unreadable file, bad YAML, an unknown key or a
 *   value that is neither a scalar nor a list of scalars.
 */
export function readConfigFile(path: string, definitions: readonly FlagDefinition[]): ConfigFileValues {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--config ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new UsageError(`--config ${path} is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (document === null || document === undefined) return { path, values: new Map() };
  if (typeof document !== 'object' || Array.isArray(document)) throw new UsageError(`--config ${path} must be a mapping of flag names to values`);
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const values = new Map<string, string[]>();
  for (const [key, value] of Object.entries(document as Record<string, unknown>)) {
    const definition = byName.get(key);
    if (definition === undefined || key === 'config') throw new UsageError(`--config ${path}: key ${JSON.stringify(key)} is no flag of otel-dp run`);
    const list = Array.isArray(value) ? value : [value];
    if (list.length > 1 && definition.repeatable !== true) throw new UsageError(`--config ${path}: ${key} takes one value, not a list`);
    values.set(
      key,
      list.map((item) => {
        if (item === null || typeof item === 'object') throw new UsageError(`--config ${path}: ${key} must be a text, a number or a list of them`);
        return String(item);
      }),
    );
  }
  return { path, values };
}
