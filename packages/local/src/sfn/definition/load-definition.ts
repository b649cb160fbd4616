import { libraryValidationProblems } from "../library/asl-library";
import { DefinitionError } from "./definition-error";
import { type PreparedDefinition, prepareDefinition } from "./prepare-definition";

/**
 * Parses, validates and prepares a definition as CreateStateMachine receives it. `sdkProblem` says why
 * an `aws-sdk:<service>:<action>` task cannot run, checked up front as AWS does.
 */
export async function loadDefinition(
  text: string,
  sdkProblem: (service: string, action: string) => Promise<string | undefined>,
): Promise<PreparedDefinition> {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    throw new DefinitionError(
      `the definition is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (definition === null || typeof definition !== "object" || Array.isArray(definition)) {
    throw new DefinitionError("the definition must be a JSON object with StartAt and States");
  }
  const problems = libraryValidationProblems(definition as Record<string, unknown>);
  if (problems) throw new DefinitionError(problems);
  const prepared = prepareDefinition(definition as Record<string, unknown>);
  for (const state of prepared.states.values()) {
    const resource = state.task?.resource;
    if (resource?.kind !== "aws-sdk") continue;
    const problem = await sdkProblem(resource.service, resource.action);
    if (problem) throw new DefinitionError(`state "${state.name}": ${problem}`);
  }
  return prepared;
}
