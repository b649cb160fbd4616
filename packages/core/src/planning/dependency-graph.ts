import { DependencyCycleError } from "../common/errors";

export interface DependencyNode {
  id: string;
  dependsOn?: readonly string[];
}

/**
 * Known dependencies per node, in input order. Unknown IDs are left out (the plan validator
 * reports them); for a repeated node ID the first occurrence counts.
 */
function adjacency(nodes: readonly DependencyNode[]): Map<string, string[]> {
  const ids = new Set(nodes.map((node) => node.id));
  const edges = new Map<string, string[]>();
  for (const node of nodes) {
    if (edges.has(node.id)) continue;
    edges.set(
      node.id,
      (node.dependsOn ?? []).filter((dep) => ids.has(dep)),
    );
  }
  return edges;
}

/**
 * The first dependency cycle met by a depth-first walk in input order, as a path with its first
 * node repeated at the end (`["db", "app", "db"]`; a self-dependency gives `["a", "a"]`), or
 * undefined when the graph is acyclic. Iterative so that long dependency chains cannot overflow
 * the stack.
 */
export function findDependencyCycle(nodes: readonly DependencyNode[]): string[] | undefined {
  const edges = adjacency(nodes);
  const done = new Set<string>();
  for (const root of edges.keys()) {
    if (done.has(root)) continue;
    const path: string[] = [root];
    const onPath = new Map<string, number>([[root, 0]]);
    const nextEdge: number[] = [0];
    while (path.length > 0) {
      const depth = path.length - 1;
      const node = path[depth] as string;
      const deps = edges.get(node) ?? [];
      const edgeIndex = nextEdge[depth] as number;
      if (edgeIndex >= deps.length) {
        done.add(node);
        onPath.delete(node);
        path.pop();
        nextEdge.pop();
        continue;
      }
      nextEdge[depth] = edgeIndex + 1;
      const dep = deps[edgeIndex] as string;
      const loopStart = onPath.get(dep);
      if (loopStart !== undefined) return [...path.slice(loopStart), dep];
      if (done.has(dep)) continue;
      onPath.set(dep, path.length);
      path.push(dep);
      nextEdge.push(0);
    }
  }
  return undefined;
}

/**
 * Groups nodes into levels: a node with no known dependencies is on level 0, any other node one
 * level after its deepest dependency. Within a level nodes keep input order.
 * @throws DependencyCycleError when the nodes depend on each other in a loop
 */
export function topologicalLevels(nodes: readonly DependencyNode[]): string[][] {
  const cycle = findDependencyCycle(nodes);
  if (cycle) throw new DependencyCycleError(cycle);
  const edges = adjacency(nodes);
  // Kahn's algorithm: a node is placed once all its dependencies are, one level after the deepest.
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const [id, deps] of edges) {
    waiting.set(id, deps.length);
    for (const dep of deps) {
      const list = dependents.get(dep);
      if (list) list.push(id);
      else dependents.set(dep, [id]);
    }
  }
  const level = new Map<string, number>();
  const ready = [...edges.keys()].filter((id) => waiting.get(id) === 0);
  for (const id of ready) level.set(id, 0);
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i] as string;
    const next = (level.get(id) as number) + 1;
    for (const dependent of dependents.get(id) ?? []) {
      level.set(dependent, Math.max(level.get(dependent) ?? 0, next));
      const left = (waiting.get(dependent) as number) - 1;
      waiting.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  const levels: string[][] = [];
  for (const id of edges.keys()) {
    const index = level.get(id) as number;
    while (levels.length <= index) levels.push([]);
    levels[index]?.push(id);
  }
  return levels;
}
