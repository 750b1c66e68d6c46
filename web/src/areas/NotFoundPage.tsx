import { Button, Card, EmptyState } from '@mantine/core';
import { IconMapQuestion } from '@tabler/icons-react';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <Card py={64}>
      <EmptyState
        variant="light"
        color="gray"
        size="lg"
        icon={<IconMapQuestion size={32} />}
        title="This page does not exist"
        description="The link may be old, or the address mistyped. Pick an area on the left, or go back to your contacts."
      >
        <EmptyState.Actions>
          <Button component={Link} to="/contacts" variant="default">
            Go to Contacts
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Card>
  );
}
