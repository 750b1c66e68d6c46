// The demo shop's email calendar over the last twelve months: a monthly newsletter, the
// yearly promotions, and campaigns sent to segments (lapsed customers, best customers, fans
// of a category), so that email reports have both broadcasts and targeted sends to compare.
import { type Category, NEWSLETTER_SUBJECTS, PROMOTIONS, SHOP_URL } from './catalogue.ts';

const DAY = 86_400_000;

/** What a campaign's audience rule knows about a contact at the moment it is sent. */
export interface AudienceState {
  /** Signed up for the monthly newsletter (every subscriber gets the promotions). */
  newsletter: boolean;
  orders: number;
  lastOrderAt: number | undefined;
  favourite: Category;
}

export interface Campaign {
  key: string;
  subject: string;
  sentAt: number;
  url: string;
  audience(state: AudienceState): boolean;
}

const everyone = () => true;

/** Every campaign sent in the 365 days before `now`, oldest first. */
export function demoCampaigns(now: number): Campaign[] {
  const campaigns: Campaign[] = [];
  const since = now - 365 * DAY;
  const at = (year: number, month: number, day: number, hour: number) => Date.UTC(year, month - 1, day, hour);
  const year = new Date(now).getUTCFullYear();
  // The latest date with this month and day that is not after now.
  const latest = (month: number, day: number, hour: number) => {
    const t = at(year, month, day, hour);
    return t < now ? t : at(year - 1, month, day, hour);
  };
  const ym = (t: number) => new Date(t).toISOString().slice(0, 7);

  const thisMonth = new Date(now).getUTCMonth();
  for (let back = 0; back <= 12; back++) {
    const first = new Date(Date.UTC(year, thisMonth - back, 1, 9));
    // The first Tuesday of the month.
    const sentAt = first.getTime() + ((2 - first.getUTCDay() + 7) % 7) * DAY;
    const month = first.getUTCMonth();
    campaigns.push({
      key: `newsletter-${ym(sentAt)}`,
      subject: NEWSLETTER_SUBJECTS[month]!,
      sentAt,
      url: `${SHOP_URL}/journal/${ym(sentAt)}`,
      audience: (s) => s.newsletter,
    });
  }
  for (const promo of PROMOTIONS) {
    const sentAt = latest(promo.month, promo.day, 8);
    campaigns.push({ key: `${promo.key}-${new Date(sentAt).getUTCFullYear()}`, subject: promo.subject, sentAt, url: `${SHOP_URL}${promo.path}`, audience: everyone });
  }
  for (const month of [2, 5, 8, 11]) {
    const sentAt = latest(month, 15, 10);
    campaigns.push({
      key: `win-back-${ym(sentAt)}`,
      subject: 'We miss you: 15% off your next order',
      sentAt,
      url: `${SHOP_URL}/collections/all?code=COMEBACK15`,
      audience: (s) => s.orders > 0 && s.lastOrderAt !== undefined && sentAt - s.lastOrderAt > 120 * DAY,
    });
  }
  for (const month of [3, 9]) {
    const sentAt = latest(month, 20, 17);
    campaigns.push({
      key: `vip-early-access-${ym(sentAt)}`,
      subject: 'Early access for our best customers',
      sentAt,
      url: `${SHOP_URL}/collections/new`,
      audience: (s) => s.orders >= 4,
    });
  }
  const launches: [number, number, Category, string, string][] = [
    [5, 20, 'tea', 'new-oolong', 'New in: Formosa Oolong, picked this spring'],
    [10, 5, 'coffee', 'new-kenya', 'Just roasted: Kenya AA'],
  ];
  for (const [month, day, category, key, subject] of launches) {
    const sentAt = latest(month, day, 11);
    campaigns.push({
      key: `${key}-${new Date(sentAt).getUTCFullYear()}`,
      subject,
      sentAt,
      url: `${SHOP_URL}/collections/${category}`,
      audience: (s) => s.favourite === category,
    });
  }
  return campaigns.filter((c) => c.sentAt > since && c.sentAt < now).sort((a, b) => a.sentAt - b.sentAt);
}
