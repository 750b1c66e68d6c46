// The areas of the product (see DESIGN.md, "What the user gets"): one navigation entry and
// one page each. Areas not built yet are marked "Soon" in the navigation, and their page says
// plainly that they are planned and what they will hold.
import {
  IconActivityHeartbeat,
  IconAddressBook,
  IconChartBar,
  IconChartPie,
  IconDiscount2,
  IconGift,
  IconMail,
  IconMessageCircleStar,
  IconRoute,
  IconSpeakerphone,
  type Icon,
} from '@tabler/icons-react';
import type { Role } from '../lib/types.ts';

export interface Area {
  path: string;
  label: string;
  icon: Icon;
  color: string;
  /** One sentence: what this area is for. */
  summary: string;
  /** What it will let people do, one line each. */
  features: string[];
  /** What to do meanwhile, where something useful exists already. */
  meanwhile?: { label: string; to: string; text: string; minRole: Role };
  /** Built: the area has its own pages (routed in App.tsx) instead of the placeholder. */
  built?: boolean;
}

export interface AreaGroup {
  label: string;
  areas: Area[];
}

export const AREA_GROUPS: AreaGroup[] = [
  {
    label: 'Customers',
    areas: [
      {
        path: 'contacts',
        label: 'Contacts',
        icon: IconAddressBook,
        color: 'brand',
        built: true,
        summary:
          'Your customer database: import from CSV/XLSX and order history, typed properties, an activity timeline per contact, GDPR export and erase.',
        features: [
          'Import contacts from spreadsheets (CSV, XLSX) and your existing order history',
          'Sync an email inbox so correspondents become contacts and emails land on their timeline',
          'Typed custom properties and one activity timeline per contact',
          'GDPR export and erase in one click',
        ],
        meanwhile: {
          label: 'Create an API key',
          to: '/settings/api-keys',
          text: 'Get your systems ready meanwhile: an ingest key lets your shop or website send contacts and events.',
          minRole: 'admin',
        },
      },
      {
        path: 'segments',
        label: 'Segments',
        icon: IconChartPie,
        color: 'violet',
        built: true,
        summary:
          'Static lists and dynamic segments by properties and behaviour (what a contact did, how often, how recently), nested with AND/OR/NOT and kept current in real time.',
        features: [
          'Static lists for hand-picked contacts',
          'Dynamic segments on demographics and behaviour: events, frequency, recency',
          'Conditions nested with AND, OR and NOT',
          'Membership kept current in real time, ready for emails and workflows',
        ],
      },
    ],
  },
  {
    label: 'Engage',
    areas: [
      {
        path: 'email',
        label: 'Email',
        icon: IconMail,
        color: 'blue',
        built: true,
        summary:
          'Responsive email templates with merge fields and fallbacks, broadcasts to segments, open and click tracking, unsubscribe and preferences.',
        features: [
          'Responsive templates with merge fields that have fallbacks',
          'Broadcasts to a segment, sent through any SMTP provider',
          'Open and click tracking on every message',
          'One-click unsubscribe and a preference centre',
        ],
      },
      {
        path: 'workflows',
        label: 'Workflows',
        icon: IconRoute,
        color: 'teal',
        built: true,
        summary:
          'Automated journeys with triggers, delays, waits, branches and goals: welcome series, win-back, post-purchase and more.',
        features: [
          'Triggers on events, segment entry and dates',
          'Delays, waits for events, branches and goals',
          'Actions: send email, give points or a coupon, set a property, call a webhook',
          'Never sends twice: every step is idempotent',
        ],
      },
      {
        path: 'surveys',
        label: 'Surveys',
        icon: IconMessageCircleStar,
        color: 'orange',
        built: true,
        summary: 'NPS, CSAT, CES and custom feedback surveys whose answers feed your segments and workflows.',
        features: [
          'NPS, CSAT, CES and custom question sets',
          'Send by email or link, answers land on the contact’s timeline',
          'Detractors and promoters become segments automatically',
          'Trigger follow-up workflows from an answer',
        ],
      },
    ],
  },
  {
    label: 'Analyze',
    areas: [
      {
        path: 'reports',
        label: 'Reports',
        icon: IconChartBar,
        color: 'cyan',
        built: true,
        summary:
          'Reports you would rather look at than read: email performance, retention cohorts, churn, repeat purchase, revenue retention and NPS over time.',
        features: [
          'Email performance: deliveries, opens, clicks, unsubscribes',
          'Retention cohorts, churn and repeat-purchase rates',
          'Revenue retention and customer lifetime value',
          'NPS over time',
        ],
      },
      {
        path: 'retention',
        label: 'Retention',
        icon: IconActivityHeartbeat,
        color: 'red',
        built: true,
        summary:
          'Who is likely to buy again and who is slipping away: RFM scores, the chance each customer is still a customer, expected orders and lifetime value, and an at-risk list to win back.',
        features: [
          'RFM scores (1–5) for recency, frequency and money spent',
          'The chance each customer is still a customer, and how many orders to expect from them',
          'Expected lifetime value per customer',
          'An at-risk list, and win-back segments that act on it',
        ],
      },
    ],
  },
  {
    label: 'Grow',
    areas: [
      {
        path: 'social',
        label: 'Social',
        icon: IconSpeakerphone,
        color: 'pink',
        built: true,
        summary:
          'Listen for brand and keyword mentions with sentiment and who said it, and publish: compose once, schedule per network, see it on a calendar.',
        features: [
          'Brand and keyword mentions with sentiment',
          'See who said it, and link mentions to contacts',
          'Compose once, schedule per network',
          'A publishing calendar for the whole team',
        ],
      },
      {
        path: 'loyalty',
        label: 'Loyalty',
        icon: IconGift,
        color: 'grape',
        built: true,
        summary: 'Points for purchases and actions, tiers, a rewards catalogue and redemptions on an exact ledger.',
        features: [
          'Points for purchases, reviews, referrals and any tracked action',
          'Tiers with their own perks',
          'A rewards catalogue customers redeem from',
          'Every point on an exact, auditable ledger',
        ],
      },
      {
        path: 'coupons',
        label: 'Coupons',
        icon: IconDiscount2,
        color: 'green',
        built: true,
        summary:
          'Coupon campaigns with unique or shared codes, limits and expiry, including social-exclusive offers traced back to the post that carried them.',
        features: [
          'Unique or shared codes, usage limits and expiry dates',
          'Social-exclusive offers traced back to the post that carried them',
          'Redemptions recorded on the contact’s timeline',
          'Give coupons from workflows and loyalty rewards',
        ],
      },
    ],
  },
];

export const AREAS: Area[] = AREA_GROUPS.flatMap((g) => g.areas);
