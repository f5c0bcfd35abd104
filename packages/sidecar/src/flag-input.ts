import { parseDuration } from './duration.js';
import { parseChoiceValue, parseNumberValue, parseWholeValue } from './flag-values.js';
import { ALL_FLAG_NAMES, ENV_PREFIX, envVarName, type FlagDefinition } from './options.js';
import type { ConfigFileValues } from './config-file.js';
import { isServiceLinkVariable } from './service-link-variables.js';
import { UsageError } from './usage-error.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** Where a flag's value came from, so an error can point at the right place. */
interface FlagSetting {
  readonly texts: readonly string[];
  /** `--epsilon`, `OTEL_DP_EPSILON`, or a standard variable's name. */
  readonly label: string;
  readonly fromDefault: boolean;
}

/**
 * The flags of one command after merging, by precedence: the command line,
 * then the flag's OTEL_DP_* variable, then (for a few exporter flags)
 * OpenTelemetry's standard variables, then the default of the definition.
 * Readers parse on demand and name the flag or variable in every error.
 */
export class FlagReader {
  private readonly settings = new Map<string, FlagSetting>();

  /**
   * @param parsed values from the command-line parser, by flag name: a string,
   *   or an array when the flag was repeated.
   * @throws {UsageError} for a non-repeatable flag given more than once, or an
   *   OTEL_DP_* variable that names no flag and is not one Kubernetes writes
   *   for a Service (see service-link-variables.ts).
   */
  constructor(definitions: readonly FlagDefinition[], parsed: Readonly<Record<string, unknown>>, env: Environment, file?: ConfigFileValues) {
    rejectUnknownVariables(env);
    for (const definition of definitions) {
      const setting = settingOf(definition, parsed[definition.name], env, file);
      if (setting !== undefined) this.settings.set(definition.name, setting);
    }
  }

  /** Whether the flag has a value: given, from the environment, or a default. */
  has(name: string): boolean {
    return this.settings.has(name);
  }

  /** Whether the value was given by the user rather than a default. */
  isExplicit(name: string): boolean {
    const setting = this.settings.get(name);
    return setting !== undefined && !setting.fromDefault;
  }

  /**
   * Each setting in effect with where it came from: `flag`, a variable's
   * name, `<file>` for --config, or `default`. For `--print-config`.
   */
  sources(): { name: string; texts: readonly string[]; source: string }[] {
    return [...this.settings].map(([name, setting]) => ({
      name,
      texts: setting.texts,
      source: setting.fromDefault ? 'default' : setting.label === `--${name}` ? 'flag' : setting.label.startsWith(`${name} in `) ? setting.label.slice(name.length + 4) : setting.label,
    }));
  }

  /** What to call the flag in a message: `--name`, or the variable it came from. */
  label(name: string): string {
    return this.settings.get(name)?.label ?? `--${name}`;
  }

  text(name: string): string | undefined {
    const texts = this.settings.get(name)?.texts;
    return texts === undefined ? undefined : texts[texts.length - 1];
  }

  /** Every value of a repeatable flag, in order; empty when unset. */
  list(name: string): readonly string[] {
    return this.settings.get(name)?.texts ?? [];
  }

  number(name: string): number | undefined {
    return this.parse(name, (text, label) => parseNumberValue(text, label));
  }

  whole(name: string, min: number): number | undefined {
    return this.parse(name, (text, label) => parseWholeValue(text, label, min));
  }

  durationMillis(name: string): number | undefined {
    return this.parse(name, (text, label) => parseDuration(text, label));
  }

  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    return this.parse(name, (text, label) => parseChoiceValue(text, label, choices));
  }

  /** Parses the value with `parse(text, label)`; errors thrown by it become {@link UsageError}s. */
  parse<T>(name: string, parse: (text: string, label: string) => T): T | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    const label = this.label(name);
    try {
      return parse(text, label);
    } catch (error) {
      throw asUsageError(error, label);
    }
  }
}

/**
 * The value of a flag whose definition has a default, so it is always set;
 * the error marks a definition that lost its default, a programming mistake.
 */
export function defaulted<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`--${name} has no default in its definition`);
  return value;
}

/** Wraps a component's validation error, making sure the message names `label`. */
export function asUsageError(error: unknown, label: string): UsageError {
  if (error instanceof UsageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UsageError(message.includes(label) ? message : `${label}: ${message}`, { cause: error });
}

function settingOf(definition: FlagDefinition, parsed: unknown, env: Environment, file: ConfigFileValues | undefined): FlagSetting | undefined {
  const flag = `--${definition.name}`;
  if (parsed !== undefined) {
    const texts = (Array.isArray(parsed) ? parsed : [parsed]).map(String);
    if (texts.length > 1 && definition.repeatable !== true) {
      throw new UsageError(`${flag} is given ${texts.length} times, give it once`);
    }
    return { texts, label: flag, fromDefault: false };
  }
  for (const variable of [envVarName(definition.name), ...(definition.standardEnv ?? [])]) {
    const value = env[variable];
    // An empty variable counts as unset, as in the OpenTelemetry specification.
    if (value !== undefined && value.trim() !== '') {
      return { texts: splitList(definition, value), label: variable, fromDefault: false };
    }
  }
  const fromFile = file?.values.get(definition.name);
  if (fromFile !== undefined) return { texts: fromFile, label: `${definition.name} in ${file!.path}`, fromDefault: false };
  if (definition.default !== undefined) {
    return { texts: splitList(definition, definition.default), label: flag, fromDefault: true };
  }
  return undefined;
}

// A repeatable flag set from one variable (or one default text) lists its values, comma-separated by default.
function splitList(definition: FlagDefinition, text: string): string[] {
  if (definition.repeatable !== true) return [text];
  return text
    .split(definition.envSeparator ?? ',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

// Variables Kubernetes adds for a Service named otel-dp are not misspelt flags:
// refusing them would stop every pod in that namespace from starting.
function rejectUnknownVariables(env: Environment): void {
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith(ENV_PREFIX) || value === undefined) continue;
    const known = [...ALL_FLAG_NAMES].some((name) => envVarName(name) === variable);
    if (!known && !isServiceLinkVariable(variable, value)) {
      throw new UsageError(`${variable} is set but names no flag; flags map to variables as --max-series-per-token to OTEL_DP_MAX_SERIES_PER_TOKEN`);
    }
  }
}
