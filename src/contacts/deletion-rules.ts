// Rules of deleting contacts that the web app shares with the server (zod-free, so that the
// web app imports it as it is).

/** A bulk delete of more than this many contacts must say how many it deletes (`confirmCount`). */
export const BULK_DELETE_CONFIRM_ABOVE = 10;
