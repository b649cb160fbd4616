/** A state machine definition the local runtime cannot run; the API answers InvalidDefinition. */
export class DefinitionError extends Error {
  override readonly name = "DefinitionError";
}
