import { Button, Center, Loader, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { errorMessage } from '../lib/api.ts';

export function FullPageLoader() {
  return (
    <Center h="100vh">
      <Loader size="md" type="dots" aria-label="Loading" />
    </Center>
  );
}

export function FullPageError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <Center h="100vh" p="xl">
      <Stack align="center" gap="sm" maw={420} ta="center">
        <ThemeIcon size={56} radius="xl" variant="light" color="red">
          <IconPlugConnectedX size={28} />
        </ThemeIcon>
        <Title order={3}>Rapport cannot be reached</Title>
        <Text c="dimmed">{errorMessage(error)}</Text>
        <Button mt="sm" onClick={onRetry}>
          Try again
        </Button>
      </Stack>
    </Center>
  );
}
