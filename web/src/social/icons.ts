// Each network's mark, wherever an account or a post names its network.
import { IconBrandBluesky, IconBrandMastodon, type Icon } from '@tabler/icons-react';
import type { Network } from './model.ts';

export const NETWORK_ICONS: Record<Network, Icon> = { bluesky: IconBrandBluesky, mastodon: IconBrandMastodon };
