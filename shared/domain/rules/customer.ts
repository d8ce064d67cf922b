import { type CustomerRequest } from '../api/customer';
import { type CustomerDocument } from '../documents/documents';

interface Stamp {
  now: Date;
  correlationId: string;
}

/** A newly registered customer: no MCA, no plan, nothing running. */
export function newCustomerDocument(
  customerId: string,
  request: CustomerRequest,
  { now, correlationId }: Stamp,
): CustomerDocument {
  return {
    id: customerId,
    customerId,
    docType: 'customer',
    ...registeredFields(request),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    mca: { accepted: false },
    azurePlan: null,
    legacySubscriptionIds: [],
    workInProgress: null,
    correlationId,
  };
}

/** An update changes what the partner registers and keeps what the service derived (MCA, plan, work in progress). */
export function updatedCustomerDocument(
  existing: CustomerDocument,
  request: CustomerRequest,
  { now, correlationId }: Stamp,
): CustomerDocument {
  const { tenantId: _previousTenant, ...kept } = existing;
  return { ...kept, ...registeredFields(request), updatedAt: now.toISOString(), correlationId };
}

function registeredFields(request: CustomerRequest) {
  return {
    companyName: request.companyName,
    country: request.country,
    segment: request.segment,
    relationship: request.relationship,
    primaryContact: request.primaryContact,
    ...(request.tenantId ? { tenantId: request.tenantId } : {}),
  };
}
