// The preview beside the editor: the message as a contact gets it, at desktop or phone width,
// with its subject and preheader as an inbox shows them and its plain-text part.
import { Alert, Box, Group, Loader, Paper, ScrollArea, SegmentedControl, Stack, Tabs, Text } from '@mantine/core';
import { IconAlertTriangle, IconDeviceDesktop, IconDeviceMobile } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { errorMessage } from '../lib/api.ts';
import type { Rendered } from './model.ts';
import { ScaledFrame } from './SandboxedFrame.tsx';
import classes from './email.module.css';

const WIDTHS = { desktop: 640, mobile: 375 } as const;

interface PreviewPaneProps {
  rendered: Rendered | undefined;
  fetching: boolean;
  error: unknown;
  /** Why the preview shows an older version (unsaved problems), if it does. */
  stale: string | null;
  height: number;
}

export function PreviewPane({ rendered, fetching, error, stale, height }: PreviewPaneProps) {
  const [device, setDevice] = useState<keyof typeof WIDTHS>('desktop');
  return (
    <Paper withBorder className={classes.previewPane} data-testid="preview">
      <Tabs defaultValue="html" keepMounted={false}>
        <Group justify="space-between" px="md" pt="xs" wrap="nowrap" className={classes.previewBar}>
          <Tabs.List style={{ borderBottom: 0 }}>
            <Tabs.Tab value="html">Preview</Tabs.Tab>
            <Tabs.Tab value="text">Plain text</Tabs.Tab>
          </Tabs.List>
          <Group gap="xs" wrap="nowrap">
            {fetching && <Loader size={14} aria-label="Rendering" />}
            <SegmentedControl
              size="xs"
              value={device}
              onChange={(v) => setDevice(v as keyof typeof WIDTHS)}
              aria-label="Preview width"
              data={[
                { value: 'desktop', label: <DeviceLabel icon={<IconDeviceDesktop size={14} />} text="Desktop" /> },
                { value: 'mobile', label: <DeviceLabel icon={<IconDeviceMobile size={14} />} text="Mobile" /> },
              ]}
            />
          </Group>
        </Group>
        {rendered && (
          <Stack gap={2} px="md" py="sm" className={classes.inboxLine}>
            <Text fz="sm" fw={650} lineClamp={1} data-testid="preview-subject">
              {rendered.subject || '(no subject)'}
            </Text>
            <Text fz="xs" c="dimmed" lineClamp={1} data-testid="preview-preheader">
              {rendered.preheader || 'No preheader: inboxes show the first words of the body instead.'}
            </Text>
          </Stack>
        )}
        {stale && (
          <Alert color="yellow" variant="light" radius={0} py={8} icon={<IconAlertTriangle size={16} />} data-testid="preview-stale">
            <Text fz="xs">{stale}</Text>
          </Alert>
        )}
        {error !== null && error !== undefined && !rendered && (
          <Alert color="red" variant="light" m="md" title="The preview could not be made">
            {errorMessage(error)}
          </Alert>
        )}
        <Tabs.Panel value="html">
          <Box className={classes.previewStage} h={height}>
            {rendered ? (
              <ScaledFrame html={rendered.html} title="Email preview" frameWidth={WIDTHS[device]} height={height - 32} />
            ) : (
              !error && (
                <Group justify="center" pt={80}>
                  <Loader type="dots" aria-label="Loading the preview" />
                </Group>
              )
            )}
          </Box>
        </Tabs.Panel>
        <Tabs.Panel value="text">
          <ScrollArea h={height} p="md">
            <Text component="pre" fz={13} ff="monospace" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="preview-text" maw={WIDTHS[device]}>
              {rendered?.text ?? ''}
            </Text>
          </ScrollArea>
        </Tabs.Panel>
      </Tabs>
    </Paper>
  );
}

function DeviceLabel({ icon, text }: { icon: ReactNode; text: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      {icon}
      <span>{text}</span>
    </Group>
  );
}
