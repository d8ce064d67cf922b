import { type CallContext, type McaPort } from '../gateways/partnerCenter/ports';

// The MCA template changes rarely: one metadata read per process, not one per attestation.
let mcaTemplateId: Promise<string> | undefined;

/** The current MCA template id from Partner Center's agreement metadata; a failed read is not remembered. */
export function currentMcaTemplateId(
  partnerCenter: Pick<McaPort, 'getMcaMetadata'>,
  context: CallContext,
): Promise<string> {
  mcaTemplateId ??= partnerCenter.getMcaMetadata(context).then((metadata) => metadata.templateId);
  return mcaTemplateId.catch((error: unknown) => {
    mcaTemplateId = undefined;
    throw error;
  });
}
