/**
 * The athlete's rights over their data: a full export (every collection, secrets masked) and a hard
 * delete across every collection. The store behind PersonalDataStore must cover every registered model —
 * src/db refuses to export or erase while a model has no personal-data policy, so a new model can't be
 * forgotten. What remains after a delete is one audit tombstone with counts and no personal data — and
 * the records other people made about the person (a coach's overrides, constraints, invitations, their
 * audit entries), kept for accountability under a random pseudonym drawn once per erasure, with quotes of
 * the person's name and chat ids redacted (src/db/personal-data.ts). The person's own audit entries (what
 * they or the system did about them) are deleted with the rest. After the delete, `onErased` (when the
 * store offers it) pushes the deletion to disk: the embedded database checkpoints and truncates its WAL.
 */
import { revokeAllAtVendors } from './connections.use-case.ts';
import { audit } from './context.ts';
import { fail } from './error-codes.ts';
import type { CoreDeps, RevocationOutcome } from './ports.ts';
import type { Actor } from './types.ts';

export interface DataExport {
  format: 'twincoach-export@1';
  exportedAt: string;
  personId: string;
  /** Collection name → the documents about the person. Tokens are masked. */
  collections: Record<string, unknown[]>;
}

export async function exportMyData(deps: CoreDeps, actor: Actor): Promise<DataExport> {
  if (!(await deps.persons.get(actor.personId))) throw fail('PERSON.NOT_FOUND', 'I have no data about you.');
  const collections = await deps.personalData.export(actor.personId);
  return { format: 'twincoach-export@1', exportedAt: deps.clock.now().toISOString(), personId: actor.personId, collections };
}

/**
 * Delete everything about the actor. `confirm` must be the literal true (the chat layer asks first).
 * Returns how many documents went per collection.
 */
export async function deleteMyData(
  deps: CoreDeps,
  actor: Actor,
  options: { confirm: boolean },
): Promise<{ erased: Record<string, number>; revocations: { provider: string; outcome: RevocationOutcome }[] }> {
  if (options?.confirm !== true)
    throw fail('DELETE.CONFIRMATION_REQUIRED', 'This deletes all your data for good. Confirm to go ahead.');
  if (!(await deps.persons.get(actor.personId))) throw fail('PERSON.NOT_FOUND', 'I have no data about you.');
  // Grants end at the vendors first (best effort, never blocking the erasure: connections.use-case.ts).
  const revocations = await revokeAllAtVendors(deps, actor.personId);
  const erased = await deps.personalData.erase(actor.personId);
  // The tombstone says that an erasure happened and how much went — not who.
  await audit(deps, { system: 'privacy' }, 'person.erased', { kind: 'person' }, { after: { erased } });
  return { erased, revocations };
}
