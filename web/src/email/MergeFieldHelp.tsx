// A short guide to merge fields, one click from the editor.
import { Button, Code, CopyButton, Popover, Stack, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconBraces } from '@tabler/icons-react';
import { PURCHASE_MERGE_FIELDS } from '../../../src/purchases/merge.ts';

const FIELDS: [string, string][] = [
  ['{{ contact.first_name }}', 'First name (also last_name, email, phone)'],
  ['{{ contact.properties.loyalty_tier }}', 'Any contact property, by its key'],
  ['{{ workspace.name }}', 'Your workspace’s name (and postal_address)'],
  ['{{ links.unsubscribe }}', 'One-click unsubscribe link (every marketing email needs it)'],
  ['{{ links.preferences }}', 'The contact’s email preferences page'],
  ['{{ contact.first_name | default: "there" }}', 'A fallback written in place'],
  ["{% render 'footer' %}", 'A snippet, shared by your templates'],
  ['{% if contact.properties.vip %}…{% endif %}', 'Show a part to some contacts only'],
];

// What templates get of a contact's orders, with the server's own descriptions.
const PURCHASE_FIELDS: [string, string][] = Object.entries(PURCHASE_MERGE_FIELDS).map(([key, what]) => [`{{ contact.purchases.${key} }}`, what]);

export function MergeFieldHelp() {
  return (
    // As tall as the window allows, scrolling inside: the list is longer than a laptop screen is high.
    <Popover width={520} position="bottom-end" shadow="md" withArrow middlewares={{ flip: true, shift: true, size: { padding: 12 } }}>
      <Popover.Target>
        <Button variant="subtle" size="compact-sm" leftSection={<IconBraces size={15} />}>
          Merge fields
        </Button>
      </Popover.Target>
      <Popover.Dropdown style={{ overflowY: 'auto' }}>
        <Stack gap="xs">
          <Text fz="sm">
            Write <Code>{'{{ … }}'}</Code> where a contact’s data goes. Values are HTML-escaped. A field a contact does not have shows its fallback (below the editor) or
            the <Code>default</Code> you write in place; otherwise it is empty. Click one to copy it.
          </Text>
          <FieldTable fields={FIELDS} />
          <Text fz="xs" fw={600} c="dimmed" tt="uppercase" lts="0.04em" mt={4}>
            Their orders
          </Text>
          <Text fz="xs" c="dimmed">
            Amounts are money in the currency most of the contact’s orders are in; a contact without orders has 0 and empty amounts, so give those a
            fallback.
          </Text>
          <FieldTable fields={PURCHASE_FIELDS} />
          <Text fz="xs" c="dimmed">
            The body is MJML (mjml.io): sections, columns, text and buttons that stay readable on phones.
          </Text>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

function FieldTable({ fields }: { fields: [string, string][] }) {
  return (
    <Table verticalSpacing={4} horizontalSpacing="xs" fz="xs">
      <Table.Tbody>
        {fields.map(([code, what]) => (
          <Table.Tr key={code}>
            <Table.Td>
              <CopyButton value={code}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? 'Copied' : 'Copy'} position="left">
                    <UnstyledButton onClick={copy}>
                      <Code fz={12}>{code}</Code>
                    </UnstyledButton>
                  </Tooltip>
                )}
              </CopyButton>
            </Table.Td>
            <Table.Td c="dimmed">{what}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
