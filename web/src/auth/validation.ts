// Client-side checks that mirror the server's contract, so mistakes show before a round trip.
export const validEmail = (value: string) =>
  /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) ? null : 'Enter an email address, like ada@example.com';

// Only the length: whether a password is too common or easy to guess is the server's call
// (zxcvbn's dictionaries stay out of the bundle); its answer shows under the field.
export const validNewPassword = (value: string) =>
  value.length >= 10 ? (value.length <= 200 ? null : 'Use at most 200 characters') : 'Use at least 10 characters';

export const required = (what: string) => (value: string) => (value.trim() ? null : `Enter ${what}`);
