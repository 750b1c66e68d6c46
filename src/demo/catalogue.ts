// The fixed ingredients of the demo shop ("Hearth & Bean", coffee and tea online): its
// products, where its customers live, what they are called, and the custom properties it
// keeps. Everything random is drawn in generate.ts; this file is only the menu.

export const SHOP_NAME = 'Hearth & Bean';
export const SHOP_URL = 'https://shop.example.com';

export const CATEGORIES = ['coffee', 'tea', 'brewing', 'accessories', 'gifts'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Product {
  sku: string;
  name: string;
  category: Category;
  /** Price in pence; the euro and dollar prices derive from it (see priceIn). */
  gbp: number;
  /** Bought by the bag or box, so an order may hold several. */
  consumable: boolean;
}

const p = (sku: string, name: string, category: Category, gbp: number, consumable = false): Product => ({ sku, name, category, gbp, consumable });

export const PRODUCTS: readonly Product[] = [
  p('COF-HSE-250', 'House Blend 250g', 'coffee', 850, true),
  p('COF-HSE-1K', 'House Blend 1kg', 'coffee', 2600, true),
  p('COF-ETH-250', 'Ethiopia Yirgacheffe 250g', 'coffee', 1150, true),
  p('COF-COL-250', 'Colombia Huila 250g', 'coffee', 1050, true),
  p('COF-KEN-250', 'Kenya AA 250g', 'coffee', 1250, true),
  p('COF-DEC-250', 'Swiss Water Decaf 250g', 'coffee', 1000, true),
  p('COF-ESP-1K', 'Espresso Blend 1kg', 'coffee', 2900, true),
  p('COF-SUB-3M', 'Coffee Subscription, 3 months', 'coffee', 3600),
  p('TEA-EBR-100', 'English Breakfast 100g', 'tea', 650, true),
  p('TEA-EGR-100', 'Earl Grey 100g', 'tea', 700, true),
  p('TEA-SEN-50', 'Japanese Sencha 50g', 'tea', 900, true),
  p('TEA-CHA-100', 'Masala Chai 100g', 'tea', 750, true),
  p('TEA-CAM-50', 'Chamomile 50g', 'tea', 550, true),
  p('TEA-OOL-50', 'Formosa Oolong 50g', 'tea', 1200, true),
  p('BRW-V60', 'Ceramic Pour-over Dripper', 'brewing', 2400),
  p('BRW-FRP', 'French Press 1L', 'brewing', 3200),
  p('BRW-AER', 'Travel Coffee Press', 'brewing', 3500),
  p('BRW-GRD', 'Hand Grinder', 'brewing', 6500),
  p('BRW-KET', 'Gooseneck Kettle', 'brewing', 5900),
  p('BRW-ESP', 'Home Espresso Machine', 'brewing', 29900),
  p('BRW-FLT', 'Paper Filters (100)', 'brewing', 500, true),
  p('ACC-MUG', 'Stoneware Mug', 'accessories', 1400),
  p('ACC-CUP', 'Double-walled Glass Cups (2)', 'accessories', 1800),
  p('ACC-TRV', 'Insulated Travel Cup', 'accessories', 2200),
  p('ACC-SCL', 'Brewing Scale', 'accessories', 3900),
  p('ACC-CAN', 'Airtight Coffee Canister', 'accessories', 2000),
  p('ACC-TIN', 'Tea Tin', 'accessories', 900),
  p('GFT-TST', 'Coffee Tasting Set', 'gifts', 3200),
  p('GFT-TEA', 'Tea Discovery Box', 'gifts', 2800),
  p('GFT-HMP', 'Breakfast Hamper', 'gifts', 5500),
  p('GFT-CRD', 'Gift Card', 'gifts', 2500),
];

export const PRODUCTS_BY_CATEGORY: Record<Category, Product[]> = Object.fromEntries(
  CATEGORIES.map((c) => [c, PRODUCTS.filter((x) => x.category === c)]),
) as Record<Category, Product[]>;

/** How often a category is anyone's favourite: most people come for the coffee. */
export const CATEGORY_WEIGHTS: readonly (readonly [Category, number])[] = [
  ['coffee', 50],
  ['tea', 22],
  ['brewing', 12],
  ['accessories', 9],
  ['gifts', 7],
];

export type Currency = 'GBP' | 'EUR' | 'USD';
/** Rough exchange rates from pounds, for pricing and for order sizes in other currencies. */
export const FROM_GBP: Record<Currency, number> = { GBP: 1, EUR: 1.17, USD: 1.27 };

/** A shop's price in another currency: converted, then ending in 50 or 00 like real price tags. */
export function priceIn(product: Product, currency: Currency): number {
  if (currency === 'GBP') return product.gbp;
  return Math.max(50, Math.round((product.gbp * FROM_GBP[currency]) / 50) * 50);
}

export type Locale = 'en' | 'de' | 'fr' | 'nl' | 'es';

export interface Country {
  code: string;
  currency: Currency;
  locale: Locale;
  cities: readonly string[];
  /** A fictional number range (Ofcom's drama numbers, North America's 555-01xx), or none. */
  phone?: (n: number) => string;
}

export const COUNTRIES: readonly (readonly [Country, number])[] = [
  [{ code: 'GB', currency: 'GBP', locale: 'en', cities: ['London', 'Manchester', 'Bristol', 'Leeds', 'Edinburgh', 'Glasgow', 'Brighton', 'Birmingham', 'Cardiff', 'York'], phone: (n) => `+447700900${String(n % 1000).padStart(3, '0')}` }, 46],
  [{ code: 'US', currency: 'USD', locale: 'en', cities: ['New York', 'Seattle', 'Portland', 'Austin', 'Chicago', 'Boston', 'Denver', 'San Francisco'], phone: (n) => `+1${['212', '206', '503', '512', '312', '617'][n % 6]}55501${String(n % 100).padStart(2, '0')}` }, 20],
  [{ code: 'IE', currency: 'EUR', locale: 'en', cities: ['Dublin', 'Cork', 'Galway', 'Limerick'] }, 6],
  [{ code: 'DE', currency: 'EUR', locale: 'de', cities: ['Berlin', 'Hamburg', 'München', 'Köln', 'Leipzig', 'Frankfurt am Main'] }, 10],
  [{ code: 'FR', currency: 'EUR', locale: 'fr', cities: ['Paris', 'Lyon', 'Marseille', 'Bordeaux', 'Lille', 'Nantes'] }, 8],
  [{ code: 'NL', currency: 'EUR', locale: 'nl', cities: ['Amsterdam', 'Rotterdam', 'Utrecht', 'Den Haag', 'Eindhoven'] }, 6],
  [{ code: 'ES', currency: 'EUR', locale: 'es', cities: ['Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Bilbao'] }, 4],
];

export const FIRST_NAMES: Record<Locale, readonly string[]> = {
  en: ['Olivia', 'Amelia', 'Isla', 'Ava', 'Grace', 'Emily', 'Sophie', 'Chloe', 'Hannah', 'Lucy', 'Ella', 'Zara', 'Priya', 'Aisha', 'Megan', 'Ruth',
    'Oliver', 'George', 'Harry', 'Jack', 'Noah', 'Leo', 'Arthur', 'Thomas', 'James', 'William', 'Daniel', 'Samuel', 'Ravi', 'Omar', 'Connor', 'Ethan'],
  de: ['Anna', 'Lena', 'Marie', 'Sophie', 'Hannah', 'Lea', 'Julia', 'Katharina', 'Paul', 'Lukas', 'Jonas', 'Felix', 'Maximilian', 'Leon', 'Tobias', 'Jan'],
  fr: ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Louise', 'Juliette', 'Emma', 'Lucas', 'Hugo', 'Louis', 'Gabriel', 'Arthur', 'Jules', 'Théo', 'Raphaël'],
  nl: ['Emma', 'Julia', 'Tess', 'Sanne', 'Fleur', 'Anouk', 'Lotte', 'Daan', 'Sem', 'Lucas', 'Bram', 'Thijs', 'Jesse', 'Ruben', 'Milan', 'Joris'],
  es: ['Lucía', 'Sofía', 'María', 'Martina', 'Paula', 'Carmen', 'Elena', 'Hugo', 'Martín', 'Pablo', 'Daniel', 'Alejandro', 'Javier', 'Diego', 'Álvaro', 'Sergio'],
};

export const LAST_NAMES: Record<Locale, readonly string[]> = {
  en: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts',
    'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Khan', 'Murphy', "O'Brien", 'Kelly', 'Hughes', 'Edwards', 'Lewis', 'Harris', 'Martin', 'Cooper', 'Ward'],
  de: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Neumann', 'Braun'],
  fr: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'Fournier'],
  nl: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters'],
  es: ['García', 'Rodríguez', 'González', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Ruiz', 'Hernández', 'Díaz', 'Moreno', 'Muñoz'],
};

