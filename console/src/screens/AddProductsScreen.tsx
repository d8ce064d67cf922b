import {
  Button,
  Card,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  SearchBox,
  Select,
  Tab,
  TabList,
  Text,
  Title2,
  Title3,
} from '@fluentui/react-components';
import { useState } from 'react';

import { api, asProblem, type Customer } from '../api/client';
import { useSession } from '../App';
import { useForm } from '../forms';
import { type MessageKey, useI18n } from '../i18n';
import { OperationWatch } from '../operation';
import { may } from '../roles';
import { AppLink, navigate, useLocation } from '../router';
import { fieldProblem, Loading, ProblemMessage, useLoad } from '../ui';
import { InviteForm } from './AccountScreen';

const useStyles = makeStyles({
  links: { display: 'flex', gap: '16px', margin: '8px 0 16px' },
  row: { display: 'flex', gap: '12px', alignItems: 'end', flexWrap: 'wrap', margin: '12px 0' },
  card: { margin: '12px 0', maxWidth: '760px' },
  product: { display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: '12px' },
  form: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))', gap: '12px' },
  note: { margin: '8px 0' },
});

type ProductId = 'azurePlan' | 'legacy0145P';
const products: { id: ProductId; name: MessageKey; description: MessageKey; keywords: string }[] = [
  {
    id: 'azurePlan',
    name: 'azurePlan',
    description: 'azurePlanDescription',
    keywords: 'microsoft azure plan',
  },
  {
    id: 'legacy0145P',
    name: 'microsoftAzure0145P',
    description: 'legacyDescription',
    keywords: 'microsoft azure 0145p ms-azr-0145p',
  },
];

/** The cart survives the detour to the Account page (confirming the MCA) and back. */
function useCart(customerId: string): [ProductId[], (next: ProductId[]) => void] {
  const key = `console.cart.${customerId}`;
  const [cart, setCartState] = useState<ProductId[]>(() => {
    try {
      return JSON.parse(sessionStorage.getItem(key) ?? '[]') as ProductId[];
    } catch {
      return [];
    }
  });
  const setCart = (next: ProductId[]) => {
    sessionStorage.setItem(key, JSON.stringify(next));
    setCartState(next);
  };
  return [cart, setCart];
}

export function AddProductsScreen({ customerId }: { customerId: string }) {
  const styles = useStyles();
  const { t } = useI18n();
  const { query } = useLocation();
  const [productType, setProductType] = useState(
    query.get('type') === 'reservations' ? 'reservations' : 'azure',
  );
  const { data: customer, problem } = useLoad(
    () => api.GET('/api/customers/{customerId}', { params: { path: { customerId } } }),
    [customerId],
  );
  const base = `/customers/${encodeURIComponent(customerId)}`;
  return (
    <section>
      <Title2 as="h1">
        {t('addAProduct')}
        {customer ? ` — ${customer.companyName}` : ''}
      </Title2>
      <nav className={styles.links} aria-label={t('addAProduct')}>
        <AppLink to={base}>{t('account')}</AppLink>
        <AppLink to={`${base}/subscriptions`}>{t('subscriptions')}</AppLink>
      </nav>
      <ProblemMessage problem={problem} />
      {!customer && !problem && <Loading />}
      {customer && (
        <>
          <div className={styles.row}>
            <Field label={t('segment')}>
              <Select value={customer.segment} disabled>
                <option value="commercial">{t('segmentCommercial')}</option>
                <option value="education">{t('segmentEducation')}</option>
                <option value="government">{t('segmentGovernment')}</option>
                <option value="nonprofit">{t('segmentNonprofit')}</option>
              </Select>
            </Field>
          </div>
          <TabList
            selectedValue={productType}
            onTabSelect={(_, data) => setProductType(String(data.value))}
            aria-label={t('productType')}
          >
            <Tab value="azure">{t('productTypeAzure')}</Tab>
            <Tab value="reservations">{t('productTypeReservations')}</Tab>
          </TabList>
          {productType === 'azure' ? (
            <AzureProducts customer={customer} startInReview={query.get('review') === '1'} />
          ) : (
            <ReservationForm customer={customer} />
          )}
        </>
      )}
    </section>
  );
}

