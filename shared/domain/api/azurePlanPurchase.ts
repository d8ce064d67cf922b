import { z } from 'zod';

import { contactSchema } from '../documents/documents';
import { dateAgreedSchema } from './agreement';

export const invitationDefaults = { reminderEveryHours: 24, expiresInDays: 30 } as const;

/** Hourly for the longest invitation (90 days); every reminder is a round of the workflow and a message. */
const maxReminders = 90 * 24;

const attestOptionSchema = z
  .strictObject({
    method: z.literal('attest'),
    primaryContact: contactSchema,
    dateAgreed: dateAgreedSchema,
  })
  .meta({
    id: 'McaAttestOption',
    description:
      "Confirm the customer's acceptance digitally as part of the purchase (Admin agents and Sales agents).",
  });

const inviteOptionSchema = z
  .strictObject({
    method: z.literal('invite'),
    email: z
      .email()
      .max(254)
      .optional()
      .meta({ description: "Where the invitation goes; the customer's primary contact when omitted." }),
    // Fractions are allowed down to one minute, so a sandbox or an end-to-end test can watch reminders and the
    // expiry happen in real time; Partner Center's own cadence is whole hours and days.
    reminderEveryHours: z
      .number()
      .min(1 / 60)
      .max(720)
      .optional()
      .meta({
        description: `Hours between reminders; ${invitationDefaults.reminderEveryHours} when omitted.`,
      }),
    expiresInDays: z
      .number()
      .min(1 / 1440)
      .max(90)
      .optional()
      .meta({
        description: `Days until the invitation and the purchase expire; ${invitationDefaults.expiresInDays} when omitted.`,
      }),
  })
  .refine(
    (invite) =>
      (invite.reminderEveryHours ?? invitationDefaults.reminderEveryHours) <
      (invite.expiresInDays ?? invitationDefaults.expiresInDays) * 24,
    { message: 'reminderEveryHours must be shorter than expiresInDays', path: ['reminderEveryHours'] },
  )
  .refine(
    (invite) =>
      ((invite.expiresInDays ?? invitationDefaults.expiresInDays) * 24) /
        (invite.reminderEveryHours ?? invitationDefaults.reminderEveryHours) <=
      maxReminders,
    { message: `at most ${maxReminders} reminders: remind less often`, path: ['reminderEveryHours'] },
  )
  .meta({
    id: 'McaInviteOption',
    description:
      'Invite the customer to accept the MCA; the purchase waits for the signature. Cross-field rules (defaults ' +
      `applied first): \`reminderEveryHours\` must be shorter than \`expiresInDays\` × 24, and the invitation may ` +
      `send at most ${maxReminders} reminders (\`expiresInDays\` × 24 ÷ \`reminderEveryHours\` ≤ ${maxReminders}); ` +
      'otherwise 400 `InvalidRequest` pointing at `reminderEveryHours`.',
  });

/** How a purchase gets the MCA accepted when the customer has not accepted it yet. */
export const mcaOptionSchema = z
  .discriminatedUnion('method', [attestOptionSchema, inviteOptionSchema])
  .meta({ id: 'McaOption' });
export type McaOption = z.output<typeof mcaOptionSchema>;
/** What callers may pass (dates not yet normalised). */
export type McaOptionInput = z.input<typeof mcaOptionSchema>;

/** The body of `POST /api/customers/{customerId}/azure-plan/purchases`. */
export const purchaseRequestSchema = z.strictObject({ mca: mcaOptionSchema.optional() }).meta({
  id: 'AzurePlanPurchaseRequest',
  description:
    '`{}` when the customer has already accepted the MCA; otherwise `mca` says how it gets accepted (without it: ' +
    '403 `McaNotAccepted`).',
});

export const purchaseStatusSchema = z
  .enum([
    'validating',
    'awaitingCustomerSignature',
    'placingOrder',
    'provisioning',
    'completed',
    'failed',
    'expired',
    'cancelled',
  ])
  .meta({ id: 'PurchaseStatus' });
export type PurchaseStatus = z.infer<typeof purchaseStatusSchema>;
