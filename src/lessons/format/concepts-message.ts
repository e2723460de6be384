/** The message for a concept ID the curriculum does not have. */
export function unknownConcept(id: string): string {
  return `unknown concept ID "${id}": use an ID listed in shared/CURRICULUM.md (like ns.pid or cg.memory)`;
}
