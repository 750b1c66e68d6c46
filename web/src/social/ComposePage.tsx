// Writing a post (new, or a draft again): the text, with a version of its own for a network where
// it should differ; its length as each chosen account's network counts it, checked by the server
// as one types (the draft is saved as it changes, then checked); images with their alt text;
// the accounts it goes to; a coupon (the campaign's code, or a code of its own per network);
// then saved as a draft, scheduled for a time in the workspace's time zone, or published now.
// A network's refusal is shown next to the post, naming the network and its limit.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  CloseButton,
  FileButton,
  Grid,
  Group,
  Image,
  List,
  Modal,
  Progress,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconArrowLeft, IconCalendarPlus, IconCode, IconPhotoPlus, IconSend } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { type CampaignSummary, useCampaignsQuery } from '../coupons/model.ts';
import { offerText } from '../coupons/words.ts';
import { api, ApiError, errorMessage } from '../lib/api.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { NETWORK_ICONS } from './icons.ts';
import {
  type Account,
  addImage,
  type Check,
  type CouponMode,
  imageUrl,
  type Network,
  type Post,
  type PostBody,
  useAccountsQuery,
  useCheckQuery,
  useDeletePost,
  usePostQuery,
  useSchedule,
  useTimeZone,
  useUnschedule,
} from './model.ts';
import { at, dateTimeIn, instantOf, NETWORK_LABELS, wallClock, zoneLabel } from './words.ts';

export const PLACEHOLDER = '{{ coupon.code }}';
const HAS_PLACEHOLDER = /\{\{\s*coupon\.code\s*\}\}/;
const IMAGE_TYPES = 'image/jpeg,image/png,image/gif,image/webp';

/**
 * /social/compose (a new post) and /social/compose/:id (a draft). A new post becomes a draft at
 * its first words, and the address follows without the page starting over.
 */
export function ComposePage() {
  const { id } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  // The post this page made, and the address it was made at: the router may show the old address
  // once more before the new one (a transition), and that must not start the page over.
  const [adopted, setAdopted] = useState<{ id: string; from: string } | null>(null);
  const [generation, setGeneration] = useState(0);
  const here = useRef(location.key);
  useEffect(() => {
    here.current = location.key;
  }, [location.key]);
  if (!id && adopted && location.key !== adopted.from) {
    // "New post" again after this page made one: a fresh page.
    setAdopted(null);
    setGeneration((g) => g + 1);
  }
  const mine = adopted !== null && (id === adopted.id || (!id && location.key === adopted.from));
  const onCreated = useCallback(
    (created: string) => {
      setAdopted({ id: created, from: here.current });
      navigate(`/social/compose/${created}`, { replace: true });
    },
    [navigate],
  );
  return <ComposeLoader key={mine || !id ? `new-${generation}` : id} id={mine ? null : (id ?? null)} onCreated={onCreated} />;
}

function ComposeLoader({ id, onCreated }: { id: string | null; onCreated: (id: string) => void }) {
  const accounts = useAccountsQuery();
  const post = usePostQuery(id);
  const timeZone = useTimeZone();
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const title = id ? 'Edit the draft' : 'New post';
  const header = (
    <PageHeader
      title={title}
      description="Write it once, and adjust it for a network if you like. Rapport checks it against each network’s limits as you type, and saves it as a draft as it changes."
      actions={
        <Button component={Link} to="/social/calendar" variant="default" leftSection={<IconArrowLeft size={16} />}>
          Calendar
        </Button>
      }
    />
  );
  if (accounts.isPending || (id && post.isPending) || !timeZone) {
    return (
      <>
        {header}
        <LoadingBlock label="Loading the post" />
      </>
    );
  }
  if (accounts.isError || post.isError) {
    return (
      <>
        {header}
        <ErrorBlock error={accounts.error ?? post.error} onRetry={() => void Promise.all([accounts.refetch(), post.refetch()])} />
      </>
    );
  }
  if (!canWrite) {
    return (
      <>
        {header}
        <Text c="dimmed">Marketers, admins and owners write posts.</Text>
      </>
    );
  }
  if (accounts.data.accounts.length === 0) {
    return (
      <>
        {header}
        <Card>
          <Text>
            Connect your shop’s Bluesky or Mastodon account first:{' '}
            <Anchor component={Link} to="/social/accounts">
              Accounts
            </Anchor>
            .
          </Text>
        </Card>
      </>
    );
  }
  if (post.data && post.data.state !== 'draft') {
    return (
      <>
        {header}
        <NotADraft post={post.data} timeZone={timeZone} />
      </>
    );
  }
  return (
    <>
      {header}
      <Composer initial={post.data ?? null} accounts={accounts.data.accounts} timeZone={timeZone} onCreated={onCreated} />
    </>
  );
}

