/**
 * The database side of the core ports, built once by the composition root:
 *
 *   registerModels(conn); await ensureIndexes(conn);
 *   const repos = createRepositories(conn, { cipher: new TokenCipher({ current: config.TOKEN_ENCRYPTION_KEY }) });
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { TokenCipher } from '../core/crypto.ts';
import type { Repositories } from '../core/ports.ts';
import { MongoAuditRepository, MongoLinkCodeRepository } from './audit.repository.ts';
import { MongoConstraintRepository } from './constraint.repository.ts';
import { MongoDailyMetricsRepository } from './daily-metrics.repository.ts';
import { MongoFeedbackRepository } from './feedback.repository.ts';
import { MongoInvitationRepository } from './invitation.repository.ts';
import { registerModels } from './models.ts';
import { LeaseMutex, type LeaseMutexOptions } from './mutex.ts';
import { MongoPersonalDataStore } from './personal-data.ts';
import { MongoAthleteRepository, MongoIdentityRepository, MongoPersonRepository } from './person.repository.ts';
import { MongoPolicyModelRepository } from './policy-model.repository.ts';
import { MongoPrescriptionRepository } from './prescription.repository.ts';
import { MongoConnectionStore, MongoProviderConnectionRepository } from './provider-connection.repository.ts';
import { MongoMembershipRepository, MongoTeamRepository } from './team.repository.ts';
import { MongoTwinParamsRepository } from './twin-params.repository.ts';

export { registerModels } from './models.ts';
export { LeaseMutex } from './mutex.ts';
export { MongoConnectionStore } from './provider-connection.repository.ts';

export interface RepositoryOptions {
  cipher: TokenCipher;
  newId?: () => string;
  mutex?: LeaseMutexOptions;
  /** Wall clock for record timestamps written by repositories themselves (connections). */
  now?: () => Date;
  /**
   * Run after every personal-data erasure, to push it to disk: the embedded database's WAL checkpoint
   * (EmbeddedDatabase.checkpoint). Unset on a real MongoDB (its storage engine is the operator's concern).
   */
  afterErase?: () => Promise<unknown>;
}

export function createRepositories(conn: Connection, options: RepositoryOptions): Repositories & { connectionStore: MongoConnectionStore } {
  registerModels(conn);
  const mutex = new LeaseMutex(conn, options.mutex);
  const newId = options.newId ?? randomUUID;
  const now = options.now ?? (() => new Date());
  return {
    persons: new MongoPersonRepository(conn),
    identities: new MongoIdentityRepository(conn),
    athletes: new MongoAthleteRepository(conn),
    teams: new MongoTeamRepository(conn),
    memberships: new MongoMembershipRepository(conn),
    connections: new MongoProviderConnectionRepository(conn, options.cipher, mutex, now),
    connectionStore: new MongoConnectionStore(conn, options.cipher, mutex, now),
    dailyMetrics: new MongoDailyMetricsRepository(conn),
    feedback: new MongoFeedbackRepository(conn),
    prescriptions: new MongoPrescriptionRepository(conn),
    constraints: new MongoConstraintRepository(conn),
    twinParams: new MongoTwinParamsRepository(conn),
    policyModels: new MongoPolicyModelRepository(conn, newId),
    audit: new MongoAuditRepository(conn),
    linkCodes: new MongoLinkCodeRepository(conn),
    invitations: new MongoInvitationRepository(conn),
    personalData: new MongoPersonalDataStore(conn, mutex, options.afterErase),
    mutex,
  };
}
