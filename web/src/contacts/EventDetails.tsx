// One event opened on the timeline: an order as its lines and money, anything else as labelled
// values, where a tracked event came from, and the raw JSON one click away.
import { Anchor, Box, Code, Collapse, DataList, Divider, Group, Stack, Text } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { contextFields, type Field, orderView, readableFields } from './eventFields.ts';
import { isOrderEvent } from './format.ts';
import type { TimelineEvent } from './model.ts';

export function EventDetails({ event }: { event: TimelineEvent }) {
  const [raw, setRaw] = useState(false);
  const order = isOrderEvent(event.name);
  const { fields, more } = readableFields(event.name, event.properties);
  const context = contextFields(event.properties);
  return (
    <Stack gap="sm" mt={8} data-testid="event-details">
      {order && <OrderDetails event={event} />}
      {fields.length > 0 && (
        <Box>
          {order && <Heading>More about this order</Heading>}
          <Fields fields={fields} />
          {more > 0 && (
            <Text fz="xs" c="dimmed" mt={4}>
              and {more} more in the raw data
            </Text>
          )}
        </Box>
      )}
      {context.length > 0 && (
        <Box>
          <Heading>Where it came from</Heading>
          <Fields fields={context} />
        </Box>
      )}
      <Box>
        <Anchor component="button" type="button" fz="xs" onClick={() => setRaw((r) => !r)} aria-expanded={raw}>
          {raw ? 'Hide raw data' : 'Show raw data'}
        </Anchor>
        <Collapse expanded={raw}>
          <Code block mt={6} fz="xs" style={{ maxHeight: 360, overflow: 'auto' }}>
            {JSON.stringify(event.properties, null, 2)}
          </Code>
        </Collapse>
      </Box>
    </Stack>
  );
}

function Heading({ children }: { children: ReactNode }) {
  return (
    <Text fz={11} fw={600} c="dimmed" tt="uppercase" lts="0.04em" mb={4}>
      {children}
    </Text>
  );
}

function Fields({ fields }: { fields: Field[] }) {
  return (
    <DataList size="xs" gap={4} labelWidth={110}>
      {fields.map((f, i) => (
        <DataList.Item key={`${f.label}-${i}`}>
          <DataList.ItemLabel c="dimmed">{f.label}</DataList.ItemLabel>
          <DataList.ItemValue style={{ overflowWrap: 'anywhere' }}>{f.value}</DataList.ItemValue>
        </DataList.Item>
      ))}
    </DataList>
  );
}

function OrderDetails({ event }: { event: TimelineEvent }) {
  const refund = event.name === 'refund';
  const o = orderView(event.properties, refund);
  return (
    <Box p="sm" bd="1px solid var(--mantine-color-gray-2)" bdrs="md" bg="gray.0" data-testid="order-details">
      <Group justify="space-between" gap="xs" mb={6}>
        <Text fz="sm" fw={600}>
          {refund ? (o.orderId ? `Refund for order ${o.orderId}` : 'Refund') : o.orderId ? `Order ${o.orderId}` : 'Order'}
        </Text>
        {o.sentAs && (
          <Text fz="xs" c="dimmed">
            sent as “{o.sentAs}”
          </Text>
        )}
      </Group>
      {o.lines.length > 0 && (
        <Stack gap={6} role="list" aria-label={refund ? 'Refunded items' : 'Items'}>
          {o.lines.map((line, i) => (
            <Group key={i} justify="space-between" align="flex-start" wrap="nowrap" gap="md" role="listitem" data-testid="order-line">
              <Box style={{ minWidth: 0 }}>
                <Text fz="sm" style={{ overflowWrap: 'anywhere' }}>
                  {line.title}
                </Text>
                <Text fz="xs" c="dimmed">
                  {[`${line.quantity} × ${line.unitPrice ?? 'price not given'}`, line.detail].filter(Boolean).join(' · ')}
                </Text>
              </Box>
              <Text fz="sm" style={{ whiteSpace: 'nowrap' }}>
                {line.total ?? '—'}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
      {(o.lines.length > 0 || o.amounts.length > 0) && <Divider my={8} />}
      <Stack gap={2}>
        {o.amounts.map((a) => (
          <Group key={a.label} justify="space-between" wrap="nowrap" gap="md">
            <Text fz="xs" c="dimmed">
              {a.label}
            </Text>
            <Text fz="xs" style={{ whiteSpace: 'nowrap' }}>
              {a.value}
            </Text>
          </Group>
        ))}
        <Group justify="space-between" wrap="nowrap" gap="md">
          <Text fz="sm" fw={600}>
            {refund ? 'Refunded' : 'Total'}
            {o.itemCount !== null && !refund && (
              <Text span fz="xs" c="dimmed" fw={400}>
                {' '}
                · {o.itemCount} {o.itemCount === 1 ? 'item' : 'items'}
              </Text>
            )}
          </Text>
          <Text fz="sm" fw={600} style={{ whiteSpace: 'nowrap' }} data-testid="order-total">
            {o.total ?? 'not given'}
          </Text>
        </Group>
      </Stack>
    </Box>
  );
}