function NotADraft({ post, timeZone }: { post: Post; timeZone: string }) {
  const unschedule = useUnschedule();
  const out = post.deliveries.some((d) => d.state === 'publishing' || d.state === 'published');
  return (
    <Card maw={720}>
      <Stack gap="sm" align="flex-start">
        <Text>
          {out
            ? 'This post is already on its way to the networks, or on them: it can no longer change.'
            : `This post is scheduled for ${dateTimeIn(post.scheduledAt!, timeZone)} (${zoneLabel(timeZone)}). To change it, take it back to a draft: it will not go out until you schedule it again.`}
        </Text>
        <Group>
          {!out && (
            <Button onClick={() => unschedule.mutate(post.id, { onError: (err) => notifyError(err) })} loading={unschedule.isPending}>
              Back to a draft
            </Button>
          )}
          <Button component={Link} to={`/social/posts/${post.id}`} variant="default">
            See the post
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

interface Draft {
  text: string;
  variants: Partial<Record<Network, string>>;
  accountIds: string[];
  coupon: { campaignId: string; mode: CouponMode } | null;
}

const bodyOf = (d: Draft): PostBody => ({ text: d.text, variants: d.variants, accountIds: d.accountIds, coupon: d.coupon });

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; message: string };

function Composer({ initial, accounts, timeZone, onCreated }: { initial: Post | null; accounts: Account[]; timeZone: string; onCreated: (id: string) => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const postsKey = useWorkspaceKey('social', 'posts');
  const [draft, setDraft] = useState<Draft>(() =>
    initial
      ? { text: initial.text, variants: initial.variants, accountIds: initial.accountIds, coupon: initial.coupon }
      : { text: '', variants: {}, accountIds: accounts.filter((a) => a.state === 'connected').map((a) => a.id), coupon: null },
  );
  const [postId, setPostId] = useState<string | null>(initial?.id ?? null);
  const [images, setImages] = useState<Post['images']>(initial?.images ?? []);
  const [version, setVersion] = useState(0);
  const [saveState, setSaveState] = useState<SaveState>({ kind: initial ? 'saved' : 'idle' });
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [scheduling, setScheduling] = useState(false);
  const check = useCheckQuery(postId, version);
  const schedule = useSchedule();
  const remove = useDeletePost();

  // Saves run one after another, each sending the latest draft; a new post is created by the first.
  const json = JSON.stringify(bodyOf(draft));
  const latest = useRef(json);
  useEffect(() => {
    latest.current = json;
  }, [json]);
  const [savedJson, setSavedJson] = useState(() => (initial ? JSON.stringify(bodyOf({ text: initial.text, variants: initial.variants, accountIds: initial.accountIds, coupon: initial.coupon })) : ''));
  const saved = useRef(savedJson);
  const idRef = useRef(postId);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const save = useCallback((): Promise<string> => {
    const run = chain.current
      .catch(() => undefined)
      .then(async () => {
        const body = latest.current;
        if (idRef.current && body === saved.current) return idRef.current;
        setSaveState({ kind: 'saving' });
        try {
          if (idRef.current) await api.put<Post>(`/social/posts/${idRef.current}`, JSON.parse(body));
          else {
            const created = await api.post<Post>('/social/posts', JSON.parse(body));
            idRef.current = created.id;
            setPostId(created.id);
            onCreated(created.id);
          }
        } catch (err) {
          setSaveState({ kind: 'failed', message: errorMessage(err) });
          throw err;
        }
        saved.current = body;
        setSavedJson(body);
        setSaveState({ kind: 'saved' });
        setVersion((v) => v + 1);
        void queryClient.invalidateQueries({ queryKey: postsKey });
        return idRef.current;
      });
    chain.current = run;
    return run;
  }, [onCreated, queryClient, postsKey]);

  const [debounced] = useDebouncedValue(json, 600);
  useEffect(() => {
    const d = JSON.parse(debounced) as Draft;
    const something = d.text.trim() || Object.values(d.variants).some((v) => v?.trim());
    if (debounced === saved.current || (!idRef.current && !something)) return;
    save().catch(() => undefined);
  }, [debounced, save]);

  const change = (patch: Partial<Draft>) => {
    setRefusal(null);
    setDraft((d) => ({ ...d, ...patch }));
  };

  const chosen = accounts.filter((a) => draft.accountIds.includes(a.id));
  const networks = [...new Set((chosen.length ? chosen : accounts).map((a) => a.network))];
  const maxImages = Math.min(...(chosen.length ? chosen : accounts).map((a) => a.limits.maxImages));
  const empty = !draft.text.trim() && images.length === 0 && !Object.values(draft.variants).some((v) => v?.trim());
  const ready = !empty && chosen.length > 0;

  const go = async (at: string | null) => {
    setRefusal(null);
    let id: string;
    try {
      id = await save();
    } catch {
      return;
    }
    schedule.mutate(
      { id, at },
      {
        onSuccess: (post) => {
          setScheduling(false);
          notifySuccess(at ? `It goes out on ${dateTimeIn(post.scheduledAt!, timeZone)} (${zoneLabel(timeZone)}).` : 'It is on its way to the networks.', at ? 'Post scheduled' : 'Publishing');
          navigate(`/social/posts/${id}`);
        },
        onError: (err) => {
          setScheduling(false);
          if (err instanceof ApiError) setRefusal(err);
          else notifyError(err);
        },
      },
    );
  };

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack gap="lg">
          <Card data-testid="post-to">
            <Checkbox.Group label="Post to" value={draft.accountIds} onChange={(ids) => change({ accountIds: ids })} styles={{ label: { fontSize: 'var(--mantine-font-size-md)', fontWeight: 650, marginBottom: 8 } }}>
              <Group gap="xl" style={{ rowGap: 'var(--mantine-spacing-sm)' }}>
                {accounts.map((a) => {
                  const Icon = NETWORK_ICONS[a.network];
                  return (
                    <Checkbox
                      key={a.id}
                      value={a.id}
                      disabled={a.state === 'failed' && !draft.accountIds.includes(a.id)}
                      label={
                        <Group gap={6} wrap="nowrap" component="span">
                          <Icon size={16} stroke={1.7} />
                          <span style={{ overflowWrap: 'anywhere' }}>{at(a.handle)}</span>
                        </Group>
                      }
                      description={a.state === 'failed' ? 'Not working: connect it again on the Accounts tab' : NETWORK_LABELS[a.network]}
                    />
                  );
                })}
              </Group>
            </Checkbox.Group>
          </Card>
          <TextCard draft={draft} change={change} networks={networks} couponChosen={Boolean(draft.coupon)} />
          <Counts check={check.data} chosen={chosen} stale={saveState.kind === 'saving' || json !== savedJson || check.isFetching} postId={postId} />
          <CouponCard draft={draft} change={change} />
          <Images
            postId={postId}
            images={images}
            maxImages={maxImages}
            ensure={save}
            onChange={(next) => {
              setImages(next);
              setRefusal(null);
              setVersion((v) => v + 1);
            }}
          />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Stack gap="lg" style={{ position: 'sticky', top: 76 }}>
          <Card data-testid="post-actions">
            <Stack gap="sm">
              <SaveLine state={saveState} hasPost={postId !== null} />
              {refusal && <Refusal error={refusal} />}
              <Button leftSection={<IconSend size={16} />} disabled={!ready} loading={schedule.isPending && schedule.variables?.at === null} onClick={() => void go(null)}>
                Publish now
              </Button>
              <Button variant="light" leftSection={<IconCalendarPlus size={16} />} disabled={!ready} onClick={() => setScheduling(true)}>
                Schedule…
              </Button>
              <Button
                variant="default"
                disabled={empty}
                onClick={() =>
                  void save()
                    .then(() => {
                      notifySuccess('Find it beside the calendar whenever you want to finish it.', 'Draft saved');
                      navigate('/social/calendar');
                    })
                    .catch(() => undefined)
                }
              >
                Save draft
              </Button>
              {!ready && !empty && chosen.length === 0 && (
                <Text fz="xs" c="dimmed">
                  Choose at least one account to post to.
                </Text>
              )}
              {postId && (
                <Button
                  variant="subtle"
                  color="red"
                  size="xs"
                  loading={remove.isPending}
                  onClick={() =>
                    remove.mutate(postId, {
                      onSuccess: () => {
                        notifySuccess('The draft is deleted.');
                        navigate('/social/calendar');
                      },
                      onError: (err) => notifyError(err),
                    })
                  }
                >
                  Delete the draft
                </Button>
              )}
            </Stack>
          </Card>
        </Stack>
      </Grid.Col>
      <ScheduleModal opened={scheduling} timeZone={timeZone} loading={schedule.isPending} onClose={() => setScheduling(false)} onSchedule={(iso) => void go(iso)} />
    </Grid>
  );
}

function SaveLine({ state, hasPost }: { state: SaveState; hasPost: boolean }) {
  if (state.kind === 'failed')
    return (
      <Text fz="xs" c="red" data-testid="save-state">
        Not saved: {state.message}
      </Text>
    );
  return (
    <Text fz="xs" c="dimmed" data-testid="save-state">
      {state.kind === 'saving' ? 'Saving…' : hasPost ? 'Saved as a draft.' : 'Saved as a draft once you start writing.'}
    </Text>
  );
}

/** A refusal next to the post: the server's sentence and each network's own (they name the network, the limit and the account). */
function Refusal({ error }: { error: ApiError }) {
  const details = Array.isArray(error.details) ? (error.details as { path?: string; message?: string }[]).filter((d) => typeof d?.message === 'string') : [];
  // "body.accounts.<id>": one of the chosen accounts' networks.
  const perAccount = details.filter((d) => /^(body\.)?accounts\./.test(d.path ?? ''));
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={perAccount.length ? 'A network would refuse this post' : 'Not published or scheduled'} data-testid="refusal">
      {perAccount.length ? (
        <List fz="sm" spacing={4}>
          {perAccount.map((d, i) => (
            <List.Item key={i}>{d.message}</List.Item>
          ))}
        </List>
      ) : (
        <Text fz="sm">{error.message}</Text>
      )}
    </Alert>
  );
}

