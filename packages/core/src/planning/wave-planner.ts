import type { Plan } from "../plan/plan-schema";
import { topologicalLevels } from "./dependency-graph";

export interface Wave {
  /** 1-based, as people count waves. */
  index: number;
  groupIds: string[];
}

/**
 * The plan's explicit `waves` when given; otherwise each group goes in the earliest wave after all
 * of its dependencies, so independent groups share a wave. Within a wave groups keep plan order.
 * @throws DependencyCycleError when groups depend on each other in a loop
 */
export function planWaves(plan: Plan): Wave[] {
  const levels = plan.waves ?? topologicalLevels(plan.groups);
  return levels.map((groupIds, i) => ({ index: i + 1, groupIds: [...groupIds] }));
}