/** Reserved for documentation (RFC 2606), so no demo email can ever reach a real inbox. */
export const EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['example.com', 55],
  ['example.org', 25],
  ['example.net', 20],
];

export const SIGNUP_SOURCES = ['checkout', 'website', 'popup', 'instagram', 'facebook', 'referral', 'in_store'] as const;
export type SignupSource = (typeof SIGNUP_SOURCES)[number];

export const LOYALTY_TIERS = ['bronze', 'silver', 'gold'] as const;

/** The custom properties the demo shop keeps on its contacts. */
export const DEMO_PROPERTIES = [
  { key: 'loyalty_tier', label: 'Loyalty tier', type: 'enum', options: [...LOYALTY_TIERS], description: 'By lifetime spend: silver from £120, gold from £400.' },
  { key: 'birthday', label: 'Birthday', type: 'date', options: [], description: 'For the birthday coupon.' },
  { key: 'favourite_category', label: 'Favourite category', type: 'enum', options: [...CATEGORIES], description: 'What they buy or browse most.' },
  { key: 'accepts_sms', label: 'Accepts SMS', type: 'boolean', options: [], description: 'Agreed to text messages about orders and offers.' },
  { key: 'signup_source', label: 'Signup source', type: 'enum', options: [...SIGNUP_SOURCES], description: 'Where they first gave us their email.' },
  { key: 'country', label: 'Country', type: 'country', options: [], description: 'Country of the shipping address.' },
  { key: 'city', label: 'City', type: 'string', options: [], description: 'City of the shipping address.' },
] as const;

