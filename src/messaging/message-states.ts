// The states of a message (zod-free, so that the web app imports it as it is).
export const MESSAGE_STATES = ['queued', 'sending', 'sent', 'failed', 'bounced', 'suppressed', 'cancelled'] as const;
