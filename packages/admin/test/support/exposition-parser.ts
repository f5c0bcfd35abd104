/** One sample line of the text exposition format. */
export interface ParsedSample {
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  help: string;
  type: string;
  samples: ParsedSample[];
}

/**
 * Parses the Prometheus text exposition format 0.0.4 strictly, as far as
 * /metrics uses it: HELP and TYPE before a family's samples, the samples of a
 * family together, label values with `\\`, `\"` and `\n` escapes. Throws on
 * anything else, naming the line.
 */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the text does not end with a line feed');
  const families = new Map<string, ParsedFamily>();
  let current: string | undefined;
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  lines.forEach((line, index) => {
    const where = `line ${index + 1} (${JSON.stringify(line)})`;
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (help !== null) {
      const name = help[1] as string;
      if (families.has(name)) throw new Error(`${where}: a second HELP for ${name}`);
      families.set(name, { help: unescape(help[2] as string, false), type: '', samples: [] });
      current = name;
      return;
    }
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type !== null) {
      const family = families.get(type[1] as string);
      if (family === undefined || current !== type[1] || family.type !== '' || family.samples.length > 0) throw new Error(`${where}: TYPE out of place`);
      family.type = type[2] as string;
      return;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (sample === null) throw new Error(`${where}: not a HELP, TYPE or sample line`);
    const name = sample[1] as string;
    if (name !== current) throw new Error(`${where}: sample of ${name} outside its family`);
    const family = families.get(name) as ParsedFamily;
    if (family.type === '') throw new Error(`${where}: sample before TYPE`);
    const value = Number(sample[3]);
    if (Number.isNaN(value)) throw new Error(`${where}: value is not a number`);
    family.samples.push({ labels: parseLabels(sample[2] ?? '', where), value });
  });
  return families;
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (text === '') return labels;
  let rest = text.slice(1, -1);
  while (rest !== '') {
    const name = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(rest);
    if (name === null) throw new Error(`${where}: bad label name`);
    let i = name[0].length;
    let raw = '';
    for (; i < rest.length && rest[i] !== '"'; i++) {
      if (rest[i] === '\\') {
        raw += rest.slice(i, i + 2);
        i++;
      } else {
        raw += rest[i];
      }
    }
    if (i >= rest.length) throw new Error(`${where}: unterminated label value`);
    labels[name[1] as string] = unescape(raw, true);
    rest = rest.slice(i + 1);
    if (rest.startsWith(',')) rest = rest.slice(1);
    else if (rest !== '') throw new Error(`${where}: expected , between labels`);
  }
  return labels;
}

function unescape(text: string, quotes: boolean): string {
  return text.replace(/\\(.)/g, (whole, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quotes) return '"';
    throw new Error(`unknown escape ${whole}`);
  });
}
