import { readDeployFile } from './deploy-files.js';

/** One `Key=value` line of a systemd unit, in order. */
export interface UnitEntry {
  section: string;
  key: string;
  value: string;
  line: number;
}

/**
 * The entries of a systemd unit file: `[Section]` headers, `Key=value`
 * lines, `#`/`;` comments and blank lines; a trailing backslash continues a
 * line.
 * @throws {Error} naming the line that is none of these.
 */
export function parseUnitFile(text: string): UnitEntry[] {
  const entries: UnitEntry[] = [];
  let section: string | undefined;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    let line = lines[index].trim();
    while (line.endsWith('\\') && index + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++index].trim()}`;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header !== null) {
      section = header[1];
      continue;
    }
    const assignment = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (assignment === null) throw new Error(`line ${lineNumber} is not a section, a Key=value line or a comment: ${line}`);
    if (section === undefined) throw new Error(`line ${lineNumber} comes before any [Section]`);
    entries.push({ section, key: assignment[1], value: assignment[2].trim(), line: lineNumber });
  }
  return entries;
}

/** deploy/systemd/otel-dp.service, parsed. */
export function loadUnit(): UnitEntry[] {
  return parseUnitFile(readDeployFile('systemd/otel-dp.service'));
}

/** The values of one key in one section, in order. */
export function unitValues(entries: readonly UnitEntry[], section: string, key: string): string[] {
  return entries.filter((entry) => entry.section === section && entry.key === key).map((entry) => entry.value);
}

/** The variables of `Environment=` lines (`NAME=value`, several per line allowed, unquoted). */
export function unitEnvironment(entries: readonly UnitEntry[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of unitValues(entries, 'Service', 'Environment')) {
    for (const assignment of value.split(/\s+/)) {
      const equals = assignment.indexOf('=');
      if (equals > 0) env[assignment.slice(0, equals)] = assignment.slice(equals + 1);
    }
  }
  return env;
}