/** The pages a visitor lands on, with their titles. */
export const PAGES = {
  home: { url: `${SHOP_URL}/`, title: `${SHOP_NAME}: coffee and tea, roasted fresh` },
  signup: { url: `${SHOP_URL}/account/register`, title: `Create an account | ${SHOP_NAME}` },
  product: (product: Product) => ({
    url: `${SHOP_URL}/products/${product.sku.toLowerCase()}`,
    title: `${product.name} | ${SHOP_NAME}`,
  }),
};

/** Subjects of the monthly newsletter, by calendar month (January first). */
export const NEWSLETTER_SUBJECTS = [
  'New year, new beans: our January roasts',
  'Five ways to brew a better cup',
  'Spring harvest teas have landed',
  'Meet the farmers behind our Ethiopia',
  'Cold brew season starts now',
  'Summer iced tea recipes inside',
  'Travel light: coffee on the go',
  'Back to the grind: fresh autumn blends',
  'Our new Kenya AA is here',
  'Cosy evenings: chai, cocoa and chamomile',
  'The gift guide for coffee lovers',
  'Twelve days of tasting notes',
] as const;

/** Promotions sent to every subscriber once a year: month (1-12), day, key, subject, landing page. */
export const PROMOTIONS = [
  { month: 1, day: 6, key: 'january-sale', subject: 'January sale: up to 30% off brewing kit', path: '/collections/sale' },
  { month: 4, day: 10, key: 'spring-sale', subject: 'Spring sale: 20% off every tea', path: '/collections/tea' },
  { month: 7, day: 8, key: 'summer-sale', subject: 'Summer sale: iced coffee essentials', path: '/collections/summer' },
  { month: 11, day: 27, key: 'black-friday', subject: 'Black Friday: 25% off everything, this weekend only', path: '/collections/black-friday' },
  { month: 12, day: 3, key: 'gift-guide', subject: 'Last orders for Christmas delivery', path: '/collections/gifts' },
] as const;
