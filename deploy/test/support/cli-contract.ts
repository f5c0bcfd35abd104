import { RUN_FLAGS, envVarName, type FlagDefinition } from '@otel-dp/sidecar';
import { splitHostPort } from './deploy-files.js';

/**
 * Flags of `otel-dp run` that these deployment files set and the CLI
 * documents (state and budget cap, admin endpoint), accepted here while
 * RUN_FLAGS does not define them yet. Every other OTEL_DP_* name must be one
 * of RUN_FLAGS, and is then parsed by the CLI itself.
 */
export const FLAGS_AWAITED_FROM_CLI: readonly string[] = ['state-dir', 'max-epsilon-horizon', 'budget-horizon', 'admin-listen'];

/** What `--admin-listen` serves: liveness and readiness. */
export const ADMIN_PATHS = { health: '/healthz', ready: '/readyz' } as const;

/** The admin endpoint's default address. */
export const DEFAULT_ADMIN_LISTEN = '127.0.0.1:13133';

/** The flag of `otel-dp run` with that name, if the CLI defines it. */
export function runFlag(name: string): FlagDefinition | undefined {
  return RUN_FLAGS.find((flag) => flag.name === name);
}

/** Which flag an OTEL_DP_* variable sets: defined by the CLI, awaited from it, or neither. */
export function flagOfVariable(variable: string): { flag: string; defined: boolean } | undefined {
  const defined = RUN_FLAGS.find((flag) => envVarName(flag.name) === variable);
  if (defined !== undefined) return { flag: defined.name, defined: true };
  const awaited = FLAGS_AWAITED_FROM_CLI.find((name) => envVarName(name) === variable);
  return awaited === undefined ? undefined : { flag: awaited, defined: false };
}

/**
 * Where a listener of otel-dp ends up for an environment: the variable, else
 * the CLI's default. `off` when disabled.
 */
export function listenerOf(env: Readonly<Record<string, string>>, flag: 'http-listen' | 'grpc-listen'): { host: string; port: number } | 'off' {
  const text = env[envVarName(flag)] ?? runFlag(flag)?.default;
  if (text === undefined) throw new Error(`--${flag} has neither a value nor a default`);
  return text.trim() === 'off' ? 'off' : splitHostPort(text.trim());
}

/**
 * A container's environment without the variables of awaited flags (which
 * the CLI would refuse today), and the awaited flags that were set.
 */
export function withoutAwaitedFlags(env: Readonly<Record<string, string>>): { cliEnv: Record<string, string>; awaited: string[] } {
  const cliEnv: Record<string, string> = {};
  const awaited: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const flag = flagOfVariable(name);
    if (flag?.defined === false) awaited.push(flag.flag);
    else cliEnv[name] = value;
  }
  return { cliEnv, awaited };
}
