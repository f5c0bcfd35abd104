import { DockerfileParser, type Instruction, type ModifiableInstruction } from 'dockerfile-ast';
import { readDeployFile } from './deploy-files.js';

/** One instruction of a Dockerfile, with its flags and arguments as written. */
export interface DockerInstruction {
  keyword: string;
  /** `--from=build` is `{ from: 'build' }`; a flag without a value maps to ''. */
  flags: Record<string, string>;
  args: string[];
  /** The text after the keyword and its flags, for JSON (exec) forms. */
  content: string;
  line: number;
}

/** A build stage: its FROM and the instructions up to the next FROM. */
export interface DockerStage {
  image: string;
  name: string | undefined;
  instructions: DockerInstruction[];
}

function flagsOf(instruction: Instruction): Record<string, string> {
  const getFlags = (instruction as Partial<ModifiableInstruction>).getFlags;
  if (getFlags === undefined) return {};
  return Object.fromEntries(getFlags.call(instruction).map((flag) => [flag.getName(), flag.getValue() ?? '']));
}

/** The stages of deploy/Dockerfile, in order. */
export function loadDockerfileStages(): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of DockerfileParser.parse(readDeployFile('Dockerfile')).getInstructions()) {
    const parsed: DockerInstruction = {
      keyword: instruction.getKeyword(),
      flags: flagsOf(instruction),
      args: instruction.getArguments().map((argument) => argument.getValue()),
      content: instruction.getArgumentsContent() ?? '',
      line: instruction.getRange().start.line + 1,
    };
    if (parsed.keyword === 'FROM') {
      const as = parsed.args.findIndex((arg) => arg.toUpperCase() === 'AS');
      stages.push({ image: parsed.args[0], name: as < 0 ? undefined : parsed.args[as + 1], instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(parsed);
    }
  }
  return stages;
}

/** The instructions of a stage with that keyword. */
export function instructionsOf(stage: DockerStage, keyword: string): DockerInstruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/** An exec-form argument list (`["node", "x.js"]`). */
export function execForm(text: string): string[] {
  const parsed = JSON.parse(text.trim()) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw new Error(`${text} is not an exec form`);
  return parsed;
}

/** The command of the final stage's HEALTHCHECK (exec form). */
export function healthcheckCommand(stages: readonly DockerStage[]): string[] {
  const [healthcheck] = instructionsOf(stages[stages.length - 1], 'HEALTHCHECK');
  if (healthcheck === undefined) throw new Error('the final stage has no HEALTHCHECK');
  const match = /^CMD\s+(.*)$/s.exec(healthcheck.content.trim());
  if (match === null) throw new Error(`HEALTHCHECK on line ${healthcheck.line} has no CMD`);
  return execForm(match[1]);
}
