// The coupon codes given to a customer (by a reward, a workflow or by hand), each with whether
// it was used, and the codes they used on orders. Nothing when they have neither.
import { Anchor, Badge, Card, Group, Stack, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useContactCouponsQuery } from '../coupons/model.ts';
import { REDEMPTION_LABELS } from '../coupons/words.ts';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { money } from '../reports/format.ts';

/** The server says "15 % off"; the app writes "15% off". */
const offer = (text: string) => text.replace(/(\d) %/, '$1%');

export function CouponsCard({ contactId }: { contactId: string }) {
  const query = useContactCouponsQuery(contactId);
  const codes = query.data?.codes ?? [];
  const uses = query.data?.redemptions ?? [];
  if (codes.length === 0 && uses.length === 0) return null;
  return (
    <Card mt="lg" data-testid="contact-coupons">
      <Text fw={650} mb="md">
        Coupons
      </Text>
      <Stack gap="md">
        {codes.length > 0 && (
          <Stack gap="xs">
            <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em">
              Codes given
            </Text>
            {codes.map((k) => (
              <Group key={k.code} gap="xs" justify="space-between" wrap="nowrap" data-testid="contact-code">
                <Stack gap={0} miw={0}>
                  <Text ff="monospace" fw={650} fz="sm" style={{ wordBreak: 'break-all' }}>
                    {k.code}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    {offer(k.discount)} ·{' '}
                    <Anchor component={Link} to={`/coupons/${k.campaignId}`} fz="xs">
                      {k.campaignName}
                    </Anchor>{' '}
                    · {formatDate(k.createdAt)}
                  </Text>
                </Stack>
                <Badge color={k.redeemed ? 'teal' : 'gray'} variant="light" style={{ flexShrink: 0 }}>
                  {k.redeemed ? 'Used' : 'Not used'}
                </Badge>
              </Group>
            ))}
          </Stack>
        )}
        {uses.length > 0 && (
          <Stack gap="xs">
            <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em">
              Used on orders
            </Text>
            {uses.map((r) => (
              <Group key={r.id} gap="xs" justify="space-between" wrap="nowrap" data-testid="contact-redemption">
                <Stack gap={0} miw={0}>
                  <Text fz="sm">
                    <Text span ff="monospace" fw={600}>
                      {r.code}
                    </Text>{' '}
                    {r.freeShipping ? 'free shipping on' : `${money(r.discount, r.currency)} off`} an order of {money(r.amount, r.currency)}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    <Tooltip label={formatDateTime(r.redeemedAt ?? r.createdAt)}>
                      <span>{formatDate(r.redeemedAt ?? r.createdAt)}</span>
                    </Tooltip>
                    {r.orderId ? ` · order ${r.orderId}` : ''} · {r.campaignName}
                  </Text>
                </Stack>
                {r.state !== 'redeemed' && (
                  <Badge color="gray" variant="light" style={{ flexShrink: 0 }}>
                    {REDEMPTION_LABELS[r.state]}
                  </Badge>
                )}
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
