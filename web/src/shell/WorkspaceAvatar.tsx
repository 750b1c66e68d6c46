import { Avatar } from '@mantine/core';

const COLORS = ['brand', 'teal', 'grape', 'orange', 'cyan', 'pink', 'green', 'violet'];

/** A square monogram per workspace, its colour stable for its id. */
export function WorkspaceAvatar({ id, name, size = 30 }: { id: string; name: string; size?: number }) {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const letters = name.trim().slice(0, 1).toUpperCase() || '?';
  return (
    <Avatar size={size} radius="md" color={COLORS[hash % COLORS.length]} variant="filled" fz={size * 0.45} fw={700}>
      {letters}
    </Avatar>
  );
}
