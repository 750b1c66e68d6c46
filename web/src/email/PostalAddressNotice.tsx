// A broadcast is marketing email, and anti-spam law (CAN-SPAM in the US, and others) wants the
// sender's postal address in it: say so before sending when the workspace has none.
import { Alert, Anchor, Text } from '@mantine/core';
import { IconMapPin } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { useWorkspaceInfoQuery } from '../lib/session.ts';

export function PostalAddressNotice() {
  // The same query as Settings › Workspace, so that saving the address there clears this.
  const info = useWorkspaceInfoQuery();
  if (!info.data || info.data.postalAddress.trim() !== '') return null;
  return (
    <Alert color="yellow" variant="light" icon={<IconMapPin size={18} />} title="Your emails carry no postal address" data-testid="postal-address-notice">
      <Text fz="sm">
        Anti-spam law in many countries (CAN-SPAM in the US, for one) requires the sender’s postal address in every marketing email, and the starting templates
        show it in their footer. <Anchor component={Link} to="/settings/workspace" fz="sm" fw={600}>Add it in Settings › Workspace</Anchor>
      </Text>
    </Alert>
  );
}
