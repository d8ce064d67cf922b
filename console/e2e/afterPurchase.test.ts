/**
 * After the purchase, in the console: "Subscriptions" with the "Usage-based" section where "Azure plan" expands to
 * its Azure subscriptions (with the portal link), "Add subscription" for Admin agents only, a reservation (scope
 * Shared only), Microsoft Azure (0145P) suspended and reactivated, "Transition to Azure plan" followed to the end,
 * and a batch submitted from a CSV file.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  callApi,
  checkScreen,
  type ConsoleStack,
  screenshotFailure,
  signedInPage,
  startConsoleStack,
} from './support';

let running: ConsoleStack;

beforeAll(async () => {
  running = await startConsoleStack();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') await screenshotFailure(context.task.name);
});

afterAll(async () => {
  await running?.stop();
});

/**
 * A customer as a partner registers it, under the partner's own slug: Partner Center creates it from its billing
 * address under an id of its own (which the service uses for every later call), and the MCA is confirmed.
 */
async function aCustomerWithMca(slug: string, country: string, companyName: string): Promise<string> {
  const contact = { firstName: 'Kim', lastName: 'Ode', email: `kim@${slug}.example` };
  const body = {
    companyName,
    country,
    primaryContact: contact,
    billingAddress: { addressLine1: '1 Main Street', city: 'Springfield', postalCode: '12345', country },
  };
  const created = await callApi(running, 'SalesAgent', 'PUT', `/api/customers/${slug}`, body);
  expect(created.status).toBe(201);
  expect(created.body.partnerCenterCustomerId).not.toBe(slug);
  const attested = await callApi(running, 'SalesAgent', 'POST', `/api/customers/${slug}/agreements`, {
    type: 'MicrosoftCustomerAgreement',
    primaryContact: contact,
    dateAgreed: '2026-01-05',
  });
  expect(attested.status).toBe(201);
  return slug;
}

describe('after the Azure plan is bought', () => {
  let planId = '';
  let adatum = '';

  beforeAll(async () => {
    adatum = await aCustomerWithMca('adatum', 'DE', 'A. Datum');
    const started = await callApi(
      running,
      'SalesAgent',
      'POST',
      `/api/customers/${adatum}/azure-plan/purchases`,
      {},
    );
    expect(started.status).toBe(202);
    // Wait for the purchase the way a person does: its page, until it says completed.
    const page = await signedInPage(running, 'SalesAgent', 'Setup');
    await page.goto(`/purchases/${String(started.body.purchaseId)}`);
    await page.locator('[data-status="completed"]').waitFor({ timeout: 60_000 });
    planId = (await page.getByTestId('subscription-id').textContent()) ?? '';
    await page.context().close();
  });

  it('Subscriptions: "Usage-based", the Azure plan expands to its Azure subscriptions; no "Add subscription" for a sales agent', async () => {
    const page = await signedInPage(running, 'SalesAgent', 'Alice');
    await page.goto(`/customers/${adatum}/subscriptions`);
    await page.getByRole('heading', { name: 'Usage-based' }).waitFor();
    await page.getByRole('button', { name: 'Show the Azure subscriptions: Azure plan' }).click();
    const table = page.getByRole('table', { name: 'Azure subscriptions under the Azure plan' });
    await table.waitFor();
    const portal = table.getByRole('link', { name: 'Microsoft Azure management portal' }).first();
    expect(await portal.getAttribute('href')).toMatch(
      /^https:\/\/portal\.azure\.com\/.*\/resource\/subscriptions\/.+/,
    );
    expect(await page.getByRole('button', { name: 'Add subscription' }).count()).toBe(0);
    expect(planId).not.toBe('');
    await checkScreen(page, 'subscriptions', "Basé sur l'utilisation");
    await page.context().close();
  });

  it('an Admin agent adds an Azure subscription under the plan (AOBO)', async () => {
    const page = await signedInPage(running, 'AdminAgent', 'Bob');
    await page.goto(`/customers/${adatum}/subscriptions`);
    await page.getByRole('button', { name: 'Show the Azure subscriptions: Azure plan' }).click();
    const form = page.getByRole('form', { name: 'Add subscription' });
    await form.getByLabel('Friendly name').fill('A. Datum test');
    await form.getByRole('button', { name: 'Add subscription' }).click();
    // 201: the new row; 202: Microsoft is still creating it, and the form follows the operation to the row.
    await page
      .getByRole('table', { name: 'Azure subscriptions under the Azure plan' })
      .getByRole('cell', { name: 'A. Datum test' })
      .waitFor({ timeout: 60_000 });
    await checkScreen(page, 'subscriptions-admin-agent', 'Ajouter un abonnement');
    // An Admin agent does not buy the Azure plan: the product is not offered to them.
    await page.goto(`/customers/${adatum}/add-products`);
    await page.getByRole('searchbox', { name: 'Search products' }).fill('Microsoft Azure');
    await page.getByRole('button', { name: 'Add to cart: Microsoft Azure (0145P)' }).waitFor();
    expect(await page.getByRole('button', { name: 'Add to cart: Azure plan' }).count()).toBe(0);
    await page.context().close();
  });

  it('buys a reservation under the plan, scope Shared only', async () => {
    const page = await signedInPage(running, 'SalesAgent', 'Alice');
    await page.goto(`/customers/${adatum}/add-products`);
    await page.getByRole('tab', { name: 'Reservations' }).click();
    const form = page.getByRole('form', { name: 'Reservations' });
    await form.getByLabel('Reservation type').selectOption('VirtualMachines');
    await form.getByLabel('Region').selectOption('westeurope');
    await form.getByLabel('Term').selectOption('P1Y');
    await form.getByLabel('Billing frequency').selectOption('monthly');
    expect(await form.getByLabel('Customer subscription').inputValue()).toBe(planId);
    expect(await form.getByLabel('Scope').inputValue()).toBe('shared');
    expect(await form.getByLabel('Scope').isDisabled()).toBe(true);
    await checkScreen(page, 'reservations', 'Étendue');
    await form.getByRole('button', { name: 'Buy' }).click();
    // 201: the order; 202: Microsoft is still provisioning it, and the form follows the operation to the order.
    await page.getByText(/^Reservation bought: order /).waitFor({ timeout: 60_000 });
    await page.context().close();
  });
});

