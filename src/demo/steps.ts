// The steps of a demo load, in order (zod-free, so that the web app imports it as it is).
export const DEMO_STEPS = ['preparing', 'history', 'indexing', 'segments', 'templates', 'done'] as const;
export type DemoStep = (typeof DEMO_STEPS)[number];