function AzureProducts({ customer, startInReview }: { customer: Customer; startInReview: boolean }) {
  const styles = useStyles();
  const { t } = useI18n();
  const session = useSession();
  const [search, setSearch] = useState('');
  const [cart, setCart] = useCart(customer.id);
  const [reviewing, setReviewing] = useState(startInReview && cart.length > 0);
  const visible = products.filter((product) => {
    if (product.id === 'azurePlan' && !(session && may(session.roles, 'buyAzurePlan'))) return false;
    if (product.id === 'legacy0145P' && !(session && may(session.roles, 'buyLegacyOffer'))) return false;
    const words = search.trim().toLowerCase();
    return words === '' || words.split(/\s+/).every((word) => product.keywords.includes(word));
  });

  if (reviewing) {
    return (
      <Review
        customer={customer}
        cart={cart}
        onBack={() => setReviewing(false)}
        onBought={() => setCart([])}
      />
    );
  }
  return (
    <>
      <div className={styles.row}>
        <Field label={t('searchProducts')}>
          <SearchBox
            value={search}
            onChange={(_, data) => setSearch(data.value)}
            placeholder="Microsoft Azure"
          />
        </Field>
      </div>
      {search.trim() !== '' && visible.length === 0 && <p>{t('noProducts')}</p>}
      {search.trim() !== '' &&
        visible.map((product) => (
          <Card key={product.id} className={styles.card}>
            <div className={styles.product}>
              <div>
                <Title3 as="h2">{t(product.name)}</Title3>
                <Text>{t(product.description)}</Text>
              </div>
              <Button
                onClick={() => setCart([...cart.filter((id) => id !== product.id), product.id])}
                disabled={cart.includes(product.id)}
                aria-label={`${t('addToCart')}: ${t(product.name)}`}
              >
                {t('addToCart')}
              </Button>
            </div>
          </Card>
        ))}
      <Card className={styles.card} aria-labelledby="cart-title">
        <Title3 as="h2" id="cart-title">
          {t('cart')}
        </Title3>
        {cart.length === 0 ? (
          <Text>{t('cartEmpty')}</Text>
        ) : (
          <ul>
            {cart.map((id) => {
              const product = products.find((candidate) => candidate.id === id);
              return (
                <li key={id}>
                  {product ? t(product.name) : id}{' '}
                  <Button
                    size="small"
                    appearance="subtle"
                    onClick={() => setCart(cart.filter((item) => item !== id))}
                  >
                    {t('removeFromCart')}
                  </Button>
                </li>
              );
            })}
          </ul>
        )}
        <div>
          <Button appearance="primary" disabled={cart.length === 0} onClick={() => setReviewing(true)}>
            {t('review')}
          </Button>
        </div>
      </Card>
      <Text as="p" className={styles.note}>
        {t('notePlanBlocks0145P')}
      </Text>
    </>
  );
}