describe('a customer on Microsoft Azure (0145P)', () => {
  it('orders 0145P, suspends and reactivates it, is refused the plan, and transitions to it', async () => {
    const litware = await aCustomerWithMca('litware', 'US', 'Litware');
    const page = await signedInPage(running, 'SalesAgent', 'Alice');
    await page.goto(`/customers/${litware}/add-products`);
    await page.getByRole('searchbox', { name: 'Search products' }).fill('0145P');
    await page.getByRole('button', { name: 'Add to cart: Microsoft Azure (0145P)' }).click();
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Buy' }).click();
    await page.getByText(/^Microsoft Azure \(0145P\) ordered: order /).waitFor({ timeout: 60_000 });

    // The Azure plan is refused with the transition as the way out.
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('searchbox', { name: 'Search products' }).fill('Azure plan');
    await page.getByRole('button', { name: 'Add to cart: Azure plan' }).click();
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Buy' }).click();
    await page
      .locator('#buy-problem')
      .getByText(
        'The customer has a Microsoft Azure (0145P) subscription and must transition to the Azure plan.',
      )
      .waitFor();
    await page.getByRole('link', { name: 'Transition to Azure plan' }).click();

    // Suspend, reactivate.
    await page.getByRole('heading', { name: 'Microsoft Azure (0145P)' }).waitFor();
    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.locator('[data-status="suspended"]').waitFor();
    await checkScreen(page, 'subscriptions-0145p', 'Réactiver');
    await page.getByRole('button', { name: 'Transition to Azure plan' }).click();
    await page
      .locator('#transition-problem')
      .getByText(/suspended Microsoft Azure \(0145P\) subscription blocks/)
      .waitFor();
    await page.getByRole('button', { name: 'Reactivate' }).click();
    await page.getByRole('button', { name: 'Suspend' }).waitFor();

    // The transition, followed to the end.
    await page.getByRole('button', { name: 'Transition to Azure plan' }).click();
    await page.getByRole('heading', { name: 'Transition customers to the Azure plan' }).waitFor();
    // Its progress, followed to the end.
    // The upgrade is polled on the workflow's own schedule (tens of seconds between looks).
    await page.locator('[role="status"] [data-status="completed"]').waitFor({ timeout: 100_000 });
    // Its one line: the 0145P subscription (the header row, then the line, once the transition has read them).
    await page.getByRole('table', { name: 'Lines' }).getByRole('row').nth(1).waitFor();
    expect(await page.getByRole('table', { name: 'Lines' }).getByRole('row').count()).toBe(2);
    await checkScreen(page, 'transition', 'Transition des clients vers le plan Azure');
    await page.context().close();
  });
});

describe('batch purchases', () => {
  it('submits a CSV file and shows the lines and counts as they go', async () => {
    const accepted = await aCustomerWithMca('batch-accepted', 'DE', 'Batch Accepted');
    await callApi(running, 'SalesAgent', 'PUT', '/api/customers/batch-invited', {
      companyName: 'Batch Invited',
      country: 'DE',
      primaryContact: { firstName: 'In', lastName: 'Vited', email: 'in@batch-invited.example' },
      billingAddress: { addressLine1: '2 Main Street', city: 'Bonn', postalCode: '53111', country: 'DE' },
    });
    const page = await signedInPage(running, 'SalesAgent', 'Alice');
    await page
      .getByRole('navigation', { name: 'main' })
      .getByRole('link', { name: 'Batch purchases' })
      .click();
    await page.getByRole('heading', { name: 'Batch purchases', level: 1 }).waitFor();
    await checkScreen(page, 'batches', 'Téléverser un fichier CSV');
    await page.getByTestId('batch-file').setInputFiles({
      name: 'wave-1.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`customerId,lineId,mca\n${accepted},north-1,\nbatch-invited,north-2,invite\n`),
    });
    await page.getByRole('button', { name: 'Submit the batch' }).click();
    await page.getByRole('heading', { name: /^Batch / }).waitFor();
    const row = (lineId: string) => page.getByRole('row').filter({ hasText: lineId });
    await row('north-1').locator('[data-status="completed"]').waitFor({ timeout: 60_000 });
    await row('north-2').locator('[data-status="awaitingCustomerSignature"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-count="completed"] strong').textContent()).toBe('1');
    await checkScreen(page, 'batch', 'Terminé');
    await page.context().close();
  });
});
