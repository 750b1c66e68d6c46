import { Stack, Text } from '@mantine/core';

/** The server's complaints about a node, under it. */
export function Messages({ messages }: { messages: string[] }) {
  return (
    <Stack gap={2} my={4} role="alert">
      {messages.map((m) => (
        <Text key={m} fz="xs" c="red.7">
          {m}
        </Text>
      ))}
    </Stack>
  );
}
