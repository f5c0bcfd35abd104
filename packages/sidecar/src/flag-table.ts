import { envVarName, type FlagDefinition } from './options.js';

/**
 * The flags as a Markdown table (group, flag, environment variables,
 * default, description), for the README. The README's copy is checked
 * against this output by a test.
 */
export function renderFlagTable(definitions: readonly FlagDefinition[]): string {
  const rows = definitions.map((flag) => [
    flag.group,
    `\`--${flag.name} ${flag.value}\`${flag.repeatable === true ? ' (repeatable)' : ''}`,
    [envVarName(flag.name), ...(flag.standardEnv ?? [])].map((name) => `\`${name}\``).join(', '),
    flag.defaultNote ?? (flag.default === undefined ? '—' : `\`${flag.default}\``),
    flag.description,
  ]);
  const lines = [
    '| Group | Flag | Environment | Default | Description |',
    '|---|---|---|---|---|',
    ...rows.map((cells) => `| ${cells.map(escapeCell).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

// A pipe would end the cell, even inside backticks.
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
