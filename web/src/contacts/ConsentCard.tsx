// Email consent on the contact page: the status now, since when and through what, and every
// change of it (the record a regulator asks for).
import { Anchor, Box, Card, Group, Stack, Text, Timeline, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { ErrorBlock } from '../components/QueryState.tsx';
import { formatDateTime } from '../lib/format.ts';
import { consentChangeText, consentHow, currentConsent } from './consent.ts';
import { type Contact, EMAIL_STATUS_COLORS, useConsentQuery } from './model.ts';

const SHOWN = 3;

export function ConsentCard({ contact }: { contact: Contact }) {
  const consent = useConsentQuery(contact.id);
  const [all, setAll] = useState(false);
  const history = consent.data ?? [];
  const line = currentConsent(contact, history);
  const shown = all ? history : history.slice(0, SHOWN);
  return (
    <Card mb="lg" aria-labelledby="consent-title">
      <Text fw={650} mb="sm" id="consent-title">
        Email consent
      </Text>
      {consent.isError ? (
        <ErrorBlock error={consent.error} onRetry={() => void consent.refetch()} />
      ) : (
        <Stack gap="md">
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <Box w={10} h={10} mt={6} bdrs="xl" bg={`${EMAIL_STATUS_COLORS[contact.emailStatus]}.6`} style={{ flexShrink: 0 }} aria-hidden />
            <Text fz="sm" lh={1.45} data-testid="consent-line" style={{ overflowWrap: 'anywhere' }}>
              {line.at ? (
                <Tooltip label={formatDateTime(line.at)}>
                  <Text span fz="sm" fw={600}>
                    {line.status}
                  </Text>
                </Tooltip>
              ) : (
                <Text span fz="sm" fw={600}>
                  {consent.isPending ? '' : line.status}
                </Text>
              )}
              {!consent.isPending && ` · ${line.how}`}
            </Text>
          </Group>
          {/* The newest change is the line above; the record is worth showing once there is more. */}
          {history.length > 1 && (
            <Stack gap={6}>
              <Text fz={11} fw={600} c="dimmed" tt="uppercase" lts="0.04em">
                Consent record
              </Text>
              <Timeline bulletSize={10} lineWidth={2} active={shown.length - 1} aria-label="Consent record" data-testid="consent-history">
                {shown.map((c, i) => (
                  <Timeline.Item key={`${c.at}-${i}`} color={EMAIL_STATUS_COLORS[c.status]} lineVariant="solid">
                    <Text fz="sm" lh={1.35}>
                      {consentChangeText(c)}
                    </Text>
                    <Text fz="xs" c="dimmed" lh={1.4}>
                      {formatDateTime(c.at)} · {consentHow(c)}
                    </Text>
                  </Timeline.Item>
                ))}
              </Timeline>
              {history.length > SHOWN && (
                <Anchor component="button" type="button" fz="xs" onClick={() => setAll((a) => !a)}>
                  {all ? 'Show fewer' : `Show all ${history.length} changes`}
                </Anchor>
              )}
            </Stack>
          )}
        </Stack>
      )}
    </Card>
  );
}
