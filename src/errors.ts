// Every error AdapterKit throws on purpose. Messages follow "<component>: expected <what>, got <actual>"
// with an optional "; hint: <fix>", so a user can act on the line alone.

export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor shape does not fit the op (names the op and every shape involved). */
export class ShapeError extends EngineError {}
/** A value has the wrong element type (Int32 ids where floats were expected, ...). */
export class DTypeError extends EngineError {}
/** A file or serialised structure is malformed (names the file and the offset or key). */
export class FormatError extends EngineError {}
/** A configuration value is missing, unknown or out of range. */
export class ConfigError extends EngineError {}
/** A compute backend cannot be loaded or cannot run the request. */
export class BackendError extends EngineError {}
/** An internal invariant broke: a bug in AdapterKit, never the user's input. */
export class InternalError extends EngineError {}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InternalError(message);
}
