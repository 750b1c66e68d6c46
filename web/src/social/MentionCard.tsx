// One post someone wrote, as the stream found it: who (name, handle, their profile), what they
// said and when, where (the post on its network), how it reads (sentiment, or why it was not
// scored), the contact it is theirs, or "Link to a contact"; and a small composer to reply from
// the account that found it.
import { Anchor, Avatar, Badge, Button, Card, Group, Stack, Text, Textarea, Tooltip } from '@mantine/core';
import { IconArrowBackUp, IconExternalLink, IconLink, IconUser } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ContactPicker, type PickedContact } from '../email/ContactPicker.tsx';
import { errorMessage } from '../lib/api.ts';
import { formatDateTime, fromNow, initials } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { NETWORK_ICONS } from './icons.ts';
import { type Account, type Mention, useLinkMention, useReply } from './model.ts';
import { at, KIND_LABELS, NETWORK_COLORS, NETWORK_LABELS, profileUrl, SENTIMENT_COLORS, sentimentText } from './words.ts';

export function MentionCard({ mention: m, accounts, canWrite, showPost = true }: { mention: Mention; accounts: Account[]; canWrite: boolean; showPost?: boolean }) {
  const Icon = NETWORK_ICONS[m.network];
  const [replying, setReplying] = useState(false);
  const [linking, setLinking] = useState(false);
  const profile = profileUrl(m.network, m.authorHandle);
  // The account that found it answers; named when it is the only one on that network.
  const ours = accounts.filter((a) => a.network === m.network);
  const from = ours.length === 1 ? at(ours[0]!.handle) : null;
  return (
    <Card padding="md" data-testid="mention" component="article" aria-label={`${m.authorName || m.authorHandle} on ${NETWORK_LABELS[m.network]}`}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Group gap="sm" wrap="nowrap" align="flex-start" style={{ minWidth: 0 }}>
          <Avatar radius="xl" color={NETWORK_COLORS[m.network]} size={38}>
            {initials(m.authorName || m.authorHandle, m.authorHandle)}
          </Avatar>
          <div style={{ minWidth: 0 }}>
            <Text fw={650} fz="sm" truncate>
              {m.authorName || at(m.authorHandle)}
            </Text>
            <Group gap={6} wrap="wrap">
              {profile ? (
                <Anchor href={profile} target="_blank" rel="noopener noreferrer" fz="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                  {at(m.authorHandle)}
                </Anchor>
              ) : (
                <Text fz="xs" c="dimmed">
                  {at(m.authorHandle)}
                </Text>
              )}
              <Tooltip label={formatDateTime(m.postedAt)}>
                <Text fz="xs" c="dimmed" component="time" dateTime={m.postedAt}>
                  · {fromNow(m.postedAt)}
                </Text>
              </Tooltip>
            </Group>
          </div>
        </Group>
        <Tooltip label={NETWORK_LABELS[m.network]}>
          <Icon size={18} stroke={1.6} color={`var(--mantine-color-${NETWORK_COLORS[m.network]}-6)`} aria-label={NETWORK_LABELS[m.network]} style={{ flexShrink: 0 }} />
        </Tooltip>
      </Group>
      <Text fz="sm" mt="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="mention-text">
        {m.text}
      </Text>
      <Group gap={6} mt="sm" wrap="wrap">
        <Tooltip label={m.sentiment ? `Score ${m.score?.toFixed(2) ?? '–'}` : 'Rapport reads the sentiment of posts in English only.'}>
          <Badge color={SENTIMENT_COLORS[m.sentiment ?? 'unscored']} variant={m.sentiment ? 'light' : 'outline'} data-testid="sentiment">
            {sentimentText(m)}
          </Badge>
        </Tooltip>
        <Badge color="gray" variant="outline">
          {KIND_LABELS[m.kind] ?? m.kind}
        </Badge>
        {showPost && m.postId && (
          <Anchor component={Link} to={`/social/posts/${m.postId}`} fz="xs">
            See your post
          </Anchor>
        )}
        {m.url && (
          <Anchor href={m.url} target="_blank" rel="noopener noreferrer" fz="xs">
            <Group gap={3} component="span" wrap="nowrap">
              See it on {NETWORK_LABELS[m.network]}
              <IconExternalLink size={12} />
            </Group>
          </Anchor>
        )}
      </Group>
      <Group justify="space-between" mt="sm" gap="xs" wrap="wrap" align="center">
        {m.contact ? (
          <Group gap={6} wrap="nowrap" data-testid="mention-contact" style={{ minWidth: 0 }}>
            <IconUser size={15} stroke={1.7} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0 }} />
            <Anchor component={Link} to={`/contacts/${m.contact.id}`} fz="sm" fw={600} truncate>
              {m.contact.name}
            </Anchor>
            <Text fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {m.matchedBy === 'hand' ? 'linked by hand' : 'by their handle'}
            </Text>
          </Group>
        ) : (
          <Text fz="xs" c="dimmed">
            Not one of your contacts yet
          </Text>
        )}
        {canWrite && (
          <Group gap={4}>
            {!m.contact && (
              <Button size="compact-sm" variant="subtle" leftSection={<IconLink size={14} />} onClick={() => setLinking((x) => !x)} aria-expanded={linking}>
                Link to a contact
              </Button>
            )}
            <Button size="compact-sm" variant="subtle" leftSection={<IconArrowBackUp size={14} />} onClick={() => setReplying((x) => !x)} aria-expanded={replying}>
              Reply
            </Button>
          </Group>
        )}
      </Group>
      {linking && !m.contact && <LinkForm mention={m} onDone={() => setLinking(false)} />}
      {replying && <ReplyForm mention={m} from={from} onDone={() => setReplying(false)} />}
    </Card>
  );
}

