// What Rapport needs of a social network, one adapter per network (bluesky.ts, mastodon.ts).
// A new network (X, LinkedIn, Facebook/Instagram, Threads) adds an adapter with these
// operations and its limits; nothing else in src/social names a network. See
// docs/design/social.md, "Adapters".

export const NETWORKS = ['bluesky', 'mastodon'] as const;
export type Network = (typeof NETWORKS)[number];

/** What a network accepts in one post, checked before a post is scheduled. */
export interface Limits {
  /** The most characters in a post, counted as `counting` says. */
  maxChars: number;
  /** How the network counts ("graphemes", "characters, each link as 23"). */
  counting: string;
  /** What a link counts for, where the network counts every link the same (Mastodon: 23); null where links count as written. */
  linkLength: number | null;
  maxImages: number;
  maxAltChars: number;
  maxImageBytes: number;
  imageTypes: string[];
  /** The documented request budget: so many requests per window. */
  rateLimit: { requests: number; windowSeconds: number };
}

export interface DraftImage {
  bytes: Buffer;
  mime: string;
  alt: string;
}

export interface Draft {
  text: string;
  images: DraftImage[];
  /** The address a link of the text should point at instead (Rapport's click counter), or null to leave it. */
  link?: (url: string) => string | null;
}

/** A post as the network holds it. */
export interface RemotePost {
  remoteId: string;
  url: string;
  publishedAt: Date;
}

export type FoundKind = 'mention' | 'reply' | 'hashtag' | 'keyword';

/** Something someone posted that a stream found. */
export interface FoundPost {
  /** The same id from wherever the post is fetched (Bluesky: its at:// URI; Mastodon: its ActivityPub URI). */
  remoteId: string;
  /** Its id on the server of the account that fetched it, what a reply names (Mastodon's status id). */
  localId: string;
  kind: FoundKind;
  authorHandle: string;
  authorName: string;
  authorRemoteId: string | null;
  /** Plain text (Mastodon's HTML already read as text). */
  text: string;
  url: string | null;
  postedAt: Date;
  /** The languages its author declared, when the network carries them. */
  languages: string[];
  /** The id of the post it answers, as the server of the account that fetched it names it (a delivery's remote id). */
  inReplyTo: string | null;
}

export type StreamKind = 'mentions' | 'hashtag' | 'keyword';

export interface StreamQuery {
  kind: StreamKind;
  /** The hashtag (without #) or the keyword. */
  query: string;
  /** Where the previous fetch ended (the adapter's own format), or null the first time. */
  cursor: string | null;
}

export interface Fetched {
  items: FoundPost[];
  /** Where the next fetch starts (unchanged when nothing new came). */
  cursor: string | null;
  requests: number;
}

export interface Metrics {
  likes: number;
  reposts: number;
  replies: number;
}

/** The rate-limit window as the network last reported it (or as counted, where it reports nothing). */
export interface RateWindow {
  limit: number;
  remaining: number;
  resetAt: Date;
}

export interface AccountInfo {
  remoteId: string;
  handle: string;
  displayName: string;
}

/** An account signed in: what Rapport does with it. */
export interface Connection {
  readonly account: AccountInfo;
  readonly limits: Limits;
  /**
   * Publishes once per `key`: a second call with the same key (after a crash, say) gives the
   * post the first one made, never a second post.
   */
  publish(draft: Draft, key: string, replyTo?: string | null): Promise<RemotePost>;
  /** The post published under `key`, if the network has it (reconciling after a crash). */
  findPublished(key: string, since: Date, text: string): Promise<RemotePost | null>;
  fetch(stream: StreamQuery): Promise<Fetched>;
  metrics(remoteIds: string[]): Promise<Map<string, Metrics>>;
  /** The rate-limit window after the last request. */
  rate(): RateWindow | null;
  /** What to keep between runs (a Bluesky session), encrypted by the caller. */
  session(): string | null;
}

export interface Credentials {
  /** The Bluesky PDS or the Mastodon server: https://bsky.social, https://mastodon.social. */
  serverUrl: string;
  /** Bluesky: the handle. */
  identifier?: string;
  /** Bluesky: an app password. Mastodon: an access token. */
  secret: string;
}

export interface Adapter {
  network: Network;
  /** "Bluesky". */
  label: string;
  limits: Limits;
  /** The text's length as the network counts it. */
  length(text: string): number;
  /** What keeps a draft from being posted on this network, each in a sentence naming the network and the limit. */
  problems(draft: Draft, limits?: Limits): string[];
  /** Signs in (or resumes a kept session); throws a NetworkError with the network's own message. */
  connect(credentials: Credentials, session?: string | null): Promise<Connection>;
}

/** A refusal by the network, with its own words. */
export class NetworkError extends Error {
  constructor(
    readonly network: Network,
    message: string,
    /** HTTP status, when there was one. */
    readonly status: number | null,
    /** Worth trying again later (rate limit, server error, lost connection). */
    readonly transient: boolean,
    /** When a rate limit lets requests through again (a 429 with its reset time). */
    readonly retryAt: Date | null = null,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}
