/**
 * An error with a stable `code` to match on (as undici's `UND_ERR_*`) and a
 * `name` that is its class's. The error classes of every package extend it,
 * each with its own union of codes.
 */
export class CodedError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}
