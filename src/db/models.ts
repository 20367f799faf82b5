/** Register every model on a connection (before ensureIndexes). */
import type { Connection } from 'mongoose';
import { registerAthleteModel } from './athlete.model.ts';
import { registerAuditModel } from './audit-log.model.ts';
import { registerConstraintModel } from './constraint.model.ts';
import { registerDailyMetricsModel } from './daily-metrics.model.ts';
import { registerFeedbackModel } from './feedback.model.ts';
import { registerInvitationModel } from './invitation.model.ts';
import { registerLeaseModel } from './lease.repository.ts';
import { registerLinkCodeModel } from './link-code.model.ts';
import { registerPartitionWorkerModel } from './partition-ownership.ts';
import { registerIdentityModel, registerPersonModel } from './person.model.ts';
import { registerPolicyActivationModel, registerPolicyModelModel } from './policy-model.model.ts';
import { registerPrescriptionModel } from './prescription.model.ts';
import { registerProviderConnectionModel } from './provider-connection.model.ts';
import { registerRateSlotModel } from './rate-slots.ts';
import { registerChatBindingModel, registerMembershipModel, registerTeamModel } from './team.model.ts';
import { registerTwinParamsModel } from './twin-params.model.ts';

export const MODEL_REGISTRARS = [
  registerPersonModel,
  registerIdentityModel,
  registerAthleteModel,
  registerTeamModel,
  registerChatBindingModel,
  registerMembershipModel,
  registerProviderConnectionModel,
  registerDailyMetricsModel,
  registerFeedbackModel,
  registerPrescriptionModel,
  registerConstraintModel,
  registerTwinParamsModel,
  registerPolicyModelModel,
  registerPolicyActivationModel,
  registerAuditModel,
  registerLinkCodeModel,
  registerInvitationModel,
  registerLeaseModel,
  registerPartitionWorkerModel,
  registerRateSlotModel,
] as const;

export function registerModels(conn: Connection): void {
  for (const register of MODEL_REGISTRARS) register(conn);
}