/** "Review", then "Buy": a refusal shows the contract's problem next to the button, with the way out it needs. */
function Review({
  customer,
  cart,
  onBack,
  onBought,
}: {
  customer: Customer;
  cart: ProductId[];
  onBack: () => void;
  onBought: () => void;
}) {
  const styles = useStyles();
  const { t } = useI18n();
  const { problem, setProblem, busy, idempotencyKey: key, run } = useForm();
  const [done, setDone] = useState<string>();
  const [operationId, setOperationId] = useState<string>();
  const base = `/customers/${encodeURIComponent(customer.id)}`;

  const buy = () =>
    run(async () => {
      if (cart.includes('azurePlan')) {
        const { data, error } = await api.POST('/api/customers/{customerId}/azure-plan/purchases', {
          params: { path: { customerId: customer.id }, header: { 'Idempotency-Key': `${key}-plan` } },
          body: {},
        });
        if (error) {
          setProblem(asProblem(error));
          return;
        }
        onBought();
        navigate(`/purchases/${data.purchaseId}`);
        return;
      }
      const { data, error, response } = await api.POST('/api/customers/{customerId}/orders', {
        params: { path: { customerId: customer.id }, header: { 'Idempotency-Key': `${key}-0145p` } },
        body: { lineItems: [{ offerId: 'MS-AZR-0145P', quantity: 1 }] },
      });
      if (error) {
        setProblem(asProblem(error));
        return;
      }
      onBought();
      if (response.status === 202) setOperationId(data.id);
      else setDone(t('legacyOrdered', { id: data.id }));
    });

  return (
    <Card className={styles.card} aria-labelledby="review-title">
      <Title3 as="h2" id="review-title">
        {t('review')}
      </Title3>
      <ul>
        {cart.map((id) => (
          <li key={id}>{t(products.find((product) => product.id === id)?.name ?? 'azurePlan')}</li>
        ))}
      </ul>
      <div className={styles.row}>
        {!done && !operationId && (
          <Button
            appearance="primary"
            onClick={() => void buy()}
            disabled={busy}
            aria-describedby="buy-problem"
          >
            {t('buy')}
          </Button>
        )}
        <Button onClick={onBack}>{t('back')}</Button>
      </div>
      <OrderOutcome
        customer={customer}
        operationId={operationId}
        done={done}
        onOrdered={(id) => setDone(t('legacyOrdered', { id }))}
      />
      <ProblemMessage problem={problem} id="buy-problem" />
      {problem?.code === 'McaNotAccepted' && <McaWays customer={customer} />}
      {problem?.code === 'LegacySubscriptionRequiresTransition' && (
        <p>
          <AppLink to={`${base}/subscriptions`}>{t('transitionToAzurePlan')}</AppLink>
        </p>
      )}
      {(problem?.code === 'OrderInProgress' || problem?.code === 'AzurePlanAlreadyExists') &&
        customer.workInProgress && (
          <p>
            <AppLink to={`/purchases/${customer.workInProgress.id}`}>{t('follow')}</AppLink>
          </p>
        )}
    </Card>
  );
}

/** The two ways to get the MCA: confirm it digitally on the Account page, or invite the customer to sign. */
function McaWays({ customer }: { customer: Customer }) {
  const { t } = useI18n();
  const session = useSession();
  const base = `/customers/${encodeURIComponent(customer.id)}`;
  const back = `${base}/add-products?review=1`;
  return (
    <div>
      <p>{t('mcaTwoWays')}</p>
      {session && may(session.roles, 'attestMca') && (
        <p>
          <AppLink to={`${base}?attest=1&next=${encodeURIComponent(back)}`}>{t('confirmDigitally')}</AppLink>
        </p>
      )}
      <Title3 as="h3">{t('inviteToSign')}</Title3>
      <InviteForm customer={customer} />
    </div>
  );
}

const regions = ['westeurope', 'northeurope', 'eastus', 'westus2', 'francecentral', 'germanywestcentral'];

