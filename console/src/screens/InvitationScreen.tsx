import {
  Button,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Title2,
} from '@fluentui/react-components';
import { useState } from 'react';

import { api, asProblem } from '../api/client';
import { useForm } from '../forms';
import { useI18n } from '../i18n';
import { fieldProblem, ProblemMessage } from '../ui';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '12px', maxWidth: '420px' },
});

/**
 * The page the customer's invitation link opens (`/invitations/{token}`): no sign-in, the token in the link is the
 * authorisation. It posts the acceptance to the link's API (`POST /api/invitations/{token}/accept`).
 */
export function InvitationScreen({ token }: { token: string }) {
  const styles = useStyles();
  const { t } = useI18n();
  const { values, bind, problem, setProblem, submitWith } = useForm();
  const [accepted, setAccepted] = useState(false);
  const submit = submitWith(async () => {
    const { error } = await api.POST('/api/invitations/{token}/accept', {
      params: { path: { token } },
      body: {
        firstName: values.firstName ?? '',
        lastName: values.lastName ?? '',
        email: values.email ?? '',
        ...(values.phoneNumber?.trim() ? { phoneNumber: values.phoneNumber.trim() } : {}),
      },
    });
    if (error) setProblem(asProblem(error));
    else setAccepted(true);
  });
  return (
    <section>
      <Title2 as="h1">{t('invitationTitle')}</Title2>
      {accepted ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{t('invitationAccepted')}</MessageBarBody>
        </MessageBar>
      ) : (
        <form className={styles.form} onSubmit={submit}>
          <p>{t('invitationHelp')}</p>
          <Field label={t('firstName')} required validationMessage={fieldProblem(problem, '/firstName')}>
            <Input {...bind('firstName')} autoComplete="given-name" />
          </Field>
          <Field label={t('lastName')} required validationMessage={fieldProblem(problem, '/lastName')}>
            <Input {...bind('lastName')} autoComplete="family-name" />
          </Field>
          <Field label={t('email')} required validationMessage={fieldProblem(problem, '/email')}>
            <Input {...bind('email')} type="email" autoComplete="email" />
          </Field>
          <Field label={t('phoneNumber')} validationMessage={fieldProblem(problem, '/phoneNumber')}>
            <Input {...bind('phoneNumber')} type="tel" autoComplete="tel" />
          </Field>
          <Button appearance="primary" type="submit">
            {t('accept')}
          </Button>
          <ProblemMessage problem={problem} />
        </form>
      )}
    </section>
  );
}