function TextCard({ draft, change, networks, couponChosen }: { draft: Draft; change: (p: Partial<Draft>) => void; networks: Network[]; couponChosen: boolean }) {
  const [tab, setTab] = useState<'all' | Network>('all');
  const ref = useRef<HTMLTextAreaElement>(null);
  const active: 'all' | Network = tab !== 'all' && networks.includes(tab) ? tab : 'all';
  const own = active !== 'all' && draft.variants[active] !== undefined;
  const value = active === 'all' ? draft.text : (draft.variants[active] ?? draft.text);
  const setValue = (v: string) => (active === 'all' ? change({ text: v }) : change({ variants: { ...draft.variants, [active]: v } }));
  const insert = () => {
    const el = ref.current;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? start;
    const spaced = `${start > 0 && !/\s$/.test(value.slice(0, start)) ? ' ' : ''}${PLACEHOLDER}`;
    setValue(value.slice(0, start) + spaced + value.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + spaced.length, start + spaced.length);
    });
  };
  return (
    <Card data-testid="post-text">
      <Tabs value={active} onChange={(v) => v && setTab(v as 'all' | Network)} mb="sm">
        <Tabs.List>
          <Tabs.Tab value="all">{networks.length > 1 ? 'All networks' : 'Text'}</Tabs.Tab>
          {networks.map((n) => (
            <Tabs.Tab key={n} value={n} rightSection={draft.variants[n] !== undefined ? <Badge size="xs">own text</Badge> : undefined}>
              {NETWORK_LABELS[n]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {active !== 'all' && !own ? (
        <Stack gap="sm" align="flex-start" py="sm">
          <Text fz="sm" c="dimmed">
            {NETWORK_LABELS[active]} gets the same text as {networks.length > 1 ? 'the other networks' : 'the Text tab'}.
          </Text>
          <Button variant="light" size="xs" onClick={() => change({ variants: { ...draft.variants, [active]: draft.text } })}>
            Write a different text for {NETWORK_LABELS[active]}
          </Button>
        </Stack>
      ) : (
        <>
          <Textarea
            ref={ref}
            aria-label={active === 'all' ? 'Text of the post' : `Text for ${NETWORK_LABELS[active]}`}
            placeholder="What would you like to say?"
            value={value}
            onChange={(e) => setValue(e.currentTarget.value)}
            autosize
            minRows={5}
            maxRows={16}
            data-testid="post-textarea"
          />
          <Group justify="space-between" mt="xs" gap="xs">
            <Button variant="subtle" size="compact-sm" leftSection={<IconCode size={14} />} onClick={insert} disabled={!couponChosen} title={couponChosen ? undefined : 'Choose a coupon below first'}>
              Insert {PLACEHOLDER}
            </Button>
            {own && (
              <Button
                variant="subtle"
                size="compact-sm"
                color="gray"
                onClick={() => {
                  const { [active as Network]: _dropped, ...rest } = draft.variants;
                  change({ variants: rest });
                }}
              >
                Use the common text for {NETWORK_LABELS[active as Network]}
              </Button>
            )}
          </Group>
        </>
      )}
    </Card>
  );
}

/** The live count per chosen account, as its network counts it (from the server's check of the saved draft). */
function Counts({ check, chosen, stale, postId }: { check: Check | undefined; chosen: Account[]; stale: boolean; postId: string | null }) {
  if (chosen.length === 0) return null;
  return (
    <Card padding="md" data-testid="counts">
      <Group justify="space-between" mb="xs">
        <Text fw={600} fz="sm">
          Length, as each network counts it
        </Text>
        {stale && postId && (
          <Text fz="xs" c="dimmed">
            counting…
          </Text>
        )}
      </Group>
      <Stack gap="sm">
        {chosen.map((a) => {
          const c = check?.networks.find((n) => n.accountId === a.id);
          const Icon = NETWORK_ICONS[a.network];
          const over = c ? c.length > c.maxChars : false;
          const problems = c?.problems ?? [];
          const bad = over || problems.length > 0;
          return (
            <div key={a.id} data-testid="count">
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                  <Icon size={16} stroke={1.7} />
                  <Text fz="sm" truncate>
                    {at(a.handle)}
                  </Text>
                </Group>
                <Tooltip label={`${NETWORK_LABELS[a.network]} counts ${a.limits.counting}.`} multiline w={260}>
                  <Text fz="sm" fw={600} c={bad ? 'red' : undefined} style={{ whiteSpace: 'nowrap' }} data-testid="count-figure">
                    {c ? `${c.length.toLocaleString('en')} / ${c.maxChars.toLocaleString('en')}` : `– / ${a.limits.maxChars.toLocaleString('en')}`}
                  </Text>
                </Tooltip>
              </Group>
              <Progress value={c ? Math.min(100, (c.length / c.maxChars) * 100) : 0} color={bad ? 'red' : 'brand'} size="sm" mt={4} aria-label={`Length on ${NETWORK_LABELS[a.network]}`} />
              {problems.map((p) => (
                <Text key={p} fz="xs" c="red" mt={4} data-testid="count-problem">
                  {p}
                </Text>
              ))}
            </div>
          );
        })}
      </Stack>
      {!postId && (
        <Text fz="xs" c="dimmed" mt="xs">
          The counts show once you start writing.
        </Text>
      )}
    </Card>
  );
}

function Images({ postId, images, maxImages, ensure, onChange }: { postId: string | null; images: Post['images']; maxImages: number; ensure: () => Promise<string>; onChange: (images: Post['images']) => void }) {
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const upload = async (file: File | null) => {
    if (!file) return;
    setError(null);
    setUploading(true);
    try {
      const id = await ensure();
      onChange((await addImage(id, file, '')).images);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setUploading(false);
    }
  };
  return (
    <Card data-testid="post-images">
      <Group justify="space-between" align="flex-start" mb={images.length ? 'md' : 0} gap="sm">
        <div style={{ flex: '1 1 240px' }}>
          <Title order={2} fz="md">
            Images
          </Title>
          <Text fz="sm" c="dimmed">
            Up to {maxImages} (Bluesky and Mastodon take 4 a post). Describe each for people who cannot see it: the networks show your words instead.
          </Text>
        </div>
        <FileButton onChange={(f) => void upload(f)} accept={IMAGE_TYPES}>
          {(props) => (
            <Button {...props} variant="default" leftSection={<IconPhotoPlus size={16} />} loading={uploading} disabled={images.length >= maxImages}>
              Add an image
            </Button>
          )}
        </FileButton>
      </Group>
      {error && (
        <Text fz="sm" c="red" mt="xs">
          {error}
        </Text>
      )}
      {images.length > 0 && postId && (
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
          {images.map((img, i) => (
            <ImageItem key={img.id} postId={postId} image={img} n={i + 1} onChange={onChange} />
          ))}
        </SimpleGrid>
      )}
    </Card>
  );
}

function ImageItem({ postId, image, n, onChange }: { postId: string; image: Post['images'][number]; n: number; onChange: (images: Post['images']) => void }) {
  const [alt, setAlt] = useState(image.alt);
  const [error, setError] = useState<string | null>(null);
  const saveAlt = () => {
    if (alt === image.alt) return;
    api
      .put<Post>(`/social/posts/${postId}/images/${image.id}`, { alt })
      .then((p) => {
        setError(null);
        onChange(p.images);
      })
      .catch((err) => setError(errorMessage(err)));
  };
  return (
    <Stack gap={6} data-testid="post-image">
      <div style={{ position: 'relative' }}>
        <Image src={imageUrl(postId, image.id)} alt={alt || `Image ${n}`} h={140} radius="md" fit="cover" bg="gray.1" />
        <CloseButton
          aria-label={`Remove image ${n}`}
          variant="filled"
          size="sm"
          radius="xl"
          style={{ position: 'absolute', top: 6, right: 6 }}
          onClick={() =>
            api
              .delete<Post>(`/social/posts/${postId}/images/${image.id}`)
              .then((p) => onChange(p.images))
              .catch((err) => notifyError(err))
          }
        />
      </div>
      <TextInput
        size="xs"
        label={`Alt text of image ${n}`}
        placeholder="What the image shows"
        value={alt}
        onChange={(e) => setAlt(e.currentTarget.value)}
        onBlur={saveAlt}
        error={error ?? (alt.trim() ? undefined : 'Describe it: people using screen readers hear this')}
        styles={{ error: { color: error ? undefined : 'var(--mantine-color-orange-8)' } }}
      />
    </Stack>
  );
}

function CouponCard({ draft, change }: { draft: Draft; change: (p: Partial<Draft>) => void }) {
  const campaigns = useCampaignsQuery();
  const usable = (campaigns.data?.campaigns ?? []).filter((c) => c.state === 'active' || c.id === draft.coupon?.campaignId);
  const campaign = usable.find((c) => c.id === draft.coupon?.campaignId);
  const modeFor = (c: CampaignSummary): CouponMode => (c.codeKind === 'shared' ? 'shared' : 'per_post');
  const inText = HAS_PLACEHOLDER.test([draft.text, ...Object.values(draft.variants)].join('\n'));
  return (
    <Card data-testid="post-coupon">
      <Title order={2} fz="md">
        Coupon
      </Title>
      <Text fz="sm" c="dimmed" mb="sm">
        A code in the post shows what the post brought in: the orders that used it, and what they came to.
      </Text>
      {campaigns.isPending ? (
        <LoadingBlock label="Loading the coupon campaigns" />
      ) : usable.length === 0 ? (
        <Text fz="sm">
          No coupon campaign is running.{' '}
          <Anchor component={Link} to="/coupons">
            Create one under Coupons
          </Anchor>
          , then choose it here.
        </Text>
      ) : (
        <Stack gap="sm">
          <Select
            label="Campaign"
            placeholder="No coupon"
            clearable
            allowDeselect
            data={usable.map((c) => ({ value: c.id, label: `${c.name} · ${offerText(c.discount)}` }))}
            value={draft.coupon?.campaignId ?? null}
            onChange={(id) => {
              const c = usable.find((x) => x.id === id);
              change({ coupon: c ? { campaignId: c.id, mode: modeFor(c) } : null });
            }}
            comboboxProps={{ withinPortal: true }}
          />
          {campaign && draft.coupon && (
            <Radio.Group label="Which code" value={draft.coupon.mode} onChange={(mode) => change({ coupon: { campaignId: campaign.id, mode: mode as CouponMode } })}>
              <Stack gap="xs" mt={6}>
                <Radio
                  value="shared"
                  disabled={campaign.codeKind !== 'shared'}
                  label={campaign.codeKind === 'shared' ? `The campaign’s code, ${campaign.sharedCode}` : 'The campaign’s code'}
                  description={
                    campaign.codeKind === 'shared'
                      ? 'Everyone who uses it counts for the campaign as a whole: its orders cannot be told apart by post.'
                      : 'This campaign has no single code: each of its codes is for one customer or one post.'
                  }
                />
                <Radio
                  value="per_post"
                  disabled={campaign.codeKind === 'shared'}
                  label="A code of its own for this post"
                  description={
                    campaign.codeKind === 'shared' ? 'This campaign has one code for everyone: choose a campaign with unique codes for that.' : 'Each network gets its own code, so each one’s orders show on the post.'
                  }
                />
              </Stack>
            </Radio.Group>
          )}
          {campaign && !inText && (
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="coupon-missing">
              Put {PLACEHOLDER} in the text where the code goes (the button under the text does it): it becomes the code when the post goes out.
            </Alert>
          )}
        </Stack>
      )}
    </Card>
  );
}

function ScheduleModal({ opened, timeZone, loading, onClose, onSchedule }: { opened: boolean; timeZone: string; loading: boolean; onClose: () => void; onSchedule: (iso: string) => void }) {
  const [value, setValue] = useState(() => {
    // Tomorrow at 10:00 in the workspace's time zone.
    const tomorrow = wallClock(new Date(Date.now() + 86_400_000), timeZone);
    return { date: tomorrow.date, time: '10:00' };
  });
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(value.date) && /^\d{2}:\d{2}$/.test(value.time);
  const instant = valid ? instantOf(value.date, value.time, timeZone) : null;
  const [past, setPast] = useState(false);
  const pick = (v: { date: string; time: string }) => {
    setValue(v);
    const i = /^\d{4}-\d{2}-\d{2}$/.test(v.date) && /^\d{2}:\d{2}$/.test(v.time) ? instantOf(v.date, v.time, timeZone) : null;
    setPast(i ? i.getTime() < Date.now() : false);
  };
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Schedule the post</Text>} size="md">
      <Stack gap="md">
        <Group grow align="flex-start">
          <TextInput type="date" label="Day" value={value.date} onChange={(e) => pick({ ...value, date: e.currentTarget.value })} />
          <TextInput type="time" label="Time" value={value.time} onChange={(e) => pick({ ...value, time: e.currentTarget.value })} />
        </Group>
        <Text fz="sm" c="dimmed" data-testid="schedule-zone">
          In {zoneLabel(timeZone, instant ?? undefined)}, the workspace’s time zone.
          {instant && local !== timeZone && ` That is ${dateTimeIn(instant.toISOString(), local)} where you are.`}
        </Text>
        {past && (
          <Text fz="sm" c="red">
            That time has passed: choose a time to come, or publish now.
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={loading}>
            Cancel
          </Button>
          <Button onClick={() => instant && onSchedule(instant.toISOString())} disabled={!instant || past} loading={loading}>
            Schedule
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