/** Reservations: type, region, term, billing, the Azure plan subscription, scope Shared (the only one), "Buy". */
function ReservationForm({ customer }: { customer: Customer }) {
  const styles = useStyles();
  const { t } = useI18n();
  const session = useSession();
  const { values, bind, problem, setProblem, busy, idempotencyKey, submitWith } = useForm({
    reservationType: 'VirtualMachines',
    region: 'westeurope',
    termDuration: 'P1Y',
    billingCycle: 'monthly',
    quantity: '1',
    azurePlanSubscriptionId: customer.azurePlan?.subscriptionId ?? '',
  });
  const [done, setDone] = useState<string>();
  const [operationId, setOperationId] = useState<string>();
  const submit = submitWith(async () => {
    const { data, error, response } = await api.POST('/api/customers/{customerId}/reservations', {
      params: { path: { customerId: customer.id }, header: { 'Idempotency-Key': idempotencyKey } },
      body: {
        azurePlanSubscriptionId: values.azurePlanSubscriptionId ?? '',
        // The one reservation product of the simulated catalog (Partner Center's: Virtual machines, sku 0001).
        productId: 'DZH318Z0BQ3Q',
        skuId: '0001',
        reservationType: values.reservationType ?? '',
        region: values.region ?? '',
        quantity: Number(values.quantity),
        termDuration: values.termDuration as 'P1Y',
        billingCycle: values.billingCycle as 'monthly',
        scope: 'shared',
      },
    });
    if (error) setProblem(asProblem(error));
    else if (response.status === 202) setOperationId(data.id);
    else setDone(t('reservationBought', { id: data.id }));
  });
  if (!(session && may(session.roles, 'buyReservations'))) return null;
  return (
    <form onSubmit={submit} aria-label={t('productTypeReservations')}>
      <div className={styles.form} style={{ marginTop: 12 }}>
        <Field label={t('reservationType')}>
          <Select {...bind('reservationType')}>
            <option value="VirtualMachines">Virtual machines</option>
          </Select>
        </Field>
        <Field label={t('region')} validationMessage={fieldProblem(problem, '/region')}>
          <Select {...bind('region')}>
            {regions.map((region) => (
              <option key={region} value={region}>
                {region}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('term')}>
          <Select {...bind('termDuration')}>
            <option value="P1Y">{t('term1Year')}</option>
            <option value="P3Y">{t('term3Years')}</option>
          </Select>
        </Field>
        <Field label={t('billingFrequency')}>
          <Select {...bind('billingCycle')}>
            <option value="monthly">{t('billingMonthly')}</option>
            <option value="one_time">{t('billingOneTime')}</option>
          </Select>
        </Field>
        <Field label={t('quantity')} validationMessage={fieldProblem(problem, '/quantity')}>
          <Input {...bind('quantity')} type="number" min={1} />
        </Field>
        <Field
          label={t('customerSubscription')}
          validationMessage={fieldProblem(problem, '/azurePlanSubscriptionId')}
        >
          <Select {...bind('azurePlanSubscriptionId')}>
            {customer.azurePlan ? (
              <option value={customer.azurePlan.subscriptionId}>
                {t('azurePlan')} — {customer.azurePlan.subscriptionId}
              </option>
            ) : (
              <option value="">{t('none')}</option>
            )}
          </Select>
        </Field>
        <Field label={t('scope')}>
          <Select value="shared" disabled>
            <option value="shared">{t('scopeShared')}</option>
          </Select>
        </Field>
      </div>
      <Text as="p" className={styles.note}>
        {t('noteScopeShared')}. {t('noteReservationsNeedPlan')}.
      </Text>
      <div className={styles.row}>
        <Button
          appearance="primary"
          type="submit"
          disabled={busy || !!operationId || !!done}
          aria-describedby="reservation-problem"
        >
          {t('buy')}
        </Button>
      </div>
      <ProblemMessage problem={problem} id="reservation-problem" />
      <OrderOutcome
        customer={customer}
        operationId={operationId}
        done={done}
        onOrdered={(id) => setDone(t('reservationBought', { id }))}
      />
    </form>
  );
}

/**
 * An order Partner Center accepted to finish later (202): follows its operation until it names the order, then
 * says what was ordered (`done`) with the way to the customer's subscriptions.
 */
function OrderOutcome({
  customer,
  operationId,
  done,
  onOrdered,
}: {
  customer: Customer;
  operationId: string | undefined;
  done: string | undefined;
  onOrdered: (orderId: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      {operationId && (
        <OperationWatch
          key={operationId}
          customerId={customer.id}
          operationId={operationId}
          onFinished={(operation) => {
            if (operation.order) onOrdered(operation.order.id);
          }}
        />
      )}
      {done && (
        <MessageBar intent="success">
          <MessageBarBody>
            {done}{' '}
            <AppLink to={`/customers/${encodeURIComponent(customer.id)}/subscriptions`}>
              {t('seeSubscriptions')}
            </AppLink>
          </MessageBarBody>
        </MessageBar>
      )}
    </>
  );
}