function LinkForm({ mention, onDone }: { mention: Mention; onDone: () => void }) {
  const link = useLinkMention();
  const [contact, setContact] = useState<PickedContact | null>(null);
  return (
    <Stack gap="xs" mt="sm" data-testid="link-form">
      <ContactPicker label="Contact" placeholder="Search by name or email" value={contact} onChange={setContact} description={`They get the handle ${at(mention.authorHandle)}: their other posts count as theirs too.`} />
      <Group gap="xs">
        <Button
          size="xs"
          disabled={!contact}
          loading={link.isPending}
          onClick={() =>
            contact &&
            link.mutate(
              { id: mention.id, contactId: contact.id },
              {
                onSuccess: () => {
                  notifySuccess(`${at(mention.authorHandle)} is ${contact.label} from now on.`, 'Linked');
                  onDone();
                },
                onError: (err) => notifyError(err),
              },
            )
          }
        >
          Link
        </Button>
        <Button size="xs" variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}

function ReplyForm({ mention, from, onDone }: { mention: Mention; from: string | null; onDone: () => void }) {
  const reply = useReply();
  // Mastodon replies name whom they answer; Bluesky threads the reply without it.
  const [text, setText] = useState(mention.network === 'mastodon' ? `${at(mention.authorHandle)} ` : '');
  const [error, setError] = useState<string | null>(null);
  return (
    <Stack gap="xs" mt="sm" data-testid="reply-form">
      <Textarea
        label={from ? `Your reply, from ${from}` : 'Your reply, from the account that found this post'}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        autosize
        minRows={2}
        maxRows={8}
        error={error}
        data-autofocus
      />
      <Group gap="xs">
        <Button
          size="xs"
          disabled={!text.trim()}
          loading={reply.isPending}
          onClick={() => {
            setError(null);
            reply.mutate(
              { id: mention.id, text },
              {
                onSuccess: () => {
                  notifySuccess(`Your reply is on its way to ${NETWORK_LABELS[mention.network]}.`, 'Reply sent');
                  onDone();
                },
                onError: (err) => setError(errorMessage(err)),
              },
            );
          }}
        >
          Send reply
        </Button>
        <Button size="xs" variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}
