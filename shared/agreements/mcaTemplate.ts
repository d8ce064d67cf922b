import { type CallContext, type McaPort } from '../gateways/partnerCenter/ports';
import { type AgreementMetadata } from '../gateways/partnerCenter/schemas';

/**
 * The port with Partner Center's MCA metadata read once and kept: the template changes rarely, so one metadata read
 * per process (the composition root wraps its gateway), not one per attestation. A failed read is not kept.
 */
export function withMcaMetadataOnce<P extends Pick<McaPort, 'getMcaMetadata'>>(port: P): P {
  let metadata: Promise<AgreementMetadata> | undefined;
  return {
    ...port,
    getMcaMetadata(context: CallContext): Promise<AgreementMetadata> {
      metadata ??= port.getMcaMetadata(context).catch((error: unknown) => {
        metadata = undefined;
        throw error;
      });
      return metadata;
    },
  };
}

/** The current MCA template id from Partner Center's agreement metadata. */
export async function currentMcaTemplateId(
  partnerCenter: Pick<McaPort, 'getMcaMetadata'>,
  context: CallContext,
): Promise<string> {
  return (await partnerCenter.getMcaMetadata(context)).templateId;
}
