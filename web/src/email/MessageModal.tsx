// One message as it was sent: its HTML in a sandboxed frame, and its plain-text part.
import { Badge, Group, Modal, ScrollArea, Stack, Tabs, Text } from '@mantine/core';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { MESSAGE_STATE_COLORS, useMessageQuery } from './model.ts';
import { ScaledFrame } from './SandboxedFrame.tsx';
import { withoutTracking } from './viewing.ts';

export function MessageModal({ id, onClose }: { id: string | null; onClose: () => void }) {
  const message = useMessageQuery(id);
  const m = message.data;
  return (
    <Modal opened={id !== null} onClose={onClose} size={760} title={<Text fw={650}>{m?.subject || 'Message'}</Text>}>
      {message.isPending ? (
        <LoadingBlock />
      ) : message.isError ? (
        <ErrorBlock error={message.error} onRetry={() => void message.refetch()} />
      ) : m ? (
        <Stack gap="sm" data-testid="message-detail">
          <Group gap="xs">
            <Text fz="sm" c="dimmed">
              To
            </Text>
            <Text fz="sm" fw={500}>
              {m.to}
            </Text>
            <Badge color={MESSAGE_STATE_COLORS[m.state] ?? 'gray'}>{m.state}</Badge>
          </Group>
          {!m.html && !m.text ? (
            <Text fz="sm" c="dimmed">
              The content of this message is not kept: it was rendered when it was sent through SMTP.
            </Text>
          ) : (
            <Tabs defaultValue="html" keepMounted={false}>
              <Tabs.List mb="sm">
                <Tabs.Tab value="html">HTML</Tabs.Tab>
                <Tabs.Tab value="text">Plain text</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="html">
                <ScaledFrame html={withoutTracking(m.html ?? '')} title="Message as sent" frameWidth={680} height={540} />
              </Tabs.Panel>
              <Tabs.Panel value="text">
                <ScrollArea h={540}>
                  <Text component="pre" fz={13} ff="monospace" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="message-text">
                    {m.text}
                  </Text>
                </ScrollArea>
              </Tabs.Panel>
            </Tabs>
          )}
        </Stack>
      ) : null}
    </Modal>
  );
}
